package io.floatlb.failover;

import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.election.MemberState;
import io.floatlb.failover.election.VipElection;
import io.floatlb.failover.membership.Membership;
import io.floatlb.failover.zk.ContactLease;
import io.floatlb.failover.zk.CoordinationClient;
import io.floatlb.failover.zk.EmbeddedZooKeeper;
import java.net.InetAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of the cluster: the ZooKeeper connection (and the in-process
 * server when the config says "embedded"), and the VIP election that runs over it.
 */
public final class ClusterSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterSession.class);
    private static final long CONNECT_WAIT_MILLIS = 15_000;

    private final EmbeddedZooKeeper embedded;
    private final CuratorFramework zk;
    private final ScheduledExecutorService exec;
    private final Membership membership;
    private final VipElection election;

    private ClusterSession(EmbeddedZooKeeper embedded, CuratorFramework zk, ScheduledExecutorService exec,
                           Membership membership, VipElection election) {
        this.embedded = embedded;
        this.zk = zk;
        this.exec = exec;
        this.membership = membership;
        this.election = election;
    }

    /**
     * Connects (starting the embedded server first if configured) and joins the election.
     *
     * @param state this node's state, pulled on the election thread after {@link Membership#stateChanged}
     * @param mayOwn whether a member may own a VIP
     */
    public static ClusterSession join(FloatlbConfig config, Supplier<MemberState> state,
                                      BiPredicate<InetAddress, MemberState> mayOwn) throws Exception {
        var c = config.coordination();
        EmbeddedZooKeeper embedded = c.embedded() ? EmbeddedZooKeeper.start() : null;
        String connect = embedded != null ? embedded.connectString() : c.zookeeper();
        CuratorFramework zk = CoordinationClient.create(c, connect);
        if (!CoordinationClient.awaitConnected(zk, CONNECT_WAIT_MILLIS)) {
            zk.close();
            if (embedded != null) {
                embedded.close();
            }
            throw new IllegalStateException("cannot reach ZooKeeper at " + connect + " within "
                    + CONNECT_WAIT_MILLIS / 1000 + " s; check coordination.zookeeper and that the ensemble is up");
        }
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "election"));
        ContactLease lease = new ContactLease(c.sessionTimeout().toNanos(), System::nanoTime);
        Membership membership = new Membership(zk, config.nodeName(), lease, exec, state);
        VipElection election = new VipElection(zk, config.nodeName(), membership, lease, exec, c.failback(),
                config.servicesByVip().keySet(), mayOwn);
        election.start();
        membership.start();
        log.info("node {} joined the cluster at {}{} (session {} ms granted)", config.nodeName(),
                embedded != null ? "embedded ZooKeeper " : "", connect, TimeUnit.NANOSECONDS.toMillis(lease.sessionNanos()));
        return new ClusterSession(embedded, zk, exec, membership, election);
    }

    public Membership membership() {
        return membership;
    }

    public VipElection election() {
        return election;
    }

    /** Releases this node's VIPs (a successor takes over at once), then leaves. */
    @Override
    public void close() {
        election.close();
        membership.close();
        zk.close();
        exec.shutdownNow();
        try {
            exec.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
