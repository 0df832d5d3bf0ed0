package io.floatlb.core.config;

import java.time.Duration;

/**
 * How long the proxy waits and how much it accepts, per service. {@code retries} is how many
 * other endpoints a connection tries after its first choice fails to connect.
 */
public record ProxyLimits(Duration connectTimeout, int retries, Duration idleTimeout, int maxConnections) {

    public static final ProxyLimits DEFAULT = new ProxyLimits(Duration.ofSeconds(1), 2, Duration.ofMinutes(5), 10_000);
}
