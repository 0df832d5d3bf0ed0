package io.floatlb.core.config;

import java.time.Duration;
import java.util.List;

/**
 * Announce the VIPs of these pools with ARP on these interfaces, as MetalLB's L2Advertisement.
 * The owner repeats a gratuitous ARP every {@code refreshInterval}, so that switches and
 * gateways which aged the entry out learn it again.
 */
public record L2Advertisement(String name, List<String> addressPools, List<String> interfaces, Duration refreshInterval) {

    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);

    public L2Advertisement {
        addressPools = List.copyOf(addressPools);
        interfaces = List.copyOf(interfaces);
    }
}
