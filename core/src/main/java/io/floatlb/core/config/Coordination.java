package io.floatlb.core.config;

import java.time.Duration;

/**
 * Where the ZooKeeper ensemble is ("embedded" runs one in-process) and how the agent uses it.
 * With {@code failback} a node that comes back takes back the VIPs it prefers; without it
 * (the default) a VIP stays where it is served, so a returning node causes no flap.
 */
public record Coordination(String zookeeper, String root, Duration sessionTimeout, boolean failback) {

    public static final String EMBEDDED = "embedded";
    /** Short enough that a crashed owner is replaced in about a second. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(1);

    public boolean embedded() {
        return EMBEDDED.equals(zookeeper);
    }
}
