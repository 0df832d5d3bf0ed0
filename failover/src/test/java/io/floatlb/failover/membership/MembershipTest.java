package io.floatlb.failover.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.election.MemberState;
import io.floatlb.failover.zk.ClusterPaths;
import io.floatlb.failover.zk.ContactLease;
import io.floatlb.failover.zk.CoordinationClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** A node's view of the cluster over a real ZooKeeper. */
class MembershipTest {
    private static final int OTHERS = 300;

    /**
     * Leaving while ZooKeeper is away must neither wait for it nor spin: a member znode
     * create still queued when the client closes was retried by Curator, on the closing
     * thread, for ever (an agent's SIGTERM without ZooKeeper never ended).
     */
    @Test
    void leavingWhileZooKeeperIsAwayEndsAtOnce() throws Exception {
        try (TestingServer server = new TestingServer(true)) {
            CuratorFramework zk = clientOf(server, "session-timeout = 500ms");
            ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
            try {
                connectThenLose(server, zk);
                ContactLease lease = new ContactLease(Duration.ofMillis(500).toNanos(), System::nanoTime);
                Membership m = new Membership(zk, "me", lease, exec, () -> new MemberState("me", "d", Map.of()));
                m.start(); // its member znode's create is queued, waiting for a connection
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                    m.close();
                    zk.close();
                });
            } finally {
                exec.shutdownNow();
            }
        }
    }

    /**
     * The member znode is created in the background: a state change before that create
     * (health checks answer before ZooKeeper does) was refused by Curator and lost, so the
     * cluster saw the node's endpoints as they stood at its start until the next change.
     */
    @Test
    void aChangeBeforeTheMemberZnodeExistsIsPublishedOnceItDoes() throws Exception {
        assertThat(publishedAfterAChangeBeforeTheCreate(false)).as("the member znode's config digest").isEqualTo("changed");
    }

    /**
     * The same when the create finds the znode there (an earlier session's, not yet expired):
     * Curator then writes the data of the start over it and tells no listener.
     */
    @Test
    void aChangeBeforeTheCreateIsPublishedWhenTheCreateFindsTheZnodeThere() throws Exception {
        assertThat(publishedAfterAChangeBeforeTheCreate(true)).as("the member znode's config digest").isEqualTo("changed");
    }

    /** Starts a member while ZooKeeper is away, changes its state, brings ZooKeeper back: what it published. */
    private static String publishedAfterAChangeBeforeTheCreate(boolean znodeThere) throws Exception {
        try (TestingServer server = new TestingServer(true)) {
            CuratorFramework zk = clientOf(server, "session-timeout = 1s");
            ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
            try {
                if (znodeThere) {
                    CoordinationClient.awaitConnected(zk, 10_000);
                    zk.create().creatingParentsIfNeeded().forPath(ClusterPaths.member("me"),
                            MemberCodec.encode(new MemberState("me", "earlier", Map.of())));
                }
                connectThenLose(server, zk);
                AtomicReference<MemberState> state = new AtomicReference<>(new MemberState("me", "at-start", Map.of()));
                ContactLease lease = new ContactLease(Duration.ofSeconds(1).toNanos(), System::nanoTime);
                Membership m = new Membership(zk, "me", lease, exec, state::get);
                m.start(); // the create waits for a connection
                state.set(new MemberState("me", "changed", Map.of()));
                m.stateChanged();
                server.restart();
                String published = "";
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (!published.equals("changed") && System.nanoTime() < until) {
                    Thread.sleep(50);
                    published = publishedDigest(zk);
                }
                m.close();
                return published;
            } finally {
                exec.shutdownNow();
                zk.close();
            }
        }
    }

    /** A client of node "me" with the given coordination settings besides the server's address. */
    private static CuratorFramework clientOf(TestingServer server, String coordination) throws Exception {
        FloatlbConfig config = ConfigLoader.parseString("""
                floatlb { node.name = me, coordination { zookeeper = "%s", %s },
                          services.web { vip = "127.0.0.10", ports = [{ port = 80 }], endpoints = [] } }
                """.formatted(server.getConnectString(), coordination), "me.conf").config();
        return CoordinationClient.create(config.coordination(), server.getConnectString());
    }

    /** Connects, makes the client's namespace (as an agent's start does), then stops the server. */
    private static void connectThenLose(TestingServer server, CuratorFramework zk) throws Exception {
        CoordinationClient.awaitConnected(zk, 10_000);
        zk.checkExists().forPath("/members");
        server.stop();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (zk.getZookeeperClient().isConnected() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(zk.getZookeeperClient().isConnected()).as("disconnected").isFalse();
    }

    private static String publishedDigest(CuratorFramework zk) {
        try {
            return MemberCodec.decode(zk.getData().forPath(ClusterPaths.member("me")))
                    .map(MemberState::configDigest).orElse("");
        } catch (Exception notYet) {
            return "";
        }
    }

    /**
     * A node that starts into a populated cluster must not decide (elect, check a hand-over's
     * author) on the part of the tree its cache has loaded so far.
     */
    @Test
    void listenersHearOnlyAWholeView() throws Exception {
        try (TestingServer server = new TestingServer(true)) {
            FloatlbConfig config = ConfigLoader.parseString("""
                    floatlb { node.name = me, coordination.zookeeper = "%s",
                              services.web { vip = "127.0.0.10", ports = [{ port = 80 }], endpoints = [] } }
                    """.formatted(server.getConnectString()), "me.conf").config();
            CuratorFramework others = CoordinationClient.create(config.coordination(), server.getConnectString());
            CuratorFramework zk = CoordinationClient.create(config.coordination(), server.getConnectString());
            ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
            try {
                CoordinationClient.awaitConnected(others, 10_000);
                for (int i = 0; i < OTHERS; i++) {
                    others.create().creatingParentsIfNeeded().forPath(ClusterPaths.member("n" + i),
                            MemberCodec.encode(new MemberState("n" + i, "d", Map.of())));
                }
                CoordinationClient.awaitConnected(zk, 10_000);
                ContactLease lease = new ContactLease(Duration.ofSeconds(10).toNanos(), System::nanoTime);
                Membership m = new Membership(zk, "me", lease, exec, () -> new MemberState("me", "d", Map.of()));
                List<Integer> seen = new CopyOnWriteArrayList<>();
                m.onChange(() -> seen.add((int) m.members().keySet().stream().filter(n -> !n.equals("me")).count()));
                m.start();
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (seen.isEmpty() && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                assertThat(seen).as("what each change showed of the %d other members", OTHERS)
                        .isNotEmpty().allMatch(n -> n == OTHERS);
                m.close();
            } finally {
                exec.shutdownNow();
                zk.close();
                others.close();
            }
        }
    }

    /**
     * The election reads every member on every heartbeat, four times a second: a member's
     * znode is decoded once per change, and a change is seen at the next read.
     */
    @Test
    void aMemberIsDecodedOncePerChange() throws Exception {
        try (TestingServer server = new TestingServer(true)) {
            CuratorFramework others = clientOf(server, "session-timeout = 10s");
            CuratorFramework zk = clientOf(server, "session-timeout = 10s");
            ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
            try {
                CoordinationClient.awaitConnected(others, 10_000);
                others.create().creatingParentsIfNeeded().forPath(ClusterPaths.member("n0"),
                        MemberCodec.encode(new MemberState("n0", "before", Map.of())));
                CoordinationClient.awaitConnected(zk, 10_000);
                ContactLease lease = new ContactLease(Duration.ofSeconds(10).toNanos(), System::nanoTime);
                try (Membership m = new Membership(zk, "me", lease, exec, () -> new MemberState("me", "d", Map.of()))) {
                    m.start();
                    assertThat(digestOfN0(m, "before")).isEqualTo("before");
                    assertThat(m.members().get("n0")).as("n0 read twice, unchanged").isSameAs(m.members().get("n0"));
                    others.setData().forPath(ClusterPaths.member("n0"),
                            MemberCodec.encode(new MemberState("n0", "after", Map.of())));
                    assertThat(digestOfN0(m, "after")).isEqualTo("after");
                }
            } finally {
                exec.shutdownNow();
                zk.close();
                others.close();
            }
        }
    }

    /** n0's config digest as {@code m} sees it, once it is {@code wanted} or 15 s have passed. */
    private static String digestOfN0(Membership m, String wanted) throws InterruptedException {
        String digest = "";
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!digest.equals(wanted) && System.nanoTime() < until) {
            Thread.sleep(20);
            MemberState n0 = m.members().get("n0");
            digest = n0 == null ? "" : n0.configDigest();
        }
        return digest;
    }
}
