package io.floatlb.daemon.ops;

import java.util.concurrent.TimeUnit;

/** A condition polled every 50 ms for up to a bound, then looked at once more. */
final class Eventually {
    interface Check {
        boolean holds() throws Exception;
    }

    private Eventually() {}

    static boolean within(int seconds, Check c) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            if (c.holds()) {
                return true;
            }
            Thread.sleep(50);
        }
        return c.holds();
    }
}
