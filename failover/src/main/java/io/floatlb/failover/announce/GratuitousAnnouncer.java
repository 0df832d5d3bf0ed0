package io.floatlb.failover.announce;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Tells the LAN about a new owner: a burst of gratuitous ARPs (unsolicited neighbor
 * advertisements for IPv6) right after takeover (one may be lost), a few repeats, and a
 * periodic refresh for switches and gateways that age entries out. Every send asks the
 * election first, so announcements stop the instant ownership ends, also in the middle of
 * a burst.
 */
public final class GratuitousAnnouncer {
    /** Delays after takeover, in milliseconds. */
    static final long[] BURST = {0, 50, 200, 500, 1000, 2000, 4000};

    /** Runs a task later: a scheduled executor in production, a hand-cranked one in tests. */
    public interface Scheduler {
        void schedule(Runnable task, long delayMillis);

        void every(Runnable task, long periodMillis);
    }

    private final Supplier<List<? extends Responder>> responders;
    private final Predicate<InetAddress> owned;
    private final Scheduler scheduler;

    /** @param responders the responders of the moment (a reload may replace them) */
    public GratuitousAnnouncer(Supplier<List<? extends Responder>> responders, Predicate<InetAddress> owned,
                               Scheduler scheduler, Duration refresh) {
        this.responders = responders;
        this.owned = owned;
        this.scheduler = scheduler;
        scheduler.every(this::refresh, refresh.toMillis());
    }

    public void takenOver(InetAddress vip) {
        for (long delay : BURST) {
            scheduler.schedule(() -> send(vip), delay);
        }
    }

    private void refresh() {
        responders.get().forEach(r -> r.vips().forEach(this::send));
    }

    private void send(InetAddress vip) {
        if (owned.test(vip)) {
            responders.get().forEach(r -> r.announce(vip));
        }
    }
}
