package io.floatlb.daemon;

import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.dataplane.transport.Transport;
import io.floatlb.failover.ClusterSession;
import io.floatlb.failover.announce.L2Announcement;
import java.util.Optional;

/**
 * A whole node, in the order it starts: event loops, the agent's pools, the cluster
 * session (which elects this node's VIPs), the layer-2 announcement, then listeners and
 * health checks. It stops VIPs first, so a successor takes over at once, then drains
 * connections, and only then removes the VIP addresses those connections use.
 */
public final class NodeRuntime implements AutoCloseable {
    private final Transport transport;
    private final Agent agent;
    private final ClusterSession cluster;
    private final Optional<L2Announcement> announcement;

    private NodeRuntime(Transport transport, Agent agent, ClusterSession cluster, Optional<L2Announcement> announcement) {
        this.transport = transport;
        this.agent = agent;
        this.cluster = cluster;
        this.announcement = announcement;
    }

    public static NodeRuntime start(FloatlbConfig config) throws Exception {
        Transport transport = Transport.create(0);
        Agent agent = new Agent(config, transport);
        ClusterSession cluster;
        try {
            cluster = ClusterSession.join(config, agent.memberState());
        } catch (Exception e) {
            transport.close();
            throw e;
        }
        agent.onHealthChange(cluster.ownership()::publish);
        Optional<L2Announcement> announcement = Optional.empty();
        try {
            announcement = L2Announcement.start(config, cluster.ownership());
            agent.start(cluster.ownership());
        } catch (RuntimeException e) {
            cluster.close();
            announcement.ifPresent(L2Announcement::close);
            transport.close();
            throw e;
        }
        return new NodeRuntime(transport, agent, cluster, announcement);
    }

    public Agent agent() {
        return agent;
    }

    public Transport transport() {
        return transport;
    }

    @Override
    public void close() {
        cluster.close();
        agent.stop();
        announcement.ifPresent(L2Announcement::close);
        transport.close();
    }
}
