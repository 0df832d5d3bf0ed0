package io.floatlb.failover.election;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real ZooKeeper servers in-process, killed and restarted to prove behaviour under failure. */
@Timeout(90)
class VipElectionTest {
    private TestingServer server;
    private TestingCluster cluster;
    private final List<AutoCloseable> open = new java.util.ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (server != null) {
            server.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private ElectionNode node(String connect, String name, String policy, int healthy) throws Exception {
        ElectionNode n = new ElectionNode(connect, name, policy, healthy, false);
        open.add(n);
        return n;
    }

    private static boolean await(Duration max, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < until) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }


    @Test
    void exactlyOneNodeOwnsTheVipAndAGracefulStopHandsItOver() throws Exception {
        server = new TestingServer(true);
        ElectionNode a = node(server.getConnectString(), "node1", "cluster", 1);
        ElectionNode b = node(server.getConnectString(), "node2", "cluster", 1);
        assertThat(await(Duration.ofSeconds(10), () -> a.owns() || b.owns())).isTrue();
        Thread.sleep(300);
        assertThat(a.owns() && b.owns()).isFalse();
        ElectionNode owner = a.owns() ? a : b;
        ElectionNode other = owner == a ? b : a;
        assertThat(other.ownership.owner(ElectionNode.VIP)).contains(owner.name);

        long start = System.nanoTime();
        owner.close();
        assertThat(await(Duration.ofSeconds(5), other::owns)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("graceful hand-over").isLessThan(Duration.ofMillis(500));
    }

    @Test
    void anOwnerCutOffFromZooKeeperIsReplacedAndNeverOverlapsItsSuccessor() throws Exception {
        server = new TestingServer(true);
        CuttableLink link = new CuttableLink(server.getConnectString());
        open.add(link);
        ElectionNode a = node(link.connectString(), "node1", "cluster", 1);
        assertThat(await(Duration.ofSeconds(10), a::owns)).isTrue();
        ElectionNode b = node(server.getConnectString(), "node2", "cluster", 1);
        Thread.sleep(300);
        assertThat(b.owns()).as("ownership is sticky").isFalse();

        long cutAt = System.nanoTime();
        link.cut();
        long aSilentAt = 0;
        long bOwnsAt = 0;
        int bothOwn = 0;
        while (System.nanoTime() - cutAt < Duration.ofSeconds(5).toNanos() && bOwnsAt == 0) {
            boolean aOwns = a.owns();
            boolean bOwns = b.owns();
            if (aOwns && bOwns) {
                bothOwn++;
            }
            if (!aOwns && aSilentAt == 0) {
                aSilentAt = System.nanoTime();
            }
            if (bOwns) {
                bOwnsAt = System.nanoTime();
            }
            Thread.sleep(1);
        }
        assertThat(bOwnsAt).as("the other node took over").isPositive();
        assertThat(bothOwn).as("instants with two owners").isZero();
        assertThat(aSilentAt).as("the cut-off owner fell silent first").isPositive().isLessThan(bOwnsAt);
        assertThat(Duration.ofNanos(bOwnsAt - cutAt)).as("takeover after the cut")
                .isLessThan(ElectionNode.SESSION.multipliedBy(3));
    }

    /** A reload's view of the election: VIPs dropped are released, new ones taken, both counted. */
    @Test
    void aReconfigurationReleasesDroppedVipsTakesNewOnesAndCountsBoth() throws Exception {
        server = new TestingServer(true);
        ElectionNode a = node(server.getConnectString(), "node1", "cluster", 1);
        assertThat(await(Duration.ofSeconds(10), a::owns)).isTrue();
        java.net.InetAddress vip2 = java.net.InetAddress.getByName("198.18.0.101");
        List<java.net.InetAddress> announced = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<java.net.InetAddress> afterRemoval = new java.util.concurrent.CopyOnWriteArrayList<>();
        a.ownership.subscribe(acquired(announced));
        a.ownership.subscribe(acquired(afterRemoval)).run();

        a.ownership.reconfigure(java.util.Set.of(vip2), (vip, m) -> true);
        assertThat(await(Duration.ofSeconds(5), () -> a.ownership.ownedHere(vip2))).isTrue();
        assertThat(a.owns()).as("the VIP no longer configured").isFalse();
        assertThat(await(Duration.ofSeconds(5), () -> a.ownership.owner(ElectionNode.VIP).isEmpty()))
                .as("its znode is gone (deleted in the background)").isTrue();
        assertThat(a.counts.won(ElectionNode.VIP)).isEqualTo(1);
        assertThat(a.counts.lost(ElectionNode.VIP)).isEqualTo(1);
        assertThat(a.counts.won(vip2)).isEqualTo(1);
        assertThat(announced).containsExactly(vip2);
        assertThat(afterRemoval).as("a removed listener hears nothing").isEmpty();
    }

    private static io.floatlb.failover.VipOwnership.Listener acquired(List<java.net.InetAddress> into) {
        return new io.floatlb.failover.VipOwnership.Listener() {
            @Override
            public void onAcquired(java.net.InetAddress vip) {
                into.add(vip);
            }

            @Override
            public void onLost(java.net.InetAddress vip) {
            }
        };
    }

    @Test
    void localPolicyMovesTheVipToTheNodeThatStillHasEndpoints() throws Exception {
        server = new TestingServer(true);
        ElectionNode a = node(server.getConnectString(), "node1", "local", 1);
        assertThat(await(Duration.ofSeconds(10), a::owns)).isTrue();
        ElectionNode b = node(server.getConnectString(), "node2", "local", 0);
        Thread.sleep(300);
        assertThat(b.owns()).isFalse();

        b.healthy(2);
        Thread.sleep(200);
        assertThat(a.owns()).as("a healthy owner keeps its VIP").isTrue();
        a.healthy(0);
        assertThat(await(Duration.ofSeconds(5), b::owns)).isTrue();
        assertThat(a.owns()).isFalse();
    }

    @Test
    void aNodeWithoutLocalEndpointsNeverOwns() throws Exception {
        server = new TestingServer(true);
        ElectionNode a = node(server.getConnectString(), "node1", "local", 0);
        Thread.sleep(1000);
        assertThat(a.owns()).isFalse();
        assertThat(a.ownership.owner(ElectionNode.VIP)).isEmpty();
    }

    @Test
    void losingZooKeeperStopsTheOwnerBeforeItsSessionCouldExpire() throws Exception {
        server = new TestingServer(true);
        ElectionNode a = node(server.getConnectString(), "node1", "cluster", 1);
        assertThat(await(Duration.ofSeconds(10), a::owns)).isTrue();
        long start = System.nanoTime();
        server.stop();
        assertThat(await(Duration.ofSeconds(5), () -> !a.owns())).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ElectionNode.SESSION);
    }

