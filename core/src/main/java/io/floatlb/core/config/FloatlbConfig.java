package io.floatlb.core.config;

import io.floatlb.core.net.HostPort;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A whole validated node configuration. Everything downstream trusts it. */
public record FloatlbConfig(
        String nodeName,
        Coordination coordination,
        HostPort adminListen,
        Duration drainTimeout,
        Map<String, AddressPool> addressPools,
        Map<String, L2Advertisement> l2Advertisements,
        List<ServiceConfig> services) {

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

    public Optional<ServiceConfig> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
