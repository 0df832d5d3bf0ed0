package io.floatlb.failover.announce;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The burst and the refresh, driven by a hand-cranked clock: no sleeps, no sockets. */
class GratuitousAnnouncerTest {
    private final InetAddress vip = ip("198.18.0.100");
    private final AtomicBoolean owner = new AtomicBoolean(true);
    private final RecordingResponder responder = new RecordingResponder("eth0", Set.of(vip), owner);
    private final ManualTimer timer = new ManualTimer();
    private final GratuitousAnnouncer announcer = new GratuitousAnnouncer(() -> List.of(responder), v -> owner.get(),
            timer, Duration.ofSeconds(30));

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTakeoverSendsABurstAtOnceAndRepeatsIt() {
        announcer.takenOver(vip);
        timer.runUntil(0);
        assertThat(responder.announced).containsExactly(vip);
        timer.runUntil(4_000);
        assertThat(responder.announced).hasSize(GratuitousAnnouncer.BURST.length);
    }

    @Test
    void theBurstStopsTheInstantOwnershipEnds() {
        announcer.takenOver(vip);
        timer.runUntil(200);
        int before = responder.announced.size();
        owner.set(false);
        timer.runUntil(10_000);
        assertThat(before).isEqualTo(3);
        assertThat(responder.announced).as("nothing after the loss").hasSize(before);
    }

    @Test
    void theRefreshRepeatsOwnedVipsOnly() {
        timer.runUntil(30_000);
        assertThat(responder.announced).containsExactly(vip);
        owner.set(false);
        timer.runUntil(60_000);
        assertThat(responder.announced).hasSize(1);
    }

    /** A scheduler whose clock moves only when the test says so. */
    static final class ManualTimer implements L2Announcement.Timer {
        private record Task(long at, long period, Runnable run) {}

        private final List<Task> tasks = new ArrayList<>();
        private long now;

        @Override
        public void schedule(Runnable task, long delayMillis) {
            tasks.add(new Task(now + delayMillis, 0, task));
        }

        @Override
        public void every(Runnable task, long periodMillis) {
            tasks.add(new Task(now + periodMillis, periodMillis, task));
        }

        void runUntil(long until) {
            while (true) {
                Task next = tasks.stream().filter(t -> t.at() <= until).min(Comparator.comparingLong(Task::at)).orElse(null);
                if (next == null) {
                    now = until;
                    return;
                }
                tasks.remove(next);
                now = next.at();
                if (next.period() > 0) {
                    tasks.add(new Task(now + next.period(), next.period(), next.run()));
                }
                next.run().run();
            }
        }

        @Override
        public void close() {
            tasks.clear();
        }
    }

    /** A responder that records what it was asked to send, and sends only what its owner may. */
    static class RecordingResponder implements Responder {
        final String itf;
        final Set<InetAddress> vips;
        final AtomicBoolean owner;
        final List<InetAddress> announced = new ArrayList<>();
        boolean closed;

        RecordingResponder(String itf, Set<InetAddress> vips, AtomicBoolean owner) {
            this.itf = itf;
            this.vips = Set.copyOf(vips);
            this.owner = owner;
        }

        @Override
        public String interfaceName() {
            return itf;
        }

        @Override
        public Set<InetAddress> vips() {
            return vips;
        }

        @Override
        public void announce(InetAddress vip) {
            if (vips.contains(vip) && owner.get()) {
                announced.add(vip);
            }
        }

        @Override
        public long answered(InetAddress vip) {
            return 0;
        }

        @Override
        public long announced(InetAddress vip) {
            return announced.stream().filter(vip::equals).count();
        }

        @Override
        public long dropped(DropReason reason) {
            return 0;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
