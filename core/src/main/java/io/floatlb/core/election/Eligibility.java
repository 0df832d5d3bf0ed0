package io.floatlb.core.election;

import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.config.TrafficPolicy;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Whether a live node may own a VIP. A draining node may not. Under {@code cluster} policy
 * any other live node may. Under {@code local} a node may only while it has a healthy
 * endpoint of its own for the service, since it forwards nowhere else; a VIP shared by
 * several services needs that for each local-policy service on it.
 */
public final class Eligibility {

    private Eligibility() {}

    /** Who may own which of a config's VIPs, as the election asks it. */
    public static BiPredicate<InetAddress, MemberState> of(FloatlbConfig config) {
        Map<InetAddress, List<ServiceConfig>> byVip = config.servicesByVip();
        return (vip, member) -> mayOwn(byVip.getOrDefault(vip, List.of()), member);
    }

    public static boolean mayOwn(Collection<ServiceConfig> servicesOnVip, MemberState member) {
        return !member.draining() && servicesOnVip.stream()
                .filter(s -> s.trafficPolicy() == TrafficPolicy.LOCAL)
                .allMatch(s -> member.healthyLocal(s.name()) > 0);
    }
}
