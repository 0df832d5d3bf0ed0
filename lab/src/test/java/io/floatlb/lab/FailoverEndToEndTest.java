package io.floatlb.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agents, a ZooKeeper and a client in network namespaces, with the client's kernel
 * doing ARP. Needs root; elsewhere every test is skipped with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class FailoverEndToEndTest {
    private static final Duration SESSION = Duration.ofMillis(1000);
    private FailoverLab lab;

    @BeforeAll
    void startLab() throws Exception {
        assumeTrue(FailoverLab.possibleHere(), "needs root and iproute2 for network namespaces (CI runs it as root)");
        lab = FailoverLab.start(SESSION, "local");
    }

    @AfterAll
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private String other(String node) {
        return node.equals("n1") ? "n2" : "n1";
    }


    @Test
    @Order(1)
    void theClientsKernelResolvesTheVipToTheOwnersMacAndGetsAnEcho() throws Exception {
        lab.network().flushNeighbours("cl");
        String owner = lab.owner();
        assertThat(owner).isIn(FailoverLab.NODES);
        assertThat(lab.network().neighbour("cl", FailoverLab.VIP)).isEqualTo(lab.network().mac(owner));
    }

    @Test
    @Order(2)
    void theClientsKernelResolvesTheIpv6VipByNeighborDiscovery() throws Exception {
        lab.network().flushNeighbours("cl");
        String owner = lab.owner(FailoverLab.VIP6);
        assertThat(owner).isIn(FailoverLab.NODES);
        assertThat(lab.network().neighbour("cl", FailoverLab.VIP6)).isEqualTo(lab.network().mac(owner));
    }

    /**
     * The client keeps the old owner's MAC in its neighbour cache; only the successor's
     * unsolicited advertisement (override flag) can redirect it faster than neighbour
     * unreachability detection, which takes seconds.
     */
    @Test
    @Order(3)
    void aGracefulStopMovesTheIpv6VipAndAnUnsolicitedAdvertisementRedirectsTheClient() throws Exception {
        String owner = lab.owner(FailoverLab.VIP6);
        assertThat(lab.network().neighbour("cl", FailoverLab.VIP6)).isEqualTo(lab.network().mac(owner));
        FailoverLab.Outage o = lab.measure(FailoverLab.VIP6, () -> lab.stopAgent(owner), 20, Duration.ofSeconds(5));
        try {
            assertThat(o.recovered()).isTrue();
            assertThat(o.servedBy()).isEqualTo("echo-" + other(owner));
            assertThat(o.millis()).as("graceful IPv6 hand-over outage (ms)").isLessThan(500);
            assertThat(lab.network().neighbour("cl", FailoverLab.VIP6)).isEqualTo(lab.network().mac(other(owner)));
        } finally {
            lab.startAgent(owner);
        }
    }

    @Test
    @Order(4)
    void aCrashedOwnerIsReplacedByTheOtherNode() throws Exception {
        String owner = lab.owner();
        FailoverLab.Outage o = lab.measure(() -> lab.network().linkDown(owner), 20, Duration.ofSeconds(6));
        try {
            assertThat(o.recovered()).as("the VIP is served again").isTrue();
            assertThat(o.servedBy()).isEqualTo("echo-" + other(owner));
            assertThat(lab.network().neighbour("cl", FailoverLab.VIP)).isEqualTo(lab.network().mac(other(owner)));
        } finally {
            lab.network().linkUp(owner);
        }
        Thread.sleep(SESSION.multipliedBy(3).toMillis());
    }

    @Test
    @Order(5)
    void aGracefulStopHandsTheVipOver() throws Exception {
        String owner = lab.owner();
        FailoverLab.Outage o = lab.measure(() -> lab.stopAgent(owner), 20, Duration.ofSeconds(5));
        lab.startAgent(owner);
        assertThat(o.recovered()).isTrue();
        assertThat(o.servedBy()).isEqualTo("echo-" + other(owner));
        assertThat(o.millis()).as("graceful hand-over outage (ms)").isLessThan(500);
    }

    @Test
    @Order(6)
    void withLocalPolicyTheVipMovesToTheNodeThatStillHasEndpoints() throws Exception {
        String owner = lab.owner();
        assertThat(lab.awaitOwner(owner, Duration.ofSeconds(5))).isTrue();
        Thread.sleep(SESSION.multipliedBy(3).toMillis());
        lab.stopBackend(owner);
        try {
            assertThat(lab.awaitOwner(other(owner), Duration.ofSeconds(15))).isTrue();
            assertThat(lab.network().neighbour("cl", FailoverLab.VIP)).isEqualTo(lab.network().mac(other(owner)));
            // The node without endpoints stays silent: a fresh resolution still finds the other node.
            lab.network().flushNeighbours("cl");
            assertThat(lab.owner()).isEqualTo(other(owner));
            assertThat(lab.network().neighbour("cl", FailoverLab.VIP)).isEqualTo(lab.network().mac(other(owner)));
        } finally {
            lab.startBackend(owner);
        }
    }

    /** {@link FailoverLab#keepAsking}, for use inside a capture. */
    private void keepAsking(Duration d) {
        try {
            lab.keepAsking(d);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The capture times of the frames from one MAC. */
    private static java.util.stream.LongStream framesFrom(java.util.List<String> frames, String mac) {
        return frames.stream().filter(f -> f.split(" ")[1].equals(mac)).mapToLong(f -> Long.parseLong(f.split(" ")[0]));
    }

    @Test
    @Order(7)
    void anOwnerCutOffFromZooKeeperFallsSilentBeforeItsSuccessorSpeaks() throws Exception {
        Thread.sleep(SESSION.multipliedBy(3).toMillis());
        String owner = lab.owner();
        String successor = other(owner);
        String ownerMac = lab.network().mac(owner);
        String successorMac = lab.network().mac(successor);
        java.util.List<String> frames = lab.watchArp(() -> {
            keepAsking(Duration.ofMillis(800));
            lab.cutFromZooKeeper(owner);
            try {
                assertThat(lab.awaitOwner(successor, Duration.ofSeconds(15))).isTrue();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            keepAsking(Duration.ofSeconds(2));
        });
        lab.restoreZooKeeper(owner);
        long successorFirst = framesFrom(frames, successorMac).min().orElse(-1);
        assertThat(successorFirst).as("the successor announced itself: %s", frames).isPositive();
        assertThat(framesFrom(frames, ownerMac).max().orElse(-1)).as("the cut-off owner's last claim comes before the successor's first: %s", frames)
                .isLessThan(successorFirst);
        Thread.sleep(SESSION.multipliedBy(3).toMillis());
    }

    @Test
    @Order(8)
    void aPausedOwnerSendsNoArpForTheVipAfterItResumes() throws Exception {
        String owner = lab.owner();
        String successor = other(owner);
        String ownerMac = lab.network().mac(owner);
        long[] resumedAt = {0};
        java.util.List<String> frames = lab.watchArp(() -> {
            lab.pause(owner);
            try {
                assertThat(lab.awaitOwner(successor, Duration.ofSeconds(15))).isTrue();
            } catch (Exception e) {
                lab.resume(owner);
                throw new IllegalStateException(e);
            }
            resumedAt[0] = System.currentTimeMillis();
            lab.resume(owner);
            keepAsking(Duration.ofSeconds(3));
        });
        String successorMac = lab.network().mac(successor);
        assertThat(frames).as("the capture saw the successor answer after the resume: %s", frames)
                .anyMatch(f -> f.split(" ")[1].equals(successorMac) && Long.parseLong(f.split(" ")[0]) > resumedAt[0]);
        assertThat(frames).as("frames claiming the VIP from the paused owner after it resumed")
                .noneMatch(f -> f.split(" ")[1].equals(ownerMac) && Long.parseLong(f.split(" ")[0]) > resumedAt[0]);
        assertThat(lab.owner()).isEqualTo(successor);
    }

    @Test
    @Order(9)
    void statusShowsTheOwnerAndBothNodesEndpointsAndFlagsANodeWhoseConfigDiffers() throws Exception {
        String owner = lab.owner();
        String table = lab.floatlbOn("n1", "status", "-o", "wide");
        assertThat(table).as(table).containsPattern("echo\\s+198\\.18\\.0\\.100\\s+80:8080/TCP\\s+local\\s+" + owner
                + "\\s+n1=1/1 n2=1/1");
        assertThat(table).containsPattern("n1\\s+live\\s+\\w+\\s+-").containsPattern("n2\\s+live\\s+\\w+\\s+-");

        lab.editConfig("n2", c -> c.replace("drain-timeout = 2s", "drain-timeout = 3s"));
        lab.floatlbOn("n2", "reload");
        String drifted = awaitStatus("n1", s -> DRIFT_ROW.matcher(s).find());
        assertThat(drifted).as(drifted).containsPattern("n2\\s+live\\s+\\w+\\s+DRIFT")
                .containsPattern("n1\\s+live\\s+\\w+\\s+-");
        assertThat(lab.floatlbOn("n2", "status")).as("n2 sees the same drift from its side")
                .containsPattern("n1\\s+live\\s+\\w+\\s+DRIFT");

        lab.editConfig("n2", c -> c.replace("drain-timeout = 3s", "drain-timeout = 2s"));
        lab.floatlbOn("n2", "reload");
        assertThat(awaitStatus("n1", s -> !DRIFT_ROW.matcher(s).find())).doesNotContainPattern(DRIFT_ROW);
    }

    /** A reload that adds a VIP: the new address is plumbed, elected and answered for by ARP. */
    @Test
    @Order(10)
    void aReloadThatAddsAVipAnnouncesIt() throws Exception {
        String vip2 = LabNetwork.SUBNET + "101";
        for (String n : FailoverLab.NODES) {
            lab.editConfig(n, c -> c.replace("[\"" + FailoverLab.VIP + "/32\"]", "[\"" + FailoverLab.VIP + "-" + vip2 + "\"]")
                    + "floatlb.services.echo2 = ${floatlb.services.echo} { vip = \"" + vip2 + "\" }\n");
            assertThat(lab.floatlbOn(n, "reload")).containsAnyOf("applied", "unchanged");
        }
        assertThat(lab.awaitServed(vip2, Duration.ofSeconds(10))).as("the added VIP is served").isTrue();
        String owner2 = lab.owner(vip2);
        assertThat(lab.network().neighbour("cl", vip2)).isEqualTo(lab.network().mac(owner2));
        assertThat(lab.owner()).as("the first VIP is still served").isIn(FailoverLab.NODES);
    }

    /** Each ARP request the client's kernel sends is answered and counted by the owner, and ignored and counted by the other. */
    @Test
    @Order(11)
    void theOwnerCountsTheRequestsItAnswersAndTheOtherNodeCountsThemAsNotItsToAnswer() throws Exception {
        String owner = lab.owner();
        String answered = "floatlb_vip_requests_answered_total{interface=\"eth0\",vip=\"" + FailoverLab.VIP + "\"}";
        String notOwner = "floatlb_neighbor_frames_dropped_total{interface=\"eth0\",reason=\"not_owner\"}";
        double answeredBefore = metric(owner, answered);
        double ignoredBefore = metric(other(owner), notOwner);
        for (int i = 0; i < 3; i++) {
            lab.network().flushNeighbours("cl");
            assertThat(lab.owner()).isEqualTo(owner);
        }
        assertThat(metric(owner, answered) - answeredBefore).as("requests the owner answered").isGreaterThanOrEqualTo(3);
        assertThat(metric(other(owner), notOwner) - ignoredBefore).as("requests the other node left to the owner")
                .isGreaterThanOrEqualTo(3);
        assertThat(metric(other(owner), answered)).as("the other node answered none").isZero();
    }

    /**
     * A UDP VIP in front of a real DNS server on each node (dnsmasq, answering with its own
     * node's address), resolved with dig from the client; after the owner's link is cut, the
     * client resolves through the other node.
     */
    @Test
    @Order(12)
    void aUdpVipResolvesFromTheClientAfterTheOwnerCrashes(@TempDir Path logs) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/dnsmasq")) && Files.isExecutable(Path.of("/usr/bin/dig")),
                "needs dnsmasq and dig (dnsmasq-base, bind9-dnsutils; bin/install-test-deps installs them)");
        List<Process> servers = new ArrayList<>();
        try {
            for (String n : FailoverLab.NODES) {
                servers.add(lab.network().start(n, List.of("/usr/sbin/dnsmasq", "--keep-in-foreground",
                        "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
                        "--listen-address=" + lab.network().address(n), "--port=5353",
                        "--host-record=who.test," + lab.network().address(n), "--pid-file=", "--log-facility=-"),
                        logs.resolve("dnsmasq-" + n + ".log")));
            }
            String endpoints = FailoverLab.NODES.stream().map(n -> "{ address = \"" + lab.network().address(n)
                    + "\", node = " + n + " }").collect(java.util.stream.Collectors.joining(", "));
            for (String n : FailoverLab.NODES) {
                lab.editConfig(n, c -> c.replace("address-pools = [lan, lan6]", "address-pools = [lan, lan6, dns]")
                        + "floatlb.address-pools.dns.addresses = [\"" + DNS_VIP + "/32\"]\n"
                        + "floatlb.services.dns { vip = \"" + DNS_VIP + "\", ports = [{ port = 53, target-port = 5353,"
                        + " protocol = UDP }], external-traffic-policy = local, health-check { kind = tcp, port = 5353,"
                        + " interval = 200ms, timeout = 100ms, rise = 2, fall = 2 }, endpoints = [" + endpoints + "] }\n");
                assertThat(lab.floatlbOn(n, "reload")).containsAnyOf("applied", "unchanged");
            }
            assertThat(FailoverLab.within(Duration.ofSeconds(15), () -> resolve() != null)).as("the UDP VIP resolves")
                    .isTrue();
            String ownerAddress = resolve();
            String owner = FailoverLab.NODES.stream().filter(n -> lab.network().address(n).equals(ownerAddress))
                    .findFirst().orElseThrow();
            String successor = lab.network().address(other(owner));
            lab.network().linkDown(owner);
            try {
                long cut = System.nanoTime();
                assertThat(FailoverLab.within(Duration.ofSeconds(10), () -> successor.equals(resolve())))
                        .as("the client resolves through the other node after the crash").isTrue();
                long millis = (System.nanoTime() - cut) / 1_000_000;
                assertThat(millis).as("UDP outage after a crash (ms)").isLessThan(10_000);
                for (int i = 0; i < 5; i++) {
                    assertThat(resolve()).as("then every query is answered").isEqualTo(successor);
                }
            } finally {
                lab.network().linkUp(owner);
            }
        } finally {
            servers.forEach(p -> LabNetwork.stop(p, 3000));
        }
    }

    private static final String DNS_VIP = LabNetwork.SUBNET + "53";

    /** dig from the client through the UDP VIP: the answer, or null. */
    private String resolve() {
        try {
            String out = lab.network().run("cl", "/usr/bin/dig", "@" + DNS_VIP, "who.test", "A", "+short", "+tries=1",
                    "+time=1").strip();
            return out.isEmpty() ? null : out;
        } catch (IllegalStateException noAnswer) {
            return null;
        }
    }

    private double metric(String node, String series) {
        String metrics = lab.network().run(node, "curl", "-s", "--max-time", "5", "http://127.0.0.1:9180/metrics");
        return metrics.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(series + " not in the metrics of " + node));
    }

    private static final java.util.regex.Pattern DRIFT_ROW = java.util.regex.Pattern.compile("live\\s+\\w+\\s+DRIFT");

    private String awaitStatus(String node, java.util.function.Predicate<String> done) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String status = lab.floatlbOn(node, "status", "-o", "wide");
        while (!done.test(status) && System.nanoTime() < until) {
            Thread.sleep(200);
            status = lab.floatlbOn(node, "status", "-o", "wide");
        }
        return status;
    }
}
