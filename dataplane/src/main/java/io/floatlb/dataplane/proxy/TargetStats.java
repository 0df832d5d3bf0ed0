package io.floatlb.dataplane.proxy;

import io.floatlb.core.health.HealthState;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one target has seen: its health and its traffic. A reload that keeps the target's
 * address and port hands the same object to the next pool, so health, open connections
 * and counters carry on (a Prometheus counter must not restart on reload).
 */
public final class TargetStats {
    final AtomicReference<HealthState> health = new AtomicReference<>(HealthState.INITIAL);
    final AtomicInteger active = new AtomicInteger();
    final LongAdder connections = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder checkFailures = new LongAdder();
    final LongAdder bytesToBackend = new LongAdder();
    final LongAdder bytesFromBackend = new LongAdder();
    final LongAdder closedSilently = new LongAdder();
    /** Connections in a row the target closed without a byte; any byte from it starts over. */
    final AtomicInteger silentInARow = new AtomicInteger();

    public boolean up() {
        return health.get().up();
    }

    /** Down after failed checks; a target not checked yet is not down (it is used, see BackendPool#choose). */
    boolean down() {
        return health.get().status() == HealthState.Status.DOWN;
    }

    public int active() {
        return active.get();
    }

    public long connections() {
        return connections.sum();
    }

    public long connectFailures() {
        return connectFailures.sum();
    }

    public long checkFailures() {
        return checkFailures.sum();
    }

    public long bytesToBackend() {
        return bytesToBackend.sum();
    }

    /** Connections the target closed before sending a byte while its client was still talking. */
    public long closedSilently() {
        return closedSilently.sum();
    }

    public long bytesFromBackend() {
        return bytesFromBackend.sum();
    }
}
