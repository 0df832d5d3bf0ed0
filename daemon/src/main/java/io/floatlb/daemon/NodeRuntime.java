package io.floatlb.daemon;

import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.dataplane.transport.Transport;
import io.floatlb.failover.ClusterSession;

/**
 * A whole node, in the order it starts: event loops, the agent's pools, the cluster
 * session (which elects this node's VIPs), then listeners and health checks. It stops in
 * the reverse order, VIPs first, so a successor takes over before connections drain.
 */
public final class NodeRuntime implements AutoCloseable {
    private final Transport transport;
    private final Agent agent;
    private final ClusterSession cluster;

    private NodeRuntime(Transport transport, Agent agent, ClusterSession cluster) {
        this.transport = transport;
        this.agent = agent;
        this.cluster = cluster;
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
        try {
            agent.start(cluster.ownership());
        } catch (RuntimeException e) {
            cluster.close();
            transport.close();
            throw e;
        }
        return new NodeRuntime(transport, agent, cluster);
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
        transport.close();
    }
}
