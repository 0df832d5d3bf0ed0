package io.floatlb.failover;

import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.election.MemberState;
import io.floatlb.failover.election.VipElection;
import io.floatlb.failover.handover.FlowSource;
import io.floatlb.failover.handover.Handovers;
import io.floatlb.failover.membership.Maintenance;
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
 * server when the config says "embedded"), the VIP election that runs over it and the
 * hand-overs of planned moves. A stop is two steps: {@link #leave} (draining, VIPs
 * released with their flows offered) while the connections drain, then {@link #close}.
 */
public final class ClusterSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterSession.class);
    private static final long CONNECT_WAIT_MILLIS = 15_000;
    private static final long FIRST_TRY_MILLIS = 1_000;

    private final EmbeddedZooKeeper embedded;
    private final CuratorFramework zk;
    private final ScheduledExecutorService exec;
    private final Membership membership;
    private final VipElection election;
    private final Handovers handovers;

    private ClusterSession(EmbeddedZooKeeper embedded, CuratorFramework zk, ScheduledExecutorService exec,
                           Membership membership, VipElection election, Handovers handovers) {
        this.embedded = embedded;
        this.zk = zk;
        this.exec = exec;
        this.membership = membership;
        this.election = election;
        this.handovers = handovers;
    }

    /**
     * Connects (starting the embedded server first if configured) and joins the election.
     *
     * @param state this node's state, pulled on the election thread after {@link Membership#stateChanged}
     * @param mayOwn whether a member may own a VIP
     * @param flows the established connections a planned release hands over
     */
    public static ClusterSession join(FloatlbConfig config, Supplier<MemberState> state,
                                      BiPredicate<InetAddress, MemberState> mayOwn, FlowSource flows) throws Exception {
        var c = config.coordination();
        EmbeddedZooKeeper embedded = c.embedded() ? EmbeddedZooKeeper.start() : null;
        String connect = embedded != null ? embedded.connectString() : c.zookeeper();
        CuratorFramework zk = CoordinationClient.create(c, connect);
        // The first failure is said at once, then nothing until the verdict.
        boolean connected = CoordinationClient.awaitConnected(zk, FIRST_TRY_MILLIS);
        if (!connected) {
            log.warn("ZooKeeper at {} does not answer yet; trying for up to {} s", connect, CONNECT_WAIT_MILLIS / 1000);
            connected = CoordinationClient.awaitConnected(zk, CONNECT_WAIT_MILLIS - FIRST_TRY_MILLIS);
        }
        if (!connected) {
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
        Handovers handovers = new Handovers(config, zk, exec, membership, flows);
        VipElection election = new VipElection(zk, config.nodeName(), membership, lease, exec, c.failback(),
                config.servicesByVip().keySet(), mayOwn, handovers);
        election.start();
        membership.start();
        log.info("node {} joined the cluster at {}{} (session {} ms granted)", config.nodeName(),
                embedded != null ? "embedded ZooKeeper " : "", connect, TimeUnit.NANOSECONDS.toMillis(lease.sessionNanos()));
        return new ClusterSession(embedded, zk, exec, membership, election, handovers);
    }

    public Membership membership() {
        return membership;
    }

    public VipElection election() {
        return election;
    }

    public Handovers handovers() {
        return handovers;
    }

    /** Maintenance marks of any node of the cluster ({@code floatlb drain}). */
    public Maintenance maintenance() {
        return new Maintenance(zk);
    }

    /**
     * The first step of a stop: this node says it is draining and releases its VIPs, each
     * with its flows offered, so a successor takes over at once without resetting them. The
     * session stays, so the offers stay, while this node's connections drain.
     */
    public void leave() {
        membership.leave();
        election.close();
    }

    /** Ends the hand-overs still open, then leaves (releasing whatever {@link #leave} did not). */
    @Override
    public void close() {
        election.close();
        if (membership.connected()) {
            handovers.finish();
        }
        membership.close();
        zk.close();
        exec.shutdownNow();
        try {
            exec.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handovers.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
