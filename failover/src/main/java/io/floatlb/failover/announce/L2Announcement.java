package io.floatlb.failover.announce;

import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.failover.VipOwnership;
import io.floatlb.failover.address.AddressPlumbing;
import io.floatlb.failover.address.VipPlumbing;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Layer-2 announcement of this node's VIPs: address plumbing, one ARP/NDP responder per
 * advertised interface, and gratuitous ARPs (unsolicited neighbor advertisements) on takeover.
 * Absent when no advertisement covers any VIP (a loopback VIP needs no root and no
 * interface changes).
 */
public final class L2Announcement implements AutoCloseable {
    private final Host host;
    private final AddressPlumbing plumbing;
    private final VipOwnership ownership;
    private final Timer timer;
    private final GratuitousAnnouncer announcer;
    private volatile Map<String, Set<InetAddress>> byInterface;
    private volatile List<Responder> responders;
    /** The addresses on the host now: the announced VIPs, and removed ones still serving connections. */
    private List<InetAddress> plumbed;
    private Runnable unsubscribe = () -> { };

    /** What the announcement does to the host: real interfaces in production, stand-ins in tests. */
    interface Host {
        AddressPlumbing plumb(List<InetAddress> vips, List<String> interfaces);

        Responder open(String itf, Set<InetAddress> vips, Predicate<InetAddress> owned);
    }

    private static final Host REAL = new Host() {
        @Override
        public AddressPlumbing plumb(List<InetAddress> vips, List<String> interfaces) {
            return VipPlumbing.setUp(vips, interfaces);
        }

        @Override
        public Responder open(String itf, Set<InetAddress> vips, Predicate<InetAddress> owned) {
            return NeighborResponder.open(itf, vips, owned);
        }
    };

    /** A {@link GratuitousAnnouncer.Scheduler} that can be stopped. */
    interface Timer extends GratuitousAnnouncer.Scheduler, AutoCloseable {
        @Override
        void close();
    }

    private L2Announcement(Host host, AddressPlumbing plumbing, VipOwnership ownership, Timer timer,
                           Map<String, Set<InetAddress>> byInterface, List<Responder> responders, FloatlbConfig config) {
        this.host = host;
        this.plumbing = plumbing;
        this.ownership = ownership;
        this.timer = timer;
        this.byInterface = byInterface;
        this.plumbed = announced(byInterface);
        this.responders = responders;
        this.announcer = new GratuitousAnnouncer(() -> this.responders, ownership::ownedHere, timer,
                config.announceRefresh());
    }

    public static Optional<L2Announcement> start(FloatlbConfig config, VipOwnership ownership) {
        return start(config, ownership, REAL, executorTimer());
    }

    static Optional<L2Announcement> start(FloatlbConfig config, VipOwnership ownership, Host host, Timer timer) {
        Map<String, Set<InetAddress>> byInterface = byInterface(config);
        if (byInterface.isEmpty()) {
            timer.close();
            return Optional.empty();
        }
        AddressPlumbing plumbing;
        List<Responder> responders;
        try {
            plumbing = host.plumb(announced(byInterface), List.copyOf(byInterface.keySet()));
        } catch (RuntimeException e) {
            timer.close();
            throw e;
        }
        try {
            responders = open(host, byInterface, ownership);
        } catch (RuntimeException e) {
            plumbing.close();
            timer.close();
            throw e;
        }
        L2Announcement a = new L2Announcement(host, plumbing, ownership, timer, byInterface, responders, config);
        a.unsubscribe = ownership.subscribe(new VipOwnership.Listener() {
            @Override
            public void onAcquired(InetAddress vip) {
                a.announcer.takenOver(vip);
            }

            @Override
            public void onLost(InetAddress vip) {
                // Nothing to stop: every announcement asks the election first.
            }
        });
        // A VIP won before the responders were ready still needs its announcement.
        a.announceOwned(announced(byInterface));
        return Optional.of(a);
    }

