package io.floatlb.failover.arp;

import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.net.IpAddresses;
import io.floatlb.failover.address.VipPlumbing;
import io.floatlb.failover.election.ZooKeeperOwnership;
import java.net.Inet4Address;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Layer-2 announcement of this node's VIPs: address plumbing, one ARP responder per
 * advertised interface, and gratuitous ARPs on takeover. Absent when no advertisement
 * covers any VIP (a loopback VIP needs no root and no interface changes).
 */
public final class L2Announcement implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(L2Announcement.class);

    private final VipPlumbing plumbing;
    private final List<ArpResponder> responders;
    private final ScheduledExecutorService exec;

    private L2Announcement(VipPlumbing plumbing, List<ArpResponder> responders, ScheduledExecutorService exec) {
        this.plumbing = plumbing;
        this.responders = responders;
        this.exec = exec;
    }

    public static Optional<L2Announcement> start(FloatlbConfig config, ZooKeeperOwnership ownership) {
        Map<String, Set<Inet4Address>> byInterface = new LinkedHashMap<>();
        Set<InetAddress> announced = new LinkedHashSet<>();
        for (InetAddress vip : config.servicesByVip().keySet()) {
            List<String> interfaces = config.announceInterfaces(vip);
            if (interfaces.isEmpty()) {
                continue;
            }
            if (!(vip instanceof Inet4Address v4)) {
                log.warn("VIP {} is IPv6: neighbor advertisements are not implemented yet, it is not announced",
                        IpAddresses.format(vip));
                continue;
            }
            announced.add(vip);
            interfaces.forEach(i -> byInterface.computeIfAbsent(i, k -> new LinkedHashSet<>()).add(v4));
        }
        if (announced.isEmpty()) {
            return Optional.empty();
        }
        VipPlumbing plumbing = VipPlumbing.setUp(List.copyOf(announced), List.copyOf(byInterface.keySet()));
        Predicate<Inet4Address> owned = ownership::ownedHere;
        List<ArpResponder> responders = new ArrayList<>();
        try {
            byInterface.forEach((itf, vips) -> responders.add(ArpResponder.open(itf, vips, owned)));
        } catch (RuntimeException e) {
            responders.forEach(ArpResponder::close);
            plumbing.close();
            throw e;
        }
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "garp");
            t.setDaemon(true);
            return t;
        });
        GratuitousAnnouncer announcer = new GratuitousAnnouncer(responders, owned, exec, config.announceRefresh());
        ownership.onAcquired(vip -> {
            if (vip instanceof Inet4Address v4) {
                announcer.takenOver(v4);
            }
        });
        // A VIP won before the responders were ready still needs its announcement.
        announced.stream().filter(ownership::ownedHere).forEach(v -> announcer.takenOver((Inet4Address) v));
        return Optional.of(new L2Announcement(plumbing, responders, exec));
    }

    @Override
    public void close() {
        exec.shutdownNow();
        responders.forEach(ArpResponder::close);
        plumbing.close();
    }
}
