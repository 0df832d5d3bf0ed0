package io.floatlb.core.config;

import io.floatlb.core.net.HostPort;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole validated node configuration. Everything downstream trusts it. {@code digest}
 * identifies the content apart from {@code node.name}, so nodes whose files differ
 * (config drift) can be told apart.
 */
public record FloatlbConfig(
        String nodeName,
        Coordination coordination,
        HostPort adminListen,
        Duration drainTimeout,
        TransportKind transport,
        Map<String, AddressPool> addressPools,
        Map<String, L2Advertisement> l2Advertisements,
        List<ServiceConfig> services,
        String digest) {

    public FloatlbConfig {
        addressPools = Map.copyOf(addressPools);
        l2Advertisements = Map.copyOf(l2Advertisements);
        services = List.copyOf(services);
    }

    /** The interfaces a VIP is announced on; empty when no advertisement covers it (a loopback VIP). */
    public List<String> announceInterfaces(InetAddress vip) {
        return l2Advertisements.values().stream()
                .filter(ad -> ad.addressPools().stream()
                        .map(addressPools::get)
                        .anyMatch(pool -> pool != null && pool.contains(vip)))
                .flatMap(ad -> ad.interfaces().stream())
                .distinct()
                .sorted()
                .toList();
    }

    /** How often owners refresh their announcements: the shortest interval any advertisement asks for. */
    public Duration announceRefresh() {
        return l2Advertisements.values().stream().map(L2Advertisement::refreshInterval).min(Duration::compareTo)
                .orElse(L2Advertisement.DEFAULT_REFRESH);
    }

    /** The services of each VIP (several services may share one VIP on different ports). */
    public Map<InetAddress, List<ServiceConfig>> servicesByVip() {
        Map<InetAddress, List<ServiceConfig>> byVip = new LinkedHashMap<>();
        services.forEach(s -> byVip.computeIfAbsent(s.vip(), v -> new ArrayList<>()).add(s));
        return byVip;
    }

    public Optional<ServiceConfig> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
