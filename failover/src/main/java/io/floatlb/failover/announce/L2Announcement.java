package io.floatlb.failover.announce;

import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.failover.address.VipPlumbing;
import io.floatlb.failover.VipOwnership;
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

/**
 * Layer-2 announcement of this node's VIPs: address plumbing, one ARP/NDP responder per
 * advertised interface, and gratuitous ARPs (unsolicited neighbor advertisements) on takeover.
 * Absent when no advertisement covers any VIP (a loopback VIP needs no root and no
 * interface changes).
 */
public final class L2Announcement implements AutoCloseable {
    private final VipPlumbing plumbing;
    private final VipOwnership ownership;
    private final ScheduledExecutorService exec;
    private final GratuitousAnnouncer announcer;
    private volatile Map<String, Set<InetAddress>> byInterface;
    private volatile List<NeighborResponder> responders;
    private Runnable stopListening = () -> { };

    private L2Announcement(VipPlumbing plumbing, VipOwnership ownership, ScheduledExecutorService exec,
                           Map<String, Set<InetAddress>> byInterface, List<NeighborResponder> responders,
                           FloatlbConfig config) {
        this.plumbing = plumbing;
        this.ownership = ownership;
        this.exec = exec;
        this.byInterface = byInterface;
        this.responders = responders;
        this.announcer = new GratuitousAnnouncer(() -> this.responders, ownership::ownedHere, exec,
                config.announceRefresh());
    }

    public static Optional<L2Announcement> start(FloatlbConfig config, VipOwnership ownership) {
        Map<String, Set<InetAddress>> byInterface = byInterface(config);
        if (byInterface.isEmpty()) {
            return Optional.empty();
        }
        VipPlumbing plumbing = VipPlumbing.setUp(announced(byInterface), List.copyOf(byInterface.keySet()));
        List<NeighborResponder> responders;
        try {
            responders = open(byInterface, ownership);
        } catch (RuntimeException e) {
            plumbing.close();
            throw e;
        }
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "garp");
            t.setDaemon(true);
            return t;
        });
        L2Announcement a = new L2Announcement(plumbing, ownership, exec, byInterface, responders, config);
        a.stopListening = ownership.subscribe(new VipOwnership.Listener() {
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
     * neither). Unchanged interfaces keep their responders and counters.
     */
    public synchronized void update(FloatlbConfig next) {
        Map<String, Set<InetAddress>> wanted = byInterface(next);
        if (wanted.equals(byInterface)) {
            return;
        }
        plumbing.update(announced(wanted), List.copyOf(wanted.keySet()));
        Map<String, Set<InetAddress>> changed = new LinkedHashMap<>(wanted);
        changed.entrySet().removeIf(e -> e.getValue().equals(byInterface.get(e.getKey())));
        List<NeighborResponder> opened = open(changed, ownership);
        List<NeighborResponder> kept = new ArrayList<>();
        List<NeighborResponder> retired = new ArrayList<>();
        for (NeighborResponder r : responders) {
            (changed.containsKey(r.interfaceName()) || !wanted.containsKey(r.interfaceName()) ? retired : kept).add(r);
        }
        kept.addAll(opened);
        responders = List.copyOf(kept);
        byInterface = wanted;
        retired.forEach(NeighborResponder::close);
        changed.values().forEach(this::announceOwned);
    }

    private void announceOwned(Collection<InetAddress> vips) {
        vips.stream().filter(ownership::ownedHere).forEach(announcer::takenOver);
    }

    public List<NeighborResponder> responders() {
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

    private static List<NeighborResponder> open(Map<String, Set<InetAddress>> byInterface, VipOwnership ownership) {
        List<NeighborResponder> opened = new ArrayList<>();
        try {
            byInterface.forEach((itf, vips) -> opened.add(NeighborResponder.open(itf, vips, ownership::ownedHere)));
        } catch (RuntimeException e) {
            opened.forEach(NeighborResponder::close);
            throw e;
        }
        return opened;
    }

    @Override
    public void close() {
        stopListening.run();
        exec.shutdownNow();
        responders.forEach(NeighborResponder::close);
        plumbing.close();
    }
}
