package io.floatlb.failover.zk;

import java.util.function.LongSupplier;

/**
 * How long this node may still act as owner without hearing from ZooKeeper. ZooKeeper
 * expires a session no sooner than its timeout after it last heard from the client, so a
 * node that confirmed contact at time T can only be replaced after T + timeout. The lease
 * ends a third of a session before that. A process that was paused (GC, SIGSTOP) finds its
 * lease expired when it resumes and stays silent until a fresh round trip confirms that
 * its session is still alive.
 *
 * <p>The timeout that counts is the one the server granted, which may be shorter than the
 * one asked for (a server caps sessions at its {@code maxSessionTimeout}): it is set anew
 * on every connect through {@link #granted}. Until then the asked-for value stands, but no
 * contact has been confirmed either, so the lease is not valid.
 */
public final class ContactLease {
    private final LongSupplier clock;
    private volatile long sessionNanos;
    private volatile long confirmedAt;
    private volatile boolean connected;

    /** @param clock {@link System#nanoTime()} in production; injected in tests */
    public ContactLease(long askedSessionNanos, LongSupplier clock) {
        this.clock = clock;
        this.sessionNanos = askedSessionNanos;
        this.confirmedAt = Long.MIN_VALUE;
    }

    /** The session timeout the server granted on this connection. */
    public void granted(long sessionNanos) {
        this.sessionNanos = sessionNanos;
    }

    /** The session timeout the lease is sized from: the granted one once connected. */
    public long sessionNanos() {
        return sessionNanos;
    }

    /** A request sent at {@code sentAt} got its answer: the session was alive when it was sent. */
    public void confirmed(long sentAt) {
        if (confirmedAt == Long.MIN_VALUE || sentAt - confirmedAt > 0) {
            confirmedAt = sentAt;
        }
    }

    /** Connection state from Curator: SUSPENDED or LOST end the lease at once. */
    public void connected(boolean up) {
        connected = up;
    }

    public boolean valid() {
        long confirmed = confirmedAt;
        return connected && confirmed != Long.MIN_VALUE && clock.getAsLong() - confirmed < sessionNanos * 2 / 3;
    }

    public long now() {
        return clock.getAsLong();
    }
}
