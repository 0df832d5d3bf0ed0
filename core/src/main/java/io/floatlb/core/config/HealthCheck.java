package io.floatlb.core.config;

import java.time.Duration;

/**
 * An active check of each endpoint. {@code expectStatus} 0 accepts any 2xx or 3xx answer,
 * as HAProxy's httpchk does by default. {@code port} 0 checks each target at its own port;
 * another port checks there instead, as operators check a DNS server's UDP port on TCP 53.
 */
public record HealthCheck(Kind kind, Duration interval, Duration timeout, int rise, int fall, String path,
                          int expectStatus, int port) {

    public enum Kind { TCP, HTTP }

    public static final HealthCheck DEFAULT =
            new HealthCheck(Kind.TCP, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3, "/", 0, 0);

    public boolean accepts(int status) {
        return expectStatus == 0 ? status >= 200 && status < 400 : status == expectStatus;
    }
}
