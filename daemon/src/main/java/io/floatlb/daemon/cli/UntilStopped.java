package io.floatlb.daemon.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Blocks a command until the process is told to stop (SIGTERM, SIGINT), then runs its
 * shutdown before the JVM exits, so that stopping is as orderly as starting.
 */
final class UntilStopped {

    private UntilStopped() {}

    static void await(String name, Runnable shutdown) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shutdown.run();
            stopped.countDown();
        }, name + "-shutdown"));
        stopped.await();
    }
}
