package io.floatlb.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatlb.core.election.VipPreference;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Planned hand-over in network namespaces: 50 long-lived connections through the VIP, each
 * exchanging a request every 100 ms, while the owner moves the VIP. With the hand-over every
 * connection finishes on the old owner; without it (the same move) they are reset. Needs
 * root and {@code nft}; elsewhere skipped with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class HandoverEndToEndTest {
    private static final int CONNECTIONS = 50;
    private static final int CONNECTIONS6 = 20;
    /** 4 s of exchanges: the move happens about a second in. */
    private static final int EXCHANGES = 40;
    private static final long INTERVAL_MILLIS = 100;
    private FailoverLab lab;

    @BeforeAll
    void startLab() throws Exception {
        assumeTrue(FailoverLab.possibleHere(), "needs root and iproute2 for network namespaces (CI runs it as root)");
        assumeTrue(io.floatlb.failover.address.Commands.available("nft"), "needs nft (Debian's nftables package; bin/test installs it as root)");
        lab = FailoverLab.start(Duration.ofMillis(1000), "local");
        restartBoth("drain-timeout = 20s");
    }

    @AfterAll
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private static String other(String node) {
        return node.equals("n1") ? "n2" : "n1";
    }

    /** The owner gets SIGTERM while the connections run; returns their report and what new connections reached. */
    private Moved stopOwnerDuringLongConnections() throws Exception {
        String owner = lab.owner();
        assertThat(lab.owner(FailoverLab.VIP6)).as("one node owns both VIPs").isEqualTo(owner);
        FailoverLab.LongRun run = lab.longConnections(CONNECTIONS, EXCHANGES, INTERVAL_MILLIS);
        FailoverLab.LongRun run6 = lab.longConnections(FailoverLab.VIP6, CONNECTIONS6, EXCHANGES, INTERVAL_MILLIS);
        Thread.sleep(1000);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> lab.stopAgent(owner, Duration.ofSeconds(30)));
        Thread.sleep(1000);
        // One probe waits 100 ms for its answer: on a loaded machine a single one can miss
        // while the drain goes on, so new connections are tried for up to 2 s of it.
        String[] fresh = {"FAIL"};
        FailoverLab.within(Duration.ofSeconds(2), () -> !(fresh[0] = lab.probeOnce()).equals("FAIL"));
        List<String> report = run.await(Duration.ofSeconds(60));
        List<String> report6 = run6.await(Duration.ofSeconds(60));
        int code = exit.get();
        lab.startAgent(owner);
        assertThat(lab.awaitServed(Duration.ofSeconds(30))).isTrue();
        return new Moved(owner, report, report6, fresh[0], code);
    }

    private record Moved(String owner, List<String> report, List<String> report6, String freshConnectionServedBy,
                         int exit) {}

    @Test
    @Order(1)
    void aGracefulStopResetsNoEstablishedConnectionAndNewOnesLandOnTheSuccessor() throws Exception {
        Moved m = stopOwnerDuringLongConnections();
        assertCompletedOn(m.report(), m.owner(), CONNECTIONS);
        assertCompletedOn(m.report6(), m.owner(), CONNECTIONS6);
        assertThat(m.freshConnectionServedBy()).as("a new connection during the drain").isEqualTo("echo-" + other(m.owner()));
        assertThat(m.exit()).as("the old owner exits cleanly after its last connection").isZero();
    }

    @Test
    @Order(2)
    void aFailbackHandsTheVipBackWithoutResettingTheConnectionsOfTheNodeThatHadIt() throws Exception {
        restartBoth("drain-timeout = 20s\ncoordination.failback = true");
        // Not whoever answers first: the two agents start together, and the one that joins
        // first may serve the VIP for a moment before the preferred one takes it back.
        String preferred = VipPreference.rank(InetAddress.getByName(FailoverLab.VIP), FailoverLab.NODES).get(0);
        assertThat(awaitOwner(preferred)).as("with failback the preferred node owns the VIP; agents:%n%s", lab.events())
                .isTrue();
        String interim = other(preferred);
        lab.stopAgent(preferred);
        assertThat(awaitOwner(interim)).isTrue();
        FailoverLab.LongRun run = lab.longConnections(CONNECTIONS, EXCHANGES, INTERVAL_MILLIS);
        lab.startAgent(preferred);
        assertThat(awaitOwner(preferred)).as("the preferred node takes the VIP back; agents:%n%s", lab.events()).isTrue();
        List<String> report = run.await(Duration.ofSeconds(60));
        assertCompletedOn(report, interim, CONNECTIONS);
    }

    @Test
    @Order(3)
    void aDrainedNodeHandsOverWithoutAResetExitsZeroAndStaysDrainedAcrossARestart() throws Exception {
        restartBoth("drain-timeout = 20s");
        String owner = lab.owner();
        String successor = other(owner);
        FailoverLab.LongRun run = lab.longConnections(CONNECTIONS, EXCHANGES, INTERVAL_MILLIS);
        CompletableFuture<String> drain = CompletableFuture.supplyAsync(() -> lab.floatlbOn(owner, "drain", "--timeout", "60s"));
        assertThat(awaitOwner(successor)).isTrue();
        List<String> report = run.await(Duration.ofSeconds(60));
        assertCompletedOn(report, owner, CONNECTIONS);
        assertThat(drain.get()).as("floatlb drain exits 0 once the connections ended").contains("drained in")
                .contains(CONNECTIONS + " connection(s) kept on it to their end");
        assertThat(lab.floatlbOn(owner, "status")).containsPattern(owner + "\\s+drained");

        lab.stopAgent(owner);
        lab.startAgent(owner);
        Thread.sleep(3000);
        assertThat(lab.owner()).as("a restart keeps the node drained").isEqualTo(successor);
        assertThat(lab.floatlbOn(successor, "status")).containsPattern(owner + "\\s+drained");
        assertThat(lab.floatlbOn(owner, "undrain")).contains("undrained");
        assertThat(lab.floatlbOn(successor, "status")).containsPattern(owner + "\\s+live");
    }

    @Test
    @Order(4)
    void aReloadThatRemovesTheVipFromItsOwnerKeepsTheConnectionsThere() throws Exception {
        restartBoth("drain-timeout = 20s");
        String owner = lab.owner();
        String successor = other(owner);
        FailoverLab.LongRun run = lab.longConnections(CONNECTIONS, EXCHANGES, INTERVAL_MILLIS);
        Thread.sleep(1000);
        lab.editConfig(owner, c -> c.replace("\"" + FailoverLab.VIP + "/32\"", "\"" + LabNetwork.SUBNET + "110/32\""));
        assertThat(awaitOwner(successor)).as("the VIP moves to the node that still has it").isTrue();
        List<String> report = run.await(Duration.ofSeconds(60));
        assertCompletedOn(report, owner, CONNECTIONS);
        assertThat(awaitAddressGone(owner)).as("the removed VIP's address goes once its connections ended").isTrue();
    }


    @Test
    @Order(5)
    void anOldOwnerKilledMidHandOverLeavesNoForwardingBehindAndTheVipServesOn() throws Exception {
        restartBoth("drain-timeout = 20s");
        String owner = lab.owner();
        String successor = other(owner);
        FailoverLab.LongRun run = lab.longConnections(CONNECTIONS, 100, INTERVAL_MILLIS);
        lab.beginStop(owner);
        assertThat(awaitTable(successor, true)).as("the successor forwards the old owner's connections").isTrue();
        lab.killAgent(owner);
        assertThat(awaitTable(successor, false)).as("its forwarding is gone once the old owner's session ended").isTrue();
        assertThat(lab.probeOnce()).isEqualTo("echo-" + successor);
        run.await(Duration.ofSeconds(30));
        lab.startAgent(owner);
        assertThat(lab.awaitServed(Duration.ofSeconds(30))).isTrue();
    }

    @Test
    @Order(6)
    void withTheHandOverOffTheSameStopResetsTheConnections() throws Exception {
        restartBoth("drain-timeout = 5s\ncoordination.handover = off");
        Moved m = stopOwnerDuringLongConnections();
        assertThat(FailoverLab.LongRun.count(m.report(), "reset")).as("connections reset: %s", m.report())
                .isGreaterThan(CONNECTIONS / 2);
        assertThat(FailoverLab.LongRun.count(m.report6(), "reset")).as("over IPv6 too: %s", m.report6())
                .isGreaterThan(CONNECTIONS6 / 2);
    }

    private void restartBoth(String settings) throws Exception {
        lab.nodeSettings(settings);
        for (String n : FailoverLab.NODES) {
            lab.stopAgent(n);
            lab.startAgent(n);
        }
        assertThat(lab.awaitServed(Duration.ofSeconds(30))).isTrue();
    }

    private boolean awaitOwner(String node) throws Exception {
        return lab.awaitOwner(node, Duration.ofSeconds(15));
    }

    /** Waits (bounded) until floatlb's nftables table is there on a node, or gone. */
    private boolean awaitTable(String node, boolean present) throws Exception {
        return FailoverLab.within(Duration.ofSeconds(10),
                () -> lab.network().run(node, "nft", "list", "tables", "netdev").contains("floatlb") == present);
    }

    private boolean awaitAddressGone(String node) throws Exception {
        return FailoverLab.within(Duration.ofSeconds(10),
                () -> !lab.network().run(node, "ip", "-o", "addr", "show").contains(" " + FailoverLab.VIP + "/"));
    }

    /** Every long connection completed all its exchanges, served by {@code node} to its end. */
    private void assertCompletedOn(List<String> report, String node, int connections) {
        assertThat(FailoverLab.LongRun.count(report, "completed"))
                .as("every connection completes: %s%nagents:%n%s", report, lab.events()).isEqualTo(connections);
        assertThat(report).filteredOn(l -> l.startsWith("conn ")).allMatch(l -> l.contains(" echo-" + node + " "),
                "served by " + node + " to its end");
    }
}
