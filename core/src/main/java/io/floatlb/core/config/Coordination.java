package io.floatlb.core.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the ZooKeeper ensemble is ("embedded" runs one in-process) and how the agent uses it.
 * With {@code failback} a node that comes back takes back the VIPs it prefers; without it
 * (the default) a VIP stays where it is served, so a returning node causes no flap. With
 * {@code handover} (the default) a planned move of a VIP keeps its established connections on
 * the node that gives it up (see the failover module's hand-over).
 */
public record Coordination(String zookeeper, String root, Duration sessionTimeout, boolean failback,
                           Optional<Credentials> credentials, boolean handover) {

    /** ZooKeeper digest credentials: every znode floatlb creates is readable and writable only with them. */
    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[user=" + user + ", password=***]";
        }
    }


    public static final String EMBEDDED = "embedded";
    /** Short enough that a crashed owner is replaced in about a second. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(1);

    public boolean embedded() {
        return EMBEDDED.equals(zookeeper);
    }
}
