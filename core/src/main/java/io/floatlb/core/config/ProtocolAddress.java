package io.floatlb.core.config;

import io.floatlb.core.net.HostPort;

/**
 * An address and port over one protocol: what one socket of a VIP binds, and what a target
 * is known by across reloads (TCP 53 and UDP 53 of one address are two of each).
 */
public record ProtocolAddress(HostPort address, Protocol protocol) {

    @Override
    public String toString() {
        return address + "/" + protocol;
    }
}
