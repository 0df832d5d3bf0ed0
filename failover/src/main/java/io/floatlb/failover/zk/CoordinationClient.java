package io.floatlb.failover.zk;

import io.floatlb.core.config.Coordination;
import java.util.concurrent.TimeUnit;
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
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(session)
                // a connection attempt longer than a session is pointless: the VIP is gone by then
                .connectionTimeoutMs(Math.max(100, session / 2))
                .retryPolicy(new ExponentialBackoffRetry(50, 10, Math.max(100, session / 2)))
                .namespace(c.root().substring(1))
                .build();
        client.start();
        return client;
    }

    public static boolean awaitConnected(CuratorFramework client, long millis) throws InterruptedException {
        return client.blockUntilConnected((int) millis, TimeUnit.MILLISECONDS);
    }
}
