package io.floatlb.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
    /** 4 s of exchanges: the move happens about a second in. */
    private static final int EXCHANGES = 40;
    private static final long INTERVAL_MILLIS = 100;
    private FailoverLab lab;

    @BeforeAll
    void startLab() throws Exception {
        assumeTrue(FailoverLab.possibleHere(), "needs root and iproute2 for network namespaces (CI runs it as root)");
        assumeTrue(HandoverLab.nftHere(), "needs nft (Debian's nftables package; bin/test installs it as root)");
        lab = FailoverLab.start(Duration.ofMillis(1000), "local");
        lab.nodeSettings("drain-timeout = 20s");
        for (String n : FailoverLab.NODES) {
            lab.stopAgent(n);
            lab.startAgent(n);
        }
        assertThat(lab.awaitServed(Duration.ofSeconds(30))).isTrue();
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
        FailoverLab.LongRun run = lab.longConnections(CONNECTIONS, EXCHANGES, INTERVAL_MILLIS);
        Thread.sleep(1000);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> lab.stopAgent(owner, Duration.ofSeconds(30)));
        Thread.sleep(1000);
        String fresh = lab.probeOnce();
        List<String> report = run.await(Duration.ofSeconds(60));
        int code = exit.get();
        lab.startAgent(owner);
        assertThat(lab.awaitServed(Duration.ofSeconds(30))).isTrue();
        return new Moved(owner, report, fresh, code);
    }

    private record Moved(String owner, List<String> report, String freshConnectionServedBy, int exit) {}

    @Test
    @Order(1)
    void aGracefulStopResetsNoEstablishedConnectionAndNewOnesLandOnTheSuccessor() throws Exception {
        Moved m = stopOwnerDuringLongConnections();
        assertThat(FailoverLab.LongRun.count(m.report(), "completed")).as("every connection completes: %s", m.report())
                .isEqualTo(CONNECTIONS);
        assertThat(m.report()).filteredOn(l -> l.startsWith("conn ")).allMatch(l -> l.contains(" echo-" + m.owner() + " "),
                "every connection was served by the old owner to its end");
        assertThat(m.freshConnectionServedBy()).as("a new connection during the drain").isEqualTo("echo-" + other(m.owner()));
        assertThat(m.exit()).as("the old owner exits cleanly after its last connection").isZero();
    }

    @Test
    @Order(2)
    void withTheHandOverOffTheSameStopResetsTheConnections() throws Exception {
        lab.nodeSettings("drain-timeout = 20s\ncoordination.handover = off");
        for (String n : FailoverLab.NODES) {
            lab.stopAgent(n);
            lab.startAgent(n);
        }
        assertThat(lab.awaitServed(Duration.ofSeconds(30))).isTrue();
        Moved m = stopOwnerDuringLongConnections();
        assertThat(FailoverLab.LongRun.count(m.report(), "reset")).as("connections reset: %s", m.report())
                .isGreaterThan(CONNECTIONS / 2);
    }
}
