package io.floatlb.failover.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floatlb.core.config.Coordination;
import java.time.Duration;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DigestAclTest {

    private static Coordination coordination(String connect, Optional<Coordination.Credentials> credentials) {
        return new Coordination(connect, "/floatlb/acl", Duration.ofSeconds(2), false, credentials, true);
    }

    @Test
    void withCredentialsEveryZnodeIsClosedToOthers() throws Exception {
        try (TestingServer server = new TestingServer(true)) {
            var creds = Optional.of(new Coordination.Credentials("floatlb", "s3cret"));
            try (CuratorFramework owner = CoordinationClient.create(coordination(server.getConnectString(), creds),
                    server.getConnectString());
                 CuratorFramework stranger = CoordinationClient.create(coordination(server.getConnectString(),
                         Optional.empty()), server.getConnectString())) {
                assertThat(CoordinationClient.awaitConnected(owner, 10_000)).isTrue();
                owner.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                        .forPath("/members/node1", "x".getBytes());
                assertThat(owner.getData().forPath("/members/node1")).isEqualTo("x".getBytes());
                assertThat(owner.getACL().forPath("/members/node1")).allSatisfy(acl ->
                        assertThat(acl.getId().getScheme()).isEqualTo("digest"));

                assertThat(CoordinationClient.awaitConnected(stranger, 10_000)).isTrue();
                assertThatThrownBy(() -> stranger.getData().forPath("/members/node1"))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> stranger.create().forPath("/members/intruder"))
                        .isInstanceOf(KeeperException.NoAuthException.class);
            }
        }
    }
}
