package io.floatlb.daemon.cli;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Holds a command until the process is told to stop (SIGTERM, SIGINT), then runs its
 * shutdown, so that stopping is as orderly as starting. The signals are handled, not left
 * to the JVM's shutdown hooks, so that a clean stop exits 0 (systemd counts 143 as a
 * failure); they are handled from {@link #install()} on, so a stop asked for during
 * start-up waits for the start to finish and then stops cleanly.
 */
final class UntilStopped {
    private final CountDownLatch stop = new CountDownLatch(1);

    private UntilStopped() {}

    static UntilStopped install() {
        UntilStopped u = new UntilStopped();
        for (String signal : List.of("TERM", "INT")) {
            Signal.handle(new Signal(signal), s -> u.stop.countDown());
        }
        return u;
    }

    void await(Runnable shutdown) throws InterruptedException {
        stop.await();
        shutdown.run();
    }
}
