package io.floatlb.failover.handover;

import io.floatlb.core.handover.HandoverOffer;
import io.floatlb.core.handover.NftRuleset;
import io.floatlb.core.net.IpAddresses;
import io.floatlb.failover.membership.Membership;
import io.floatlb.failover.zk.ClusterPaths;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The successor's half of a hand-over. Before this node competes for a VIP it reads the
 * VIP's offer (after having seen the VIP free, so ZooKeeper's ordering guarantees the offer
 * written before the release is there) and, when a live member offered flows, forwards them
 * to it; only then does the election create the znode and let the announcement speak. The
 * offer is watched: flows added and ended follow it, and when it is deleted (done, timed out,
 * or its author's session ended) the forwarding goes. Runs on the election's thread.
 */
final class FlowForwarding {
    private static final Logger log = LoggerFactory.getLogger(FlowForwarding.class);
    private static final long RETRY_MILLIS = 1_000;

    private final CuratorFramework zk;
    private final String node;
    private final ScheduledExecutorService exec;
    private final Membership membership;
    private final NftTable nft;
    private final HandoverCounts counts;
    private final Map<InetAddress, Adopted> adopted = new LinkedHashMap<>();
    /** One watcher per VIP: ZooKeeper keeps a watcher once per path, so re-reads never pile watches up. */
    private final Map<InetAddress, CuratorWatcher> watchers = new HashMap<>();
    private final Function<String, List<HandoverOffer.Interfaced>> addresses;
    private volatile Function<InetAddress, List<String>> interfaces;
    /** What {@link #adopted} forwards, for readers on other threads. */
    private volatile Map<InetAddress, Integer> forwarding = Map.of();
    private boolean applied;

    private record Adopted(HandoverOffer offer, List<NftRuleset.Forward> forwards) {}

    FlowForwarding(CuratorFramework zk, String node, ScheduledExecutorService exec, Membership membership, NftTable nft,
                   HandoverCounts counts, Function<InetAddress, List<String>> interfaces,
                   Function<String, List<HandoverOffer.Interfaced>> addresses) {
        this.addresses = addresses;
        this.zk = zk;
        this.node = node;
        this.exec = exec;
        this.membership = membership;
        this.nft = nft;
        this.counts = counts;
        this.interfaces = interfaces;
    }

    void reconfigure(Function<InetAddress, List<String>> next) {
        interfaces = next;
    }

    void adopt(InetAddress vip, Runnable then) {
        if (interfaces.apply(vip).isEmpty()) {
            then.run(); // announced on no interface: no client can be moved, nothing to forward
            return;
        }
        read(vip, then);
    }

    /** Reads the offer and watches it; {@code then} (the create, or nothing) runs after, always. */
    private void read(InetAddress vip, Runnable then) {
        try {
            zk.getData().usingWatcher(watchers.computeIfAbsent(vip, v -> e -> onElection(() -> {
                if (adopted.containsKey(v)) {
                    read(v, () -> { });
                }
            }))).inBackground((c, e) -> onElection(() -> {
                try {
                    answered(vip, e);
                } catch (RuntimeException bug) {
                    log.warn("hand-over of VIP {}: offer not followed: {}", IpAddresses.format(vip), bug.toString());
                } finally {
                    then.run();
                }
            })).forPath(ClusterPaths.handover(vip));
        } catch (Exception e) {
            log.debug("hand-over offer of VIP {} not read: {}", IpAddresses.format(vip), e.toString());
            then.run();
        }
    }

    private void onElection(Runnable task) {
        try {
            exec.execute(task);
        } catch (RejectedExecutionException stopping) {
            // The session closed; the table goes with it.
        }
    }

    private void answered(InetAddress vip, CuratorEvent e) {
        KeeperException.Code rc = KeeperException.Code.get(e.getResultCode());
        boolean following = adopted.containsKey(vip);
        if (rc == KeeperException.Code.NONODE) {
            if (following) {
                end(vip, "ended by " + adopted.get(vip).offer().from());
            }
            return;
        }
        if (rc != KeeperException.Code.OK) {
            if (following) {
                exec.schedule(() -> {
                    if (adopted.containsKey(vip)) {
                        read(vip, () -> { });
                    }
                }, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
            return;
        }
        Optional<HandoverOffer> offer = HandoverOffer.decode(e.getData());
        if (offer.isEmpty() || offer.get().from().equals(node)) {
            if (offer.isEmpty()) {
                log.warn("hand-over offer of VIP {} is unreadable (another agent's version?): ignored",
                        IpAddresses.format(vip));
            }
            if (following) {
                end(vip, "replaced by an offer this node does not follow");
            }
            return;
        }
        HandoverOffer o = offer.get();
        if (!membership.members().containsKey(o.from())) {
            log.warn("hand-over of VIP {}: {} offered its connections but is not a live member: not forwarded",
                    IpAddresses.format(vip), o.from());
            if (following) {
                end(vip, "its author left");
            }
            return;
        }
        List<NftRuleset.Forward> forwards = forwards(vip, o);
        if (forwards.isEmpty()) {
            unsupported(vip, o, "no address of " + o.from() + " " + o.forwardTo() + " is on the subnet of "
                    + interfaces.apply(vip));
            return;
        }
        Adopted before = adopted.put(vip, new Adopted(o, forwards));
        try {
            apply();
        } catch (IllegalStateException failed) {
            // nft applies all or nothing: the table is as it was before this offer.
            if (before != null) {
                adopted.put(vip, before);
                log.warn("hand-over of VIP {}: new flows of {} not forwarded: {}", IpAddresses.format(vip), o.from(),
                        failed.getMessage());
            } else {
                adopted.remove(vip);
                unsupported(vip, o, failed.getMessage());
            }
            return;
        }
        if (!following) {
            log.info("hand-over of VIP {} from {}: forwarding its {} connection(s) to {}", IpAddresses.format(vip),
                    o.from(), o.flows().size(), forwards.stream().map(f -> IpAddresses.format(f.to()) + " on " + f.device()).toList());
        }
    }

    private List<NftRuleset.Forward> forwards(InetAddress vip, HandoverOffer offer) {
        List<NftRuleset.Forward> forwards = new ArrayList<>();
        for (String itf : interfaces.apply(vip)) {
            List<HandoverOffer.Interfaced> mine = addresses.apply(itf);
            offer.forwardTo().stream()
                    .filter(to -> to.address().getClass() == vip.getClass())
                    .filter(to -> mine.stream().anyMatch(m -> to.sameSubnet(m.address(), m.prefixLength())))
                    .findFirst()
                    .ifPresent(to -> forwards.add(new NftRuleset.Forward(vip, itf, to.address(), offer.flows())));
        }
        return forwards;
    }

    private void unsupported(InetAddress vip, HandoverOffer o, String why) {
        counts.count(HandoverCounts.Result.UNSUPPORTED);
        log.warn("hand-over of VIP {} from {} unsupported here, its {} connection(s) will be reset: {}",
                IpAddresses.format(vip), o.from(), o.flows().size(), why);
    }

    /** This node gave the VIP up: the next owner forwards what is left. */
    void dropped(InetAddress vip) {
        if (adopted.containsKey(vip)) {
            end(vip, "this node no longer owns the VIP");
        }
    }

    private void end(InetAddress vip, String why) {
        Adopted a = adopted.remove(vip);
        try {
            apply();
        } catch (IllegalStateException failed) {
            log.warn("hand-over of VIP {}: forwarding not removed: {}", IpAddresses.format(vip), failed.getMessage());
        }
        log.info("hand-over of VIP {} from {} over ({}): forwarding removed", IpAddresses.format(vip),
                a.offer().from(), why);
    }

    /** Writes the table from {@link #adopted}; what others read changes only once nft took it. */
    private void apply() {
        applied = true;
        nft.apply(adopted.values().stream().flatMap(a -> a.forwards().stream()).toList());
        Map<InetAddress, Integer> now = new LinkedHashMap<>();
        adopted.forEach((vip, a) -> now.put(vip, a.offer().flows().size()));
        forwarding = Map.copyOf(now);
    }

    /** The VIPs whose old owner's flows this node forwards now, with their flow counts; any thread. */
    Map<InetAddress, Integer> forwarding() {
        return forwarding;
    }

    void close() {
        adopted.clear();
        forwarding = Map.of();
        if (applied) {
            nft.remove();
        }
    }
}
