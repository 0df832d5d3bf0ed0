package io.floatlb.core.config;

import java.time.Duration;

/**
 * How long a UDP flow (one client address and port) lives without a datagram either way,
 * and how many flows a service keeps at once; a new client beyond that is dropped.
 */
public record UdpLimits(Duration idleTimeout, int maxFlows) {

    public static final UdpLimits DEFAULT = new UdpLimits(Duration.ofSeconds(30), 100_000);
}
