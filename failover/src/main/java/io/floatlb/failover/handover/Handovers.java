package io.floatlb.failover.handover;

import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.handover.HandoverOffer;
import io.floatlb.core.net.IpAddresses;
import io.floatlb.failover.membership.Membership;
import io.floatlb.failover.zk.ClusterPaths;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's hand-overs, both halves: the offers it makes as an old owner and the
 * forwarding it does as a successor. Off ({@code coordination.handover = off}) it offers
 * nothing and forwards nothing. A crash leaves floatlb's nftables table behind; it is
 * removed when the next agent starts.
 */
public final class Handovers implements Handover {
    private static final Logger log = LoggerFactory.getLogger(Handovers.class);
    /** How long the stop waits for ZooKeeper to take the last offers' deletes. */
    private static final long FINISH_WAIT_MILLIS = 2_000;

    private final boolean enabled;
    private final ScheduledExecutorService exec;
    private final FlowOffers offers;
    private final FlowForwarding forwarding;
    private final HandoverCounts counts = new HandoverCounts();
    private final Membership membership;
    private volatile FloatlbConfig config;

    public Handovers(FloatlbConfig config, CuratorFramework zk, ScheduledExecutorService exec, Membership membership,
                     FlowSource flows) {
        this(config, zk, exec, membership, flows, new NftCommand(), LocalAddresses::on);
    }

    /**
     * @param nft the table the successor writes
     * @param addresses this host's addresses (with prefixes) on an interface
     */
    Handovers(FloatlbConfig config, CuratorFramework zk, ScheduledExecutorService exec, Membership membership,
              FlowSource flows, NftTable nft, Function<String, List<HandoverOffer.Interfaced>> addresses) {
        this.enabled = config.coordination().handover();
        this.exec = exec;
        this.membership = membership;
        this.config = config;
        this.offers = new FlowOffers(zk, config.nodeName(), exec, flows, counts, interfaces(config), config.drainTimeout(),
                addresses);
        this.forwarding = new FlowForwarding(zk, config.nodeName(), exec, membership, nft, counts, interfaces(config),
                addresses);
        // A table a crashed agent left behind goes, whether or not this one hands over.
        if (!config.servicesByVip().keySet().stream().allMatch(v -> config.announceInterfaces(v).isEmpty())) {
            nft.remove();
        }
        if (enabled) {
            makeParent(zk);
        }
    }

    /** Offers are created under a parent that always exists, so each is one create, ordered before the release. */
    private static void makeParent(CuratorFramework zk) {
        try {
            zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(ClusterPaths.HANDOVERS);
        } catch (KeeperException.NodeExistsException exists) {
            // made by an earlier agent
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + ClusterPaths.HANDOVERS + " in ZooKeeper: " + e.getMessage(), e);
        }
    }

    private static Function<InetAddress, List<String>> interfaces(FloatlbConfig config) {
        return config::announceInterfaces;
    }

    /**
     * A reload: the VIPs' interfaces and the drain timeout may have changed. A VIP the reload
     * removed keeps the interfaces it had, since its release still offers its flows there.
     */
    public void reconfigure(FloatlbConfig next) {
        FloatlbConfig previous = config;
        config = next;
        Function<InetAddress, List<String>> interfaces = vip -> next.servicesByVip().containsKey(vip)
                ? next.announceInterfaces(vip) : previous.announceInterfaces(vip);
        offers.reconfigure(interfaces, next.drainTimeout());
        forwarding.reconfigure(interfaces);
    }

    @Override
    public void offer(InetAddress vip) {
        if (enabled) {
            offers.offer(vip);
        }
    }

    @Override
    public void adopt(InetAddress vip, Runnable then) {
        if (enabled) {
            forwarding.adopt(vip, then);
        } else {
            then.run();
        }
    }

    @Override
    public void owned(InetAddress vip) {
        offers.withdraw(vip);
    }

    @Override
    public void dropped(InetAddress vip) {
        forwarding.dropped(vip);
    }

    public HandoverCounts counts() {
        return counts;
    }

    /** The VIPs whose old owner's connections this node forwards now, with how many. */
    public Map<InetAddress, Integer> forwarding() {
        return forwarding.forwarding();
    }

    /** Every hand-over in progress in the cluster, as this node's cache holds the offers. */
    public Map<InetAddress, HandoverOffer> inProgress() {
        Map<InetAddress, HandoverOffer> offers = new LinkedHashMap<>();
        membership.children(ClusterPaths.HANDOVERS).forEach(d -> IpAddresses.parse(
                        d.getPath().substring(ClusterPaths.HANDOVERS.length() + 1))
                .ifPresent(vip -> HandoverOffer.decode(d.getData()).ifPresent(o -> offers.put(vip, o))));
        return offers;
    }

    /**
     * The stop, after the drain: ends the offers still open and waits (bounded) for
     * ZooKeeper to have their deletes, so successors remove their forwarding at once.
     */
    public void finish() {
        try {
            CompletableFuture.supplyAsync(offers::finish, exec).thenCompose(f -> f)
                    .get(FINISH_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("hand-over offers not confirmed ended: {}", e.toString());
        }
    }

    /** Removes this node's forwarding; runs after the election's thread has stopped. */
    public void close() {
        forwarding.close();
    }
}
