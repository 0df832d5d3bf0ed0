package io.floatlb.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a proxied connection that moved no byte either way for the idle timeout. Both
 * channels of the connection live on one event loop, so activity is a plain field that the
 * relays touch once per read burst, and one timer per connection re-arms itself for the
 * time left instead of being moved on every write.
 */
final class IdleTimeout implements Runnable {
    private final Channel client;
    private final long timeoutNanos;
    private long lastActivity;
    private ScheduledFuture<?> timer;

    IdleTimeout(Channel client, long timeoutNanos) {
        this.client = client;
        this.timeoutNanos = timeoutNanos;
    }

    void start() {
        lastActivity = System.nanoTime();
        arm(timeoutNanos);
    }

    /** The connection ended: on the client's loop, so no listener on its close is needed. */
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
            client.close();
        } else {
            arm(timeoutNanos - idle);
        }
    }

    private void arm(long delayNanos) {
        timer = client.eventLoop().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }
}
