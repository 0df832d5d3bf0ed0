package io.floatlb.core.config;

import java.time.Duration;

/** Where the ZooKeeper ensemble is ("embedded" runs one in-process) and how the agent uses it. */
public record Coordination(String zookeeper, String root, Duration sessionTimeout) {

    public static final String EMBEDDED = "embedded";

    public boolean embedded() {
        return EMBEDDED.equals(zookeeper);
    }
}
