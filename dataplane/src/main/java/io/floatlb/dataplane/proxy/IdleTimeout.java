package io.floatlb.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a proxied connection or UDP flow that moved nothing either way for the idle
 * timeout. Both sides live on one event loop, so activity is a plain field that the relays
 * touch once per read burst, and one timer re-arms itself for the time left instead of
 * being moved on every write.
 */
final class IdleTimeout implements Runnable {
    private final EventLoop loop;
    private final long timeoutNanos;
    private final Runnable expire;
    private long lastActivity;
    private ScheduledFuture<?> timer;

    IdleTimeout(EventLoop loop, long timeoutNanos, Runnable expire) {
        this.loop = loop;
        this.timeoutNanos = timeoutNanos;
        this.expire = expire;
    }

    /** Closes {@code client} when idle: a TCP connection's end. */
    static IdleTimeout closing(Channel client, long timeoutNanos) {
        return new IdleTimeout(client.eventLoop(), timeoutNanos, client::close);
    }

    void start() {
        lastActivity = System.nanoTime();
        arm(timeoutNanos);
    }

    /** The connection or flow ended: on its loop, so no listener on its close is needed. */
    void cancel() {
        timer.cancel(false);
    }

    void touch() {
        lastActivity = System.nanoTime();
    }

    @Override
    public void run() {
        long idle = System.nanoTime() - lastActivity;
        if (idle >= timeoutNanos) {
            expire.run();
        } else {
            arm(timeoutNanos - idle);
        }
    }

    private void arm(long delayNanos) {
        timer = loop.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }
}
