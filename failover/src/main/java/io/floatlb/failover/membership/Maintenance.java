package io.floatlb.failover.membership;

import io.floatlb.failover.zk.ClusterPaths;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Maintenance marks ({@code floatlb drain}): a persistent znode per drained node, so a
 * restart keeps the node out of every election until {@code floatlb undrain}. The node
 * itself reads its mark ({@link Membership#drained}) and says it is draining.
 */
public final class Maintenance {
    private static final long WAIT_MILLIS = 5_000;

    private final CuratorFramework zk;

    public Maintenance(CuratorFramework zk) {
        this.zk = zk;
    }

    /** Marks the node drained; true if it was not already. */
    public boolean drain(String node) {
        return done(KeeperException.Code.NODEEXISTS, "mark " + node + " drained", f -> zk.create()
                .creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
                .inBackground((c, e) -> f.complete(e.getResultCode())).forPath(ClusterPaths.drained(node)));
    }

    /** Removes the node's mark; true if there was one. */
    public boolean undrain(String node) {
        return done(KeeperException.Code.NONODE, "end the drain of " + node, f -> zk.delete()
                .inBackground((c, e) -> f.complete(e.getResultCode())).forPath(ClusterPaths.drained(node)));
    }

    private interface Write {
        void send(CompletableFuture<Integer> result) throws Exception;
    }

    /** Sends a write and waits for its answer, bounded; {@code already} means there was nothing to do. */
    private static boolean done(KeeperException.Code already, String what, Write write) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        try {
            write.send(result);
            KeeperException.Code rc = KeeperException.Code.get(result.get(WAIT_MILLIS, TimeUnit.MILLISECONDS));
            if (rc == KeeperException.Code.OK || rc == already) {
                return rc == KeeperException.Code.OK;
            }
            throw new IllegalStateException("cannot " + what + ": ZooKeeper said " + rc);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("cannot " + what + ": interrupted", e);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot " + what + " within " + WAIT_MILLIS / 1000 + " s: " + e, e);
        }
    }
}
