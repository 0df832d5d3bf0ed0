package io.floatlb.core.election;

import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.config.TrafficPolicy;
import java.util.Collection;

/**
 * Whether a live node may own a VIP. Under {@code cluster} policy any live node may. Under
 * {@code local} a node may only while it has a healthy endpoint of its own for the service,
 * since it forwards nowhere else; a VIP shared by several services needs that for each
 * local-policy service on it.
 */
public final class Eligibility {

    private Eligibility() {}

    public static boolean mayOwn(Collection<ServiceConfig> servicesOnVip, MemberState member) {
        return servicesOnVip.stream()
                .filter(s -> s.trafficPolicy() == TrafficPolicy.LOCAL)
                .allMatch(s -> member.healthyLocal(s.name()) > 0);
    }
}
