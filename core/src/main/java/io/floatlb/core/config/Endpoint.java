package io.floatlb.core.config;

import io.floatlb.core.net.IpAddresses;
import java.net.InetAddress;

/** A backend address (a "pod") and the node it runs on; its share of traffic is its weight. */
public record Endpoint(InetAddress address, String node, int weight) {

    @Override
    public String toString() {
        return IpAddresses.format(address) + "@" + node;
    }
}
