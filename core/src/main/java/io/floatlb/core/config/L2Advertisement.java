package io.floatlb.core.config;

import java.util.List;

/** Announce the VIPs of these pools with ARP/NDP on these interfaces, as MetalLB's L2Advertisement. */
public record L2Advertisement(String name, List<String> addressPools, List<String> interfaces) {

    public L2Advertisement {
        addressPools = List.copyOf(addressPools);
        interfaces = List.copyOf(interfaces);
    }
}
