package io.floatlb.failover.announce;

import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.failover.address.VipPlumbing;
import io.floatlb.failover.election.ZooKeeperOwnership;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;

/**
 * Layer-2 announcement of this node's VIPs: address plumbing, one ARP/NDP responder per
 * advertised interface, and gratuitous ARPs (unsolicited neighbor advertisements) on takeover. Absent when no advertisement
 * covers any VIP (a loopback VIP needs no root and no interface changes).
 */
public final class L2Announcement implements AutoCloseable {

    private final VipPlumbing plumbing;
    private final List<NeighborResponder> responders;
    private final ScheduledExecutorService exec;

    private L2Announcement(VipPlumbing plumbing, List<NeighborResponder> responders, ScheduledExecutorService exec) {
        this.plumbing = plumbing;
        this.responders = responders;
        this.exec = exec;
    }

    public static Optional<L2Announcement> start(FloatlbConfig config, ZooKeeperOwnership ownership) {
        Map<String, Set<InetAddress>> byInterface = new LinkedHashMap<>();
        Set<InetAddress> announced = new LinkedHashSet<>();
        for (InetAddress vip : config.servicesByVip().keySet()) {
            List<String> interfaces = config.announceInterfaces(vip);
            if (interfaces.isEmpty()) {
                continue;
            }
            announced.add(vip);
            interfaces.forEach(i -> byInterface.computeIfAbsent(i, k -> new LinkedHashSet<>()).add(vip));
        }
        if (announced.isEmpty()) {
            return Optional.empty();
        }
        VipPlumbing plumbing = VipPlumbing.setUp(List.copyOf(announced), List.copyOf(byInterface.keySet()));
        Predicate<InetAddress> owned = ownership::ownedHere;
        List<NeighborResponder> responders = new ArrayList<>();
        try {
            byInterface.forEach((itf, vips) -> responders.add(NeighborResponder.open(itf, vips, owned)));
        } catch (RuntimeException e) {
            responders.forEach(NeighborResponder::close);
            plumbing.close();
            throw e;
        }
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "garp");
            t.setDaemon(true);
            return t;
        });
        GratuitousAnnouncer announcer = new GratuitousAnnouncer(responders, owned, exec, config.announceRefresh());
        ownership.onAcquired(announcer::takenOver);
        // A VIP won before the responders were ready still needs its announcement.
        announced.stream().filter(ownership::ownedHere).forEach(announcer::takenOver);
        return Optional.of(new L2Announcement(plumbing, responders, exec));
    }

    @Override
    public void close() {
        exec.shutdownNow();
        responders.forEach(NeighborResponder::close);
        plumbing.close();
    }
}
