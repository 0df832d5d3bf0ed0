package io.floatlb.daemon;

import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.election.Eligibility;
import io.floatlb.core.status.ClusterView;
import io.floatlb.dataplane.transport.Transport;
import io.floatlb.failover.ClusterSession;
import io.floatlb.failover.announce.L2Announcement;
import io.floatlb.failover.election.VipCounts;
import io.floatlb.failover.election.VipElection;
import io.floatlb.failover.handover.Handovers;
import io.floatlb.failover.membership.Maintenance;
import io.floatlb.failover.membership.Membership;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole node, in the order it starts: event loops, the agent's pools, the cluster
 * session (which elects this node's VIPs), the layer-2 announcement, then listeners and
 * health checks. It stops VIPs first, so a successor takes over at once, then drains
 * connections (which the successor forwards back here), and only then leaves the cluster
 * and removes the VIP addresses those connections use.
 */
public final class NodeRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);
    private static final long RETIRE_CHECK_MILLIS = 200;

    private final NodeLock lock;
    private final Transport transport;
    private final Agent agent;
    private final ClusterSession cluster;
    private final VipCounts counts;
    /** Serialises reloads and the stop; no event loop and no reader ever takes it. */
    private final Object changing = new Object();
    private volatile Optional<L2Announcement> announcement;
    private volatile boolean stopping;

    private NodeRuntime(NodeLock lock, Transport transport, Agent agent, ClusterSession cluster, VipCounts counts,
                        Optional<L2Announcement> announcement) {
        this.lock = lock;
        this.counts = counts;
        this.transport = transport;
        this.agent = agent;
        this.cluster = cluster;
        this.announcement = announcement;
    }

    public static NodeRuntime start(FloatlbConfig config) throws Exception {
        NodeLock lock = NodeLock.acquire(config.nodeName());
        try {
            return start(lock, config);
        } catch (Exception | Error e) {
            lock.close();
            throw e;
        }
    }

    private static NodeRuntime start(NodeLock lock, FloatlbConfig config) throws Exception {
        Transport transport = Transport.create(config.transport(), 0);
        Agent agent = new Agent(config, transport);
        ClusterSession cluster;
        try {
            cluster = ClusterSession.join(config, agent::memberState, Eligibility.of(config), agent);
        } catch (Exception e) {
            transport.close();
            throw e;
        }
        agent.onHealthChange(cluster.membership()::stateChanged);
        VipCounts counts = new VipCounts();
        cluster.election().subscribe(counts);
        Optional<L2Announcement> announcement = Optional.empty();
        try {
            announcement = L2Announcement.start(config, cluster.election());
            agent.start();
        } catch (RuntimeException e) {
            cluster.close();
            announcement.ifPresent(L2Announcement::close);
            transport.close();
            throw e;
        }
        return new NodeRuntime(lock, transport, agent, cluster, counts, announcement);
    }

    /**
     * Applies a validated config as a diff (see {@link Agent#apply}), then re-runs the
     * election and the announcement for the new VIP set and tells the cluster the new
     * config digest. Settings that need a new ZooKeeper session or listener are refused
     * before anything changes.
     */
    public Agent.Reload reload(FloatlbConfig next) {
        synchronized (changing) {
            return reloadLocked(next);
        }
    }

    private Agent.Reload reloadLocked(FloatlbConfig next) {
        List<String> fixed = needsRestart(agent.config(), next);
        if (!fixed.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", fixed) + " changed: restart the agent to apply "
                    + (fixed.size() == 1 ? "it" : "them") + " (nothing was reloaded)");
        }
        try {
            L2Announcement.check(next);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage() + " (nothing was reloaded)", e);
        }
        Agent.Reload r = agent.apply(next);
        VipElection election = cluster.election();
        cluster.handovers().reconfigure(next);
        election.reconfigure(next.servicesByVip().keySet(), Eligibility.of(next));
        cluster.membership().stateChanged();
        if (announcement.isPresent() && L2Announcement.needed(next)) {
            announcement.get().update(next, removedButServed(next));
            retireAddressesLater(next);
        } else if (announcement.isPresent()) {
            announcement.get().close();
            announcement = Optional.empty();
        } else {
            announcement = L2Announcement.start(next, election);
        }
        return r;
    }

    /** VIPs the config no longer has that client connections still use here. */
    private Set<InetAddress> removedButServed(FloatlbConfig config) {
        Set<InetAddress> served = agent.servedAddresses();
        served.removeAll(config.servicesByVip().keySet());
        return served;
    }

    /**
     * A removed VIP's address stays while its connections last (their hand-over forwards
     * them here), and goes once they ended or the drain timeout passed, closing what is left.
     */
    private void retireAddressesLater(FloatlbConfig config) {
        if (removedButServed(config).isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        Thread t = new Thread(() -> {
            try {
                while (!stopping && agent.config() == config && !removedButServed(config).isEmpty()
                        && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(RETIRE_CHECK_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (changing) {
                if (stopping || agent.config() != config) {
                    return; // the stop, or the next reload, looks after the addresses now
                }
                removedButServed(config).forEach(agent::close);
                announcement.ifPresent(a -> a.update(config, Set.of()));
            }
        }, "retire-addresses");
        t.setDaemon(true);
        t.start();
    }

    private static List<String> needsRestart(FloatlbConfig now, FloatlbConfig next) {
        List<String> fixed = new ArrayList<>();
        if (!now.nodeName().equals(next.nodeName())) {
            fixed.add("node.name");
        }
        if (!now.coordination().equals(next.coordination())) {
            fixed.add("coordination");
        }
        if (!Objects.equals(now.adminListen(), next.adminListen())) {
            fixed.add("admin.listen");
        }
        if (now.transport() != next.transport()) {
            fixed.add("transport");
        }
        return fixed;
    }

    /** The cluster as this node sees it now. */
    public ClusterView view() {
        if (!cluster.membership().connected()) {
            return ClusterView.disconnected(agent.config(), agent);
        }
        return ClusterView.of(agent.config(), cluster.membership().members(), cluster.election()::owner,
                cluster.handovers().inProgress(), agent);
    }

    /** Ready to serve: connected to ZooKeeper and not shutting down. */
    public boolean ready() {
        return !stopping && cluster.membership().connected();
    }

    public Agent agent() {
        return agent;
    }

    public Membership membership() {
        return cluster.membership();
    }

    public VipElection election() {
        return cluster.election();
    }

    public Handovers handovers() {
        return cluster.handovers();
    }

    public Maintenance maintenance() {
        return cluster.maintenance();
    }

    /** How often this node took and gave up each VIP. */
    public VipCounts vipCounts() {
        return counts;
    }

    public Optional<L2Announcement> announcement() {
        return announcement;
    }

    public Transport transport() {
        return transport;
    }

    /**
     * Hands every VIP over (each with its connections offered, so the successor forwards
     * them here instead of resetting them), drains those connections while the session keeps
     * the offers alive, then leaves the cluster.
     */
    @Override
    public void close() {
        stopping = true;
        cluster.leave();
        agent.stop();
        cluster.close();
        synchronized (changing) {
            announcement.ifPresent(L2Announcement::close);
        }
        transport.close();
        lock.close();
    }
}
