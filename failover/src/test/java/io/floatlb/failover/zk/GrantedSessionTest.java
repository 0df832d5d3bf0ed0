package io.floatlb.failover.zk;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.config.Coordination;
import io.floatlb.core.election.MemberState;
import io.floatlb.failover.membership.Membership;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session a server grants, not the one asked for, sizes the lease: a server that caps
 * sessions must not leave an owner answering after its session may have expired.
 */
@Timeout(60)
class GrantedSessionTest {
    private static final Duration ASKED = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void floatlbsOwnServerGrantsTheSessionTheConfigAsksFor() throws Exception {
        try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start();
             CuratorFramework zk = client(server.connectString())) {
            assertThat(CoordinationClient.awaitConnected(zk, 10_000)).isTrue();
            assertThat(zk.getZookeeperClient().getZooKeeper().getSessionTimeout()).isEqualTo((int) ASKED.toMillis());
        }
    }

    @Test
    void theLeaseFollowsTheSessionACappingServerGranted() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path data = Files.createDirectories(dir.resolve("zk"));
        Properties p = ZooKeeperProperties.standalone("127.0.0.1", port, data);
        p.setProperty("maxSessionTimeout", "2000"); // a stock server: 20 ticks of 100 ms
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
        ContactLease lease = new ContactLease(ASKED.toNanos(), System::nanoTime);
        try (ZooKeeperServerEmbedded server = EmbeddedZooKeeper.start(p, data);
             CuratorFramework zk = client("127.0.0.1:" + port)) {
            assertThat(CoordinationClient.awaitConnected(zk, 10_000)).isTrue();
            Membership ownership = new Membership(zk, "node1", lease, exec,
                    () -> new MemberState("node1", "digest", Map.of()));
            ownership.start();
            try {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (lease.sessionNanos() != TimeUnit.MILLISECONDS.toNanos(2000) && System.nanoTime() < until) {
                    Thread.sleep(10);
                }
                assertThat(TimeUnit.NANOSECONDS.toMillis(lease.sessionNanos())).as("lease sized from the granted session")
                        .isEqualTo(2000);
            } finally {
                ownership.close();
            }
        } finally {
            exec.shutdownNow();
        }
    }

    private static CuratorFramework client(String connect) {
        return CoordinationClient.create(new Coordination(connect, "/floatlb/test", ASKED, false, Optional.empty(), true), connect);
    }
}
