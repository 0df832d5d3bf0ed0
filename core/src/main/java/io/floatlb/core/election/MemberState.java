package io.floatlb.core.election;

import java.util.Map;

/**
 * What a live node tells the cluster about itself: its config digest (to spot drift), per
 * service how many of its own endpoints are healthy out of how many it has, and whether it
 * is draining (stopping, or put in maintenance), which makes it ineligible for every VIP.
 */
public record MemberState(String node, String configDigest, Map<String, EndpointCount> services, boolean draining) {

    public MemberState {
        services = Map.copyOf(services);
    }

    public MemberState(String node, String configDigest, Map<String, EndpointCount> services) {
        this(node, configDigest, services, false);
    }

    public MemberState draining(boolean draining) {
        return new MemberState(node, configDigest, services, draining);
    }

    public record EndpointCount(int healthy, int total) {}

    public int healthyLocal(String service) {
        EndpointCount c = services.get(service);
        return c == null ? 0 : c.healthy();
    }
}
