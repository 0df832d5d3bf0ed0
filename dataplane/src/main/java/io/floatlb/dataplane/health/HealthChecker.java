package io.floatlb.dataplane.health;

import io.floatlb.core.config.HealthCheck;
import io.floatlb.core.select.Target;
import io.floatlb.dataplane.proxy.BackendPool;
import io.floatlb.dataplane.transport.Transport;
import io.netty.channel.EventLoop;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Checks every target of one backend pool every interval and reports the outcome to the
 * pool. Each target is checked on one event loop, the next check scheduled when the last
 * one ends, so a slow target never has two checks in flight.
 */
public final class HealthChecker {
    private final BackendPool pool;
    private final HealthCheck check;
    private final Transport transport;
    private volatile boolean running;

    public HealthChecker(BackendPool pool, HealthCheck check, Transport transport) {
        this.pool = pool;
        this.check = check;
        this.transport = transport;
    }

    public void start() {
        running = true;
        long interval = check.interval().toMillis();
        for (Target t : pool.targets()) {
            EventLoop loop = transport.workers().next();
            // A random first delay keeps checks of many targets from firing in lock-step.
            loop.schedule(() -> check(loop, t), ThreadLocalRandom.current().nextLong(Math.max(1, interval / 4)),
                    TimeUnit.MILLISECONDS);
        }
    }

    public void stop() {
        running = false;
    }

    private void check(EventLoop loop, Target target) {
        if (!running) {
            return;
        }
        Probe.run(transport, loop, target, check).addListener(f -> {
            Probe.Outcome o = (Probe.Outcome) f.getNow();
            if (running) {
                pool.report(target, o.success(), o.detail());
                loop.schedule(() -> check(loop, target), check.interval().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }
}
