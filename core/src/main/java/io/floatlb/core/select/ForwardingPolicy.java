package io.floatlb.core.select;

import io.floatlb.core.config.PortMapping;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.config.TrafficPolicy;
import java.util.List;

/** Which targets a node may forward a service port to, before health is considered. */
public final class ForwardingPolicy {

    private ForwardingPolicy() {}

    public static List<Target> targets(ServiceConfig service, PortMapping port, String node) {
        return service.endpoints().stream()
                .filter(e -> service.trafficPolicy() == TrafficPolicy.CLUSTER || e.node().equals(node))
                .map(e -> new Target(e, port.targetPort(), port.protocol()))
                .toList();
    }
}
