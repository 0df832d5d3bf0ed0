package io.floatlb.core.status;

import io.floatlb.core.config.Balance;
import io.floatlb.core.config.PortMapping;
import io.floatlb.core.config.ProxyProtocol;
import io.floatlb.core.config.TrafficPolicy;
import java.net.InetAddress;
import java.util.List;

/** One row of {@code floatlb status}: a service as the cluster serves it right now. */
public record ServiceStatus(
        String name,
        InetAddress vip,
        List<PortMapping> ports,
        TrafficPolicy policy,
        Balance balance,
        ProxyProtocol proxyProtocol,
        String owner,
        List<NodeEndpoints> endpoints,
        int activeConnections) {

    public ServiceStatus {
        ports = List.copyOf(ports);
        endpoints = List.copyOf(endpoints);
    }

    /** A node's endpoints of one service; {@code healthy} is -1 where this node cannot know. */
    public record NodeEndpoints(String node, int healthy, int total) {}
}
