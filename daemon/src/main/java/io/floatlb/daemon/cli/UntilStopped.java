package io.floatlb.daemon.cli;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Blocks a command until the process is told to stop (SIGTERM, SIGINT), then runs its
 * shutdown, so that stopping is as orderly as starting. The signals are handled, not left
 * to the JVM's shutdown hooks, so that a clean stop exits 0 (systemd counts 143 as a failure).
 */
final class UntilStopped {

    private UntilStopped() {}

    static void await(Runnable shutdown) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        for (String signal : List.of("TERM", "INT")) {
            Signal.handle(new Signal(signal), s -> stop.countDown());
        }
        stop.await();
        shutdown.run();
    }
}
