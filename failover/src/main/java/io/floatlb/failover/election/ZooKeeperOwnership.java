package io.floatlb.failover.election;

import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.election.Eligibility;
import io.floatlb.core.election.MemberState;
import io.floatlb.core.election.VipDecision;
import io.floatlb.core.election.VipPreference;
import io.floatlb.core.net.IpAddresses;
import io.floatlb.failover.VipOwnership;
import io.floatlb.failover.membership.MemberCodec;
import io.floatlb.failover.zk.ContactLease;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VIP ownership decided through ZooKeeper. Each live node keeps an ephemeral member znode
 * with its state; each owned VIP is an ephemeral znode holding its owner's name, so at most
 * one node holds it and it vanishes with its owner's session. Every change anyone makes is
 * seen through one cache and answered by {@link VipDecision} on one thread.
 *
 * <p>Safety does not rest on the znode alone: {@link #ownedHere} also needs a valid
 * {@link ContactLease}, which ends the moment the connection is SUSPENDED and, after a
 * pause, before the session can have expired.
 */
public final class ZooKeeperOwnership implements VipOwnership {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperOwnership.class);
    /** How much later each less preferred node tries to take a free VIP. */
    static final long PREFERENCE_STEP_MILLIS = 50;

    private final CuratorFramework zk;
    private final String node;
    private volatile Map<InetAddress, List<ServiceConfig>> vips;
    private final boolean failback;
    private final ContactLease lease;
    private final ScheduledExecutorService exec;
    private final CuratorCache cache;
    private final Set<InetAddress> owned = ConcurrentHashMap.newKeySet();
    private final List<Consumer<InetAddress>> onAcquired = new CopyOnWriteArrayList<>();
    private final Map<InetAddress, LongAdder> won = new ConcurrentHashMap<>();
    private final Map<InetAddress, LongAdder> lost = new ConcurrentHashMap<>();
    private final Supplier<MemberState> state;
    private final AtomicBoolean publishPending = new AtomicBoolean();
    private volatile MemberState mine;
    private PersistentNode member;
    private volatile boolean closing;

    public ZooKeeperOwnership(CuratorFramework zk, String node, Map<InetAddress, List<ServiceConfig>> vips,
                              boolean failback, ContactLease lease, ScheduledExecutorService exec,
                              Supplier<MemberState> state) {
        this.zk = zk;
        this.node = node;
        this.vips = Map.copyOf(vips);
        this.failback = failback;
        this.lease = lease;
        this.exec = exec;
        this.state = state;
        this.mine = state.get();
        this.cache = CuratorCache.build(zk, "/");
    }

    public void start() {
        zk.getConnectionStateListenable().addListener((client, state) -> connectionChanged(state), exec);
        lease.connected(zk.getZookeeperClient().isConnected());
        takeGrantedSession();
        cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> exec.execute(this::evaluate)).build(), exec);
        cache.start();
        member = new PersistentNode(zk, CreateMode.EPHEMERAL, false, ClusterPaths.member(node), MemberCodec.encode(mine));
        member.start();
        exec.execute(this::beat);
    }

    /** A heartbeat and a fresh look every quarter of the granted session, re-armed each time. */
    private void beat() {
        if (closing) {
            return;
        }
        heartbeat();
        evaluate();
        exec.schedule(this::beat, heartbeatMillis(), TimeUnit.MILLISECONDS);
    }

    private long heartbeatMillis() {
        return Math.max(20, TimeUnit.NANOSECONDS.toMillis(lease.sessionNanos()) / 4);
    }

    /**
     * This node's state changed (an endpoint went up or down, a reload): safe to call from
     * any thread, event loops included, since it only signals. The election thread then
     * pulls the state and publishes it; a burst of signals makes one publication.
     */
    public void stateChanged() {
        if (publishPending.compareAndSet(false, true)) {
            exec.execute(() -> {
                publishPending.set(false);
                MemberState now = state.get();
                mine = now;
                try {
                    member.setData(MemberCodec.encode(now));
                } catch (Exception e) {
                    log.warn("cannot publish node state to ZooKeeper: {}", e.getMessage());
                }
                evaluate();
            });
        }
    }

    /**
     * The lease must follow the session the server granted, not the one asked for: a
     * server that caps sessions would otherwise expire this node while it still answers.
     */
    private void takeGrantedSession() {
        try {
            long granted = zk.getZookeeperClient().getZooKeeper().getSessionTimeout();
            if (granted <= 0) {
                return;
            }
            long before = lease.sessionNanos();
            lease.granted(TimeUnit.MILLISECONDS.toNanos(granted));
            if (TimeUnit.MILLISECONDS.toNanos(granted) != before) {
                log.warn("ZooKeeper granted a {} ms session where {} ms was asked for: the ownership lease follows"
                        + " the granted session (raise the servers' maxSessionTimeout or lower"
                        + " coordination.session-timeout)", granted, TimeUnit.NANOSECONDS.toMillis(before));
            }
        } catch (Exception e) {
            log.debug("no session yet: {}", e.toString());
        }
    }

    /**
     * A reload: the VIPs and the services behind each may have changed. VIPs no longer
     * configured are released (stop answering first, as always); new ones are competed for.
     */
    public void reconfigure(Map<InetAddress, List<ServiceConfig>> next) {
        exec.execute(() -> {
            Set.copyOf(owned).stream().filter(v -> !next.containsKey(v)).forEach(v -> release(v, "no longer configured"));
            vips = Map.copyOf(next);
            evaluate();
        });
    }

    /**
     * Listeners run when this node has just taken a VIP (to send gratuitous ARPs). Returns
     * what removes the listener again (an announcement closed by a reload).
     */
    public Runnable onAcquired(Consumer<InetAddress> listener) {
        onAcquired.add(listener);
        return () -> onAcquired.remove(listener);
    }

    /** Times this node took the VIP. */
    public long won(InetAddress vip) {
        return count(won, vip);
    }

    /** Times this node stopped owning the VIP: handed over, released, or its session lost. */
    public long lost(InetAddress vip) {
        return count(lost, vip);
    }

    private static long count(Map<InetAddress, LongAdder> counts, InetAddress vip) {
        LongAdder c = counts.get(vip);
        return c == null ? 0 : c.sum();
    }

    private void stopOwning(InetAddress vip) {
        if (owned.remove(vip)) {
            lost.computeIfAbsent(vip, v -> new LongAdder()).increment();
        }
    }

    public boolean connected() {
        return zk.getZookeeperClient().isConnected();
    }

    @Override
    public boolean ownedHere(InetAddress vip) {
        return owned.contains(vip) && lease.valid();
    }

    @Override
    public Optional<String> owner(InetAddress vip) {
        return cache.get(ClusterPaths.vip(vip)).map(d -> new String(d.getData(), StandardCharsets.UTF_8));
    }

    /** The live members as the cluster sees them, this node included. */
    public Map<String, MemberState> members() {
        Map<String, MemberState> live = new HashMap<>();
        cache.stream()
                .filter(d -> d.getPath().startsWith(ClusterPaths.MEMBERS + "/"))
                .forEach(d -> MemberCodec.decode(d.getData()).ifPresent(m -> live.put(m.node(), m)));
        return live;
    }

    private void connectionChanged(ConnectionState state) {
        lease.connected(state.isConnected());
        switch (state) {
            case SUSPENDED -> {
                if (!owned.isEmpty()) {
                    log.warn("ZooKeeper connection suspended: no longer answering for {} until it is confirmed", owned);
                }
            }
            case LOST -> {
                if (!owned.isEmpty()) {
                    log.warn("ZooKeeper session lost: released {}", owned);
                }
                Set.copyOf(owned).forEach(this::stopOwning);
            }
            case RECONNECTED, CONNECTED -> {
                takeGrantedSession();
                heartbeat();
                evaluate();
            }
            default -> { }
        }
    }

    private void heartbeat() {
        long sent = lease.now();
        try {
            zk.checkExists().inBackground((client, event) -> {
                if (event.getType() == CuratorEventType.EXISTS
                        && event.getResultCode() == KeeperException.Code.OK.intValue()) {
                    lease.confirmed(sent);
                }
            }).forPath("/");
        } catch (Exception e) {
            log.debug("heartbeat not sent: {}", e.toString());
        }
    }

    private void evaluate() {
        if (closing || !zk.getZookeeperClient().isConnected()) {
            return;
        }
        Map<String, MemberState> live = members();
        if (!live.containsKey(node)) {
            return; // not registered yet: nobody would see this node as eligible either
        }
        live.put(node, mine);
        for (Map.Entry<InetAddress, List<ServiceConfig>> e : vips.entrySet()) {
            InetAddress vip = e.getKey();
            List<String> eligible = VipPreference.rank(vip, live.values().stream()
                    .filter(m -> Eligibility.mayOwn(e.getValue(), m))
                    .map(MemberState::node)
                    .toList());
            Optional<ChildData> ownerNode = cache.get(ClusterPaths.vip(vip));
            Optional<String> owner = ownerNode.map(d -> new String(d.getData(), StandardCharsets.UTF_8));
            VipDecision.Verdict v = VipDecision.decide(node, owner, eligible, failback, PREFERENCE_STEP_MILLIS);
            switch (v.action()) {
                case HOLD -> hold(vip, ownerNode.get().getStat());
                case RELEASE -> release(vip, eligible.isEmpty() ? "no longer eligible" : "handing over to " + eligible.get(0));
                case ACQUIRE -> exec.schedule(() -> acquire(vip), v.delayMillis(), TimeUnit.MILLISECONDS);
                case STAND_BY -> {
                    if (owned.contains(vip)) {
                        stopOwning(vip);
                        log.info("VIP {} now owned by {}: released", IpAddresses.format(vip), owner.orElse("nobody"));
                    }
                }
            }
        }
    }

    private void hold(InetAddress vip, Stat stat) {
        if (stat.getEphemeralOwner() == sessionId()) {
            owned.add(vip);
        } else {
            // Our name on a znode of an earlier session (a restart within one session timeout):
            // it is not ours to hold; let it expire, then compete again.
            stopOwning(vip);
        }
    }

    private void acquire(InetAddress vip) {
        if (closing || owned.contains(vip) || cache.get(ClusterPaths.vip(vip)).isPresent()) {
            return;
        }
        try {
            zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath(ClusterPaths.vip(vip), node.getBytes(StandardCharsets.UTF_8));
            owned.add(vip);
            won.computeIfAbsent(vip, v -> new LongAdder()).increment();
            log.info("VIP {} acquired by {}", IpAddresses.format(vip), node);
        } catch (KeeperException.NodeExistsException lost) {
            log.debug("VIP {} taken by another node first", IpAddresses.format(vip));
            return;
        } catch (Exception e) {
            log.warn("cannot take VIP {}: {}", IpAddresses.format(vip), e.getMessage());
            return;
        }
        for (Consumer<InetAddress> l : onAcquired) {
            try {
                l.accept(vip);
            } catch (RuntimeException e) {
                log.warn("after taking VIP {}: {}", IpAddresses.format(vip), e.toString());
            }
        }
    }

    /** Stop answering first, then delete the znode, so that a successor never overlaps. */
    private void release(InetAddress vip, String why) {
        stopOwning(vip);
        try {
            Stat stat = zk.checkExists().forPath(ClusterPaths.vip(vip));
            if (stat != null && stat.getEphemeralOwner() == sessionId()) {
                zk.delete().withVersion(stat.getVersion()).forPath(ClusterPaths.vip(vip));
                log.info("VIP {} released by {} ({})", IpAddresses.format(vip), node, why);
            }
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException gone) {
            log.debug("VIP {} already gone", IpAddresses.format(vip));
        } catch (Exception e) {
            log.warn("cannot release VIP {}: {}", IpAddresses.format(vip), e.getMessage());
        }
    }

    private long sessionId() {
        try {
            return zk.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Graceful hand-over: every owned VIP is released before the session closes. */
    @Override
    public void close() {
        try {
            exec.submit(() -> {
                closing = true;
                Set.copyOf(owned).forEach(vip -> release(vip, "shutting down"));
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("releasing VIPs on shutdown: {}", e.toString());
        }
        try {
            member.close();
        } catch (Exception e) {
            log.debug("member znode close: {}", e.toString());
        }
        cache.close();
    }
}
