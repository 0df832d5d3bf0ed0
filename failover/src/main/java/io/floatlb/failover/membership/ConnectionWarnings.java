package io.floatlb.failover.membership;

import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;

/**
 * A ZooKeeper outage as an operator wants to read it: one line when it starts, the first
 * failed operation, and one line when it ends with how long it lasted and how many
 * operations failed meanwhile; not a line per retry.
 */
final class ConnectionWarnings {
    private final Logger log;
    private long outageStartedAt;
    private boolean inOutage;
    private int failedDuringOutage;

    ConnectionWarnings(Logger log) {
        this.log = log;
    }

    void state(ConnectionState s) {
        switch (s) {
            case SUSPENDED -> {
                if (!inOutage) {
                    inOutage = true;
                    outageStartedAt = System.nanoTime();
                    failedDuringOutage = 0;
                    log.warn("ZooKeeper connection suspended: this node answers for no VIP until it is back");
                }
            }
            case LOST -> log.warn("ZooKeeper session lost: this node's VIPs are free for other nodes; rejoining");
            case CONNECTED, RECONNECTED -> {
                if (inOutage) {
                    inOutage = false;
                    log.info("ZooKeeper connection back after {} ms ({} operation(s) failed meanwhile)",
                            (System.nanoTime() - outageStartedAt) / 1_000_000, failedDuringOutage);
                }
            }
            default -> { }
        }
    }

    /** An operation failed: said once per outage, every time outside one. */
    void failed(String what, Exception e) {
        if (inOutage && failedDuringOutage++ > 0) {
            return;
        }
        log.warn("{} failed: {}", what, e.getMessage() == null ? e.toString() : e.getMessage());
    }
}
