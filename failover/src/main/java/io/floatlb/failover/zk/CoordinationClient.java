package io.floatlb.failover.zk;

import io.floatlb.core.config.Coordination;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** Builds the Curator client for a node's coordination settings. */
public final class CoordinationClient {

    private CoordinationClient() {}

    /**
     * @param connectString the ensemble (the embedded server's address when embedded)
     */
    public static CuratorFramework create(Coordination c, String connectString) {
        int session = (int) c.sessionTimeout().toMillis();
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(session)
                // a connection attempt longer than a session is pointless: the VIP is gone by then
                .connectionTimeoutMs(Math.max(100, session / 2))
                .retryPolicy(new ExponentialBackoffRetry(50, 10, Math.max(100, session / 2)))
                .namespace(c.root().substring(1));
        c.credentials().ifPresent(cr -> {
            String identity = cr.user() + ":" + cr.password();
            builder.authorization("digest", identity.getBytes(StandardCharsets.UTF_8)).aclProvider(digestAcl(identity));
        });
        CuratorFramework client = builder.build();
        client.start();
        return client;
    }

    /** Every znode, the root path included, gets one ACL: all rights for this identity only. */
    private static ACLProvider digestAcl(String identity) {
        List<ACL> acl;
        try {
            // Not List.of: ZooKeeper asks the list whether it contains null, which List.of refuses.
            acl = Collections.singletonList(
                    new ACL(ZooDefs.Perms.ALL, new Id("digest", DigestAuthenticationProvider.generateDigest(identity))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1 for ZooKeeper digests", e);
        }
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return acl;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return acl;
            }
        };
    }

    public static boolean awaitConnected(CuratorFramework client, long millis) throws InterruptedException {
        return client.blockUntilConnected((int) millis, TimeUnit.MILLISECONDS);
    }
}
