package io.floatlb.failover.zk;

import java.util.function.LongSupplier;

/**
 * How long this node may still act as owner without hearing from ZooKeeper. ZooKeeper
 * expires a session no sooner than {@code sessionTimeout} after it last heard from the
 * client, so a node that confirmed contact at time T can only be replaced after
 * T + sessionTimeout. The lease ends a third of a session before that. A process that was
 * paused (GC, SIGSTOP) finds its lease expired when it resumes and stays silent until a
 * fresh round trip confirms that its session is still alive.
 */
public final class ContactLease {
    private final long validNanos;
    private final LongSupplier clock;
    private volatile long confirmedAt;
    private volatile boolean connected;

    /** @param clock {@link System#nanoTime()} in production; injected in tests */
    public ContactLease(long sessionTimeoutNanos, LongSupplier clock) {
        this.validNanos = sessionTimeoutNanos * 2 / 3;
        this.clock = clock;
        this.confirmedAt = clock.getAsLong() - validNanos;
    }

    /** A request sent at {@code sentAt} got its answer: the session was alive when it was sent. */
    public void confirmed(long sentAt) {
        if (sentAt > confirmedAt) {
            confirmedAt = sentAt;
        }
    }

    /** Connection state from Curator: SUSPENDED or LOST end the lease at once. */
    public void connected(boolean up) {
        connected = up;
    }

    public boolean valid() {
        return connected && clock.getAsLong() - confirmedAt < validNanos;
    }

    public long now() {
        return clock.getAsLong();
    }
}