    /**
     * With a session that outlasts the ensemble's recovery (README: 3 s or more), losing
     * any one server moves nothing. With the test's 800 ms session a move is allowed, and
     * happened: the owner's server, or the leader, went and its session could not wait.
     */
    @Test
    void anEnsembleLosingOneServerChangesNothing() throws Exception {
        cluster = new TestingCluster(3);
        cluster.start();
        Duration session = Duration.ofSeconds(3);
        ElectionNode a = new ElectionNode(cluster.getConnectString(), "node1", "cluster", 1, false, session);
        open.add(a);
        ElectionNode b = new ElectionNode(cluster.getConnectString(), "node2", "cluster", 1, false, session);
        open.add(b);
        assertThat(await(Duration.ofSeconds(15), () -> a.owns() || b.owns())).isTrue();
        ElectionNode owner = a.owns() ? a : b;
        InstanceSpec victim = cluster.getInstances().iterator().next();
        cluster.killServer(victim);
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        int ownerChanges = 0;
        while (System.nanoTime() < until) {
            ElectionNode now = a.owns() ? a : b.owns() ? b : null;
            if (now != null && now != owner) {
                ownerChanges++;
            }
            Thread.sleep(10);
        }
        assertThat(ownerChanges).isZero();
        assertThat(await(Duration.ofSeconds(5), owner::owns)).isTrue();
    }

    @Test
    void stoppingWithZooKeeperGoneIsQuickAndSilentAtOnce() throws Exception {
        server = new TestingServer(true);
        ElectionNode a = node(server.getConnectString(), "node1", "cluster", 1);
        assertThat(await(Duration.ofSeconds(10), a::owns)).isTrue();
        server.stop();
        assertThat(await(Duration.ofSeconds(5), () -> !a.owns())).isTrue();
        long start = System.nanoTime();
        a.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no release is waited for without ZooKeeper")
                .isLessThan(Duration.ofSeconds(3));
    }

    /** A client of the cluster's root as another program (or an older floatlb) would be. */
    private org.apache.curator.framework.CuratorFramework foreignAgent() throws InterruptedException {
        org.apache.curator.framework.CuratorFramework raw = io.floatlb.failover.zk.CoordinationClient.create(
                new io.floatlb.core.config.Coordination(server.getConnectString(), "/floatlb/test", Duration.ofSeconds(5),
                        false, java.util.Optional.empty(), true), server.getConnectString());
        raw.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS);
        return raw;
    }

    /** Health checks run until the agent stops, after the cluster session: a signal then must not throw on an event loop. */
    @Test
    void aHealthChangeAfterTheSessionClosedIsIgnored() throws Exception {
        server = new TestingServer(true);
        ElectionNode a = node(server.getConnectString(), "node1", "cluster", 1);
        assertThat(await(Duration.ofSeconds(10), a::owns)).isTrue();
        a.close();
        a.healthy(0);
        a.healthy(2);
    }

    @Test
    void znodesOfForeignOrOlderAgentsAreIgnoredAndCountedNeverTrusted() throws Exception {
        server = new TestingServer(true);
        try (org.apache.curator.framework.CuratorFramework raw = foreignAgent()) {
            raw.create().creatingParentsIfNeeded().forPath("/members/garbage", new byte[] {0, 1, 2, (byte) 0xff});
            raw.create().forPath("/members/impostor", io.floatlb.failover.membership.MemberCodec.encode(
                    new io.floatlb.core.election.MemberState("node1", "x", java.util.Map.of())));
            raw.create().forPath("/members/empty");
            ElectionNode a = node(server.getConnectString(), "node1", "cluster", 1);
            assertThat(await(Duration.ofSeconds(10), a::owns)).as("the election goes on beside them").isTrue();
            assertThat(a.membership.members()).containsOnlyKeys("node1");
            assertThat(a.membership.unreadableMembers()).isEqualTo(3);
        }
    }

    @Test
    void aVipZnodeWithAForeignPayloadIsSomeoneElsesNeverOurs() throws Exception {
        server = new TestingServer(true);
        try (org.apache.curator.framework.CuratorFramework raw = foreignAgent()) {
            raw.create().creatingParentsIfNeeded().withMode(org.apache.zookeeper.CreateMode.EPHEMERAL)
                    .forPath("/vips/" + ElectionNode.VIP.getHostAddress(), new byte[] {(byte) 0xc3, 0x28, 0});
            ElectionNode a = node(server.getConnectString(), "node1", "cluster", 1);
            Thread.sleep(500);
            assertThat(a.owns()).as("a VIP another session holds").isFalse();
            raw.close();
            assertThat(await(Duration.ofSeconds(10), a::owns)).as("taken once the foreign session ends").isTrue();
        }
    }
}
