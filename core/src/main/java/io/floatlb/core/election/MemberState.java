package io.floatlb.core.election;

import java.util.Map;

/**
 * What a live node tells the cluster about itself: its config digest (to spot drift) and,
 * per service, how many of its own endpoints are healthy out of how many it has.
 */
public record MemberState(String node, String configDigest, Map<String, EndpointCount> services) {

    public MemberState {
        services = Map.copyOf(services);
    }

    public record EndpointCount(int healthy, int total) {}

    public int healthyLocal(String service) {
        EndpointCount c = services.get(service);
        return c == null ? 0 : c.healthy();
    }
}
