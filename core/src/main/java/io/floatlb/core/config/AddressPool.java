package io.floatlb.core.config;

import io.floatlb.core.net.AddressRange;
import java.net.InetAddress;
import java.util.List;

/** Addresses that services may take their VIP from, as MetalLB's IPAddressPool. */
public record AddressPool(String name, List<AddressRange> ranges) {

    public AddressPool {
        ranges = List.copyOf(ranges);
    }

    public boolean contains(InetAddress address) {
        return ranges.stream().anyMatch(r -> r.contains(address));
    }
}