    private static Timer executorTimer() {
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "garp");
            t.setDaemon(true);
            return t;
        });
        return new Timer() {
            @Override
            public void schedule(Runnable task, long delayMillis) {
                exec.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            }

            @Override
            public void every(Runnable task, long periodMillis) {
                exec.scheduleWithFixedDelay(task, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
            }

            @Override
            public void close() {
                exec.shutdownNow();
            }
        };
    }

    /** Fails, before anything changes, when a config advertises on an interface this host lacks. */
    public static void check(FloatlbConfig config) {
        VipPlumbing.validate(List.copyOf(byInterface(config).keySet()));
    }

    /** Whether a config announces anything at all (else a running announcement closes on reload). */
    public static boolean needed(FloatlbConfig config) {
        return !byInterface(config).isEmpty();
    }

    /**
     * A reload: VIP addresses added and removed, and, where an interface's VIPs changed, a
     * new responder opened before the old one closes (for a moment both may answer; never
     * neither). Unchanged interfaces keep their responders and counters. The addresses in
     * {@code keep} stay although no longer announced: connections to them are still open
     * here (a reload removed their VIP, and its hand-over forwards them back here).
     */
    public synchronized void update(FloatlbConfig next, Set<InetAddress> keep) {
        Map<String, Set<InetAddress>> wanted = byInterface(next);
        List<InetAddress> addresses = new ArrayList<>(announced(wanted));
        keep.stream().filter(a -> !addresses.contains(a) && plumbed.contains(a)).forEach(addresses::add);
        if (!addresses.equals(plumbed) || !wanted.keySet().equals(byInterface.keySet())) {
            plumbing.update(addresses, List.copyOf(wanted.keySet()));
            plumbed = List.copyOf(addresses);
        }
        if (wanted.equals(byInterface)) {
            return;
        }
        Map<String, Set<InetAddress>> changed = new LinkedHashMap<>(wanted);
        changed.entrySet().removeIf(e -> e.getValue().equals(byInterface.get(e.getKey())));
        List<Responder> opened = open(host, changed, ownership);
        List<Responder> kept = new ArrayList<>();
        List<Responder> retired = new ArrayList<>();
        for (Responder r : responders) {
            (changed.containsKey(r.interfaceName()) || !wanted.containsKey(r.interfaceName()) ? retired : kept).add(r);
        }
        kept.addAll(opened);
        responders = List.copyOf(kept);
        byInterface = wanted;
        retired.forEach(Responder::close);
        changed.values().forEach(this::announceOwned);
    }

    private void announceOwned(Collection<InetAddress> vips) {
        vips.stream().filter(ownership::ownedHere).forEach(announcer::takenOver);
    }

    public List<Responder> responders() {
        return responders;
    }

    private static Map<String, Set<InetAddress>> byInterface(FloatlbConfig config) {
        Map<String, Set<InetAddress>> byInterface = new LinkedHashMap<>();
        for (InetAddress vip : config.servicesByVip().keySet()) {
            config.announceInterfaces(vip).forEach(i -> byInterface.computeIfAbsent(i, k -> new LinkedHashSet<>()).add(vip));
        }
        return byInterface;
    }

    private static List<InetAddress> announced(Map<String, Set<InetAddress>> byInterface) {
        return byInterface.values().stream().flatMap(Set::stream).distinct().toList();
    }

    private static List<Responder> open(Host host, Map<String, Set<InetAddress>> byInterface, VipOwnership ownership) {
        List<Responder> opened = new ArrayList<>();
        try {
            byInterface.forEach((itf, vips) -> opened.add(host.open(itf, vips, ownership::ownedHere)));
        } catch (RuntimeException e) {
            opened.forEach(Responder::close);
            throw e;
        }
        return opened;
    }

    @Override
    public void close() {
        unsubscribe.run();
        timer.close();
        responders.forEach(Responder::close);
        plumbing.close();
    }
}
