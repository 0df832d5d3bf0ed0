package io.floatlb.failover.handover;

import io.floatlb.core.handover.Flow;
import io.floatlb.core.handover.HandoverOffer;
import io.floatlb.core.net.IpAddresses;
import io.floatlb.failover.zk.ClusterPaths;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The old owner's half of a hand-over. On a planned release it writes the VIP's flows to an
 * ephemeral znode (so a crash ends the offer with the session), then watches them every
 * {@link #TICK_MILLIS}: flows accepted since (clients with a stale ARP entry) are added, ended
 * ones dropped; when none is left the offer is deleted ({@code clean}); when the drain timeout
 * passes first it is deleted and the remaining connections closed ({@code timed_out}). Runs
 * on the election's thread; writes go out in the background.
 */
final class FlowOffers {
    private static final Logger log = LoggerFactory.getLogger(FlowOffers.class);
    static final long TICK_MILLIS = 100;

    private final CuratorFramework zk;
    private final String node;
    private final ScheduledExecutorService exec;
    private final FlowSource source;
    private final HandoverCounts counts;
    private final Map<InetAddress, Offered> offered = new HashMap<>();
    private final Function<String, List<HandoverOffer.Interfaced>> addresses;
    private volatile Function<InetAddress, List<String>> interfaces;
    private volatile Duration drainTimeout;
    private boolean ticking;

    private static final class Offered {
        final long deadline;
        final long startedNanos = System.nanoTime();
        final int initialFlows;
        Set<Flow> flows;

        Offered(long deadline, Set<Flow> flows) {
            this.deadline = deadline;
            this.flows = flows;
            this.initialFlows = flows.size();
        }
    }

    FlowOffers(CuratorFramework zk, String node, ScheduledExecutorService exec, FlowSource source,
               HandoverCounts counts, Function<InetAddress, List<String>> interfaces, Duration drainTimeout,
               Function<String, List<HandoverOffer.Interfaced>> addresses) {
        this.addresses = addresses;
        this.zk = zk;
        this.node = node;
        this.exec = exec;
        this.source = source;
        this.counts = counts;
        this.interfaces = interfaces;
        this.drainTimeout = drainTimeout;
    }

    void reconfigure(Function<InetAddress, List<String>> nextInterfaces, Duration nextDrainTimeout) {
        interfaces = nextInterfaces;
        drainTimeout = nextDrainTimeout;
    }

    void offer(InetAddress vip) {
        List<String> itfs = interfaces.apply(vip);
        Set<Flow> all = source.flows(vip);
        Set<Flow> flows = capped(all);
        if (flows.size() < all.size()) {
            log.warn("hand-over of VIP {}: {} connections, only {} can be offered; the rest will be reset",
                    IpAddresses.format(vip), all.size(), HandoverOffer.MAX_FLOWS);
        }
        if (itfs.isEmpty() || flows.isEmpty()) {
            return; // nothing to keep: no connection, or a VIP no LAN is told about
        }
        List<HandoverOffer.Interfaced> forwardTo = forwardTo(vip);
        if (forwardTo.isEmpty()) {
            log.warn("hand-over of VIP {}: no address of the VIP's family on {} to forward to; its {} connection(s)"
                    + " will be reset", IpAddresses.format(vip), itfs, flows.size());
            return;
        }
        Offered o = new Offered(System.nanoTime() + drainTimeout.toNanos(), flows);
        offered.put(vip, o);
        counts.offered(flows.size());
        byte[] data = new HandoverOffer(node, forwardTo, flows).encode();
        try {
            // The parent exists (see Handovers): a create that first had to make it would be
            // retried after the VIP's delete, and a successor could miss the offer.
            zk.create().withMode(CreateMode.EPHEMERAL)
                    .inBackground((c, e) -> createdOrReplace(vip, e, data)).forPath(ClusterPaths.handover(vip), data);
        } catch (Exception e) {
            log.warn("hand-over of VIP {} not offered: {}", IpAddresses.format(vip), e.toString());
        }
        log.info("hand-over of VIP {}: {} connection(s) offered for forwarding to {}", IpAddresses.format(vip),
                flows.size(), forwardTo);
        tickSoon();
    }

    /** An offer left from an earlier hand-over of this session (a quick move back and forth) is overwritten. */
    private void createdOrReplace(InetAddress vip, CuratorEvent e, byte[] data) throws Exception {
        if (e.getResultCode() == KeeperException.Code.NODEEXISTS.intValue()) {
            zk.setData().inBackground().forPath(ClusterPaths.handover(vip), data);
        }
    }

    /** At most what one offer carries (said once, when the offer is made, not at every tick). */
    private static Set<Flow> capped(Set<Flow> flows) {
        return flows.size() <= HandoverOffer.MAX_FLOWS ? flows
                : flows.stream().limit(HandoverOffer.MAX_FLOWS).collect(Collectors.toUnmodifiableSet());
    }

    /** This node owns the VIP again: its connections are local once more, and no one forwards them. */
    void withdraw(InetAddress vip) {
        if (offered.remove(vip) != null) {
            end(vip, "taken back");
        }
    }

    private void tickSoon() {
        if (!ticking) {
            ticking = true;
            exec.schedule(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        ticking = false;
        long now = System.nanoTime();
        for (InetAddress vip : List.copyOf(offered.keySet())) {
            Offered o = offered.get(vip);
            Set<Flow> flows = capped(source.flows(vip));
            if (now - o.deadline >= 0) {
                // Past the deadline the connections were closed here or are about to be.
                offered.remove(vip);
                counts.count(HandoverCounts.Result.TIMED_OUT);
                source.close(vip);
                end(vip, "timed out: " + o.flows.size() + " connection(s) still open at the drain timeout");
            } else if (flows.isEmpty()) {
                offered.remove(vip);
                counts.count(HandoverCounts.Result.CLEAN);
                end(vip, "done: all " + o.initialFlows + " connection(s) ended after "
                        + TimeUnit.NANOSECONDS.toMillis(now - o.startedNanos) + " ms");
            } else if (!flows.equals(o.flows)) {
                o.flows = flows;
                republish(vip, flows);
            }
        }
        if (!offered.isEmpty()) {
            tickSoon();
        }
    }

    /** Where a successor may send this node's flows of the VIP: its addresses of the VIP's family on the VIP's interfaces. */
    private List<HandoverOffer.Interfaced> forwardTo(InetAddress vip) {
        return interfaces.apply(vip).stream().flatMap(i -> addresses.apply(i).stream())
                .filter(a -> a.address().getClass() == vip.getClass()).distinct().toList();
    }

    private void republish(InetAddress vip, Set<Flow> flows) {
        try {
            zk.setData().inBackground().forPath(ClusterPaths.handover(vip),
                    new HandoverOffer(node, forwardTo(vip), flows).encode());
        } catch (Exception e) {
            log.debug("hand-over of VIP {} not updated: {}", IpAddresses.format(vip), e.toString());
        }
    }

    private CompletableFuture<Void> end(InetAddress vip, String why) {
        log.info("hand-over of VIP {} {}", IpAddresses.format(vip), why);
        CompletableFuture<Void> deleted = new CompletableFuture<>();
        try {
            zk.delete().inBackground((c, e) -> deleted.complete(null)).forPath(ClusterPaths.handover(vip));
        } catch (Exception e) {
            deleted.complete(null);
        }
        return deleted;
    }

    /**
     * The stop, after the drain: one last look, then every offer still open is ended (timed
     * out if it still had connections). Returns what completes when ZooKeeper has the deletes.
     */
    CompletableFuture<Void> finish() {
        tick();
        List<CompletableFuture<Void>> deletes = new ArrayList<>();
        for (InetAddress vip : List.copyOf(offered.keySet())) {
            offered.remove(vip);
            counts.count(HandoverCounts.Result.TIMED_OUT);
            deletes.add(end(vip, "ended by the stop"));
        }
        return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
    }
}
