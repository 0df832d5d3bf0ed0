package io.floatlb.failover.election;

import io.floatlb.core.election.MemberState;
import io.floatlb.core.election.VipDecision;
import io.floatlb.core.election.VipPreference;
import io.floatlb.core.election.VipStateMachine;
import io.floatlb.core.election.VipStateMachine.Event;
import io.floatlb.core.election.VipStateMachine.State;
import io.floatlb.core.net.IpAddresses;
import io.floatlb.failover.VipOwnership;
import io.floatlb.failover.handover.Handover;
import io.floatlb.failover.membership.Membership;
import io.floatlb.failover.zk.ClusterPaths;
import io.floatlb.failover.zk.ContactLease;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VIP ownership decided through ZooKeeper. Each owned VIP is an ephemeral znode holding its
 * owner's name, so at most one node holds it and it vanishes with its owner's session.
 * Every change anyone makes is answered on one thread: {@link VipDecision} says what this
 * node should do about each VIP, {@link VipStateMachine} what that means from where it
 * stands, and the effects (a background create or delete, a notification) follow.
 *
 * <p>Safety does not rest on the znode alone: {@link #ownedHere} also needs a valid
 * {@link ContactLease}, which ends the moment the connection is SUSPENDED and, after a
 * pause, before the session can have expired.
 */
public final class VipElection implements VipOwnership {
    private static final Logger log = LoggerFactory.getLogger(VipElection.class);
    /** How much later each less preferred node tries to take a free VIP. */
    static final long PREFERENCE_STEP_MILLIS = 50;
    /** How long a graceful stop waits for its releases to reach ZooKeeper. */
    static final long RELEASE_WAIT_MILLIS = 3_000;

    private final CuratorFramework zk;
    private final String node;
    private final Membership membership;
    private final ContactLease lease;
    private final ScheduledExecutorService exec;
    private final boolean failback;
    private final Handover handover;
    /** Each acquisition's number, so a hand-over read answered late completes no stale acquisition. */
    private final Map<InetAddress, Integer> attempts = new HashMap<>();
    /** Written on the election thread only; read from anywhere. */
    private final Map<InetAddress, State> states = new ConcurrentHashMap<>();
    private final Set<InetAddress> attemptScheduled = new HashSet<>();
    private final Map<InetAddress, CompletableFuture<Void>> releasing = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Set<InetAddress> vips;
    private volatile BiPredicate<InetAddress, MemberState> mayOwn;
    private volatile boolean closing;

    /**
     * @param exec the single thread every decision and callback runs on (the membership's too)
     * @param mayOwn whether a member may own a VIP (its eligibility under the VIP's traffic policies)
     * @param handover what a planned release offers and an acquisition adopts first
     */
    public VipElection(CuratorFramework zk, String node, Membership membership, ContactLease lease,
                       ScheduledExecutorService exec, boolean failback, Set<InetAddress> vips,
                       BiPredicate<InetAddress, MemberState> mayOwn, Handover handover) {
        this.zk = zk;
        this.node = node;
        this.membership = membership;
        this.lease = lease;
        this.exec = exec;
        this.failback = failback;
        this.handover = handover;
        this.vips = Set.copyOf(vips);
        this.mayOwn = mayOwn;
    }

    public void start() {
        zk.getConnectionStateListenable().addListener((client, s) -> {
            if (s == ConnectionState.LOST) {
                Set.copyOf(states.keySet()).forEach(v -> fire(v, Event.LOST, "ZooKeeper session lost"));
            }
        }, exec);
        membership.onChange(this::evaluate);
        exec.execute(this::evaluate);
    }

    /**
     * A reload: the VIPs and who may own them may have changed. VIPs no longer configured
     * are released (silent first, as always); new ones are competed for.
     */
    public void reconfigure(Set<InetAddress> next, BiPredicate<InetAddress, MemberState> nextMayOwn) {
        exec.execute(() -> {
            mayOwn = nextMayOwn;
            vips = Set.copyOf(next);
            Set.copyOf(states.keySet()).stream().filter(v -> !next.contains(v))
                    .forEach(v -> fire(v, Event.RELEASE, "no longer configured"));
            evaluate();
        });
    }

    @Override
    public Runnable subscribe(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** This node's state of the VIP in the election, for status and tests. */
    public State state(InetAddress vip) {
        return states.getOrDefault(vip, State.STANDBY);
    }

    @Override
    public boolean ownedHere(InetAddress vip) {
        return state(vip) == State.OWNED && lease.valid();
    }

    @Override
    public Optional<String> owner(InetAddress vip) {
        return membership.znode(ClusterPaths.vip(vip)).map(d -> new String(d.getData(), StandardCharsets.UTF_8));
    }

    public boolean connected() {
        return membership.connected();
    }

    /** Runs on the election thread after every change anyone made. */
    private void evaluate() {
        if (closing || !membership.connected()) {
            return;
        }
        Map<String, MemberState> live = membership.members();
        if (!live.containsKey(node)) {
            return; // not registered yet: nobody would see this node as eligible either
        }
        live.put(node, membership.mine());
        long session = membership.sessionId();
        for (InetAddress vip : vips) {
            Optional<ChildData> znode = membership.znode(ClusterPaths.vip(vip));
            State now = state(vip);
            boolean someoneElses = znode.isPresent() && znode.get().getStat().getEphemeralOwner() != session;
            if (now == State.OWNED && someoneElses) {
                fire(vip, Event.LOST, "its znode belongs to another session");
                now = state(vip);
            }
            List<String> eligible = VipPreference.rank(vip, live.values().stream()
                    .filter(m -> mayOwn.test(vip, m)).map(MemberState::node).toList());
            VipDecision.Verdict v = VipDecision.decide(node, ownerName(znode, someoneElses, now), eligible, failback,
                    PREFERENCE_STEP_MILLIS);
            switch (v.action()) {
                case RELEASE -> fire(vip, Event.RELEASE, membership.draining() ? "draining"
                        : eligible.contains(node) ? "handing over to " + eligible.get(0) : "no longer eligible");
                case ACQUIRE -> scheduleAttempt(vip, v.delayMillis());
                case HOLD, STAND_BY -> { }
            }
        }
    }

    /**
     * Who owns the VIP as far as the decision goes. Our name on a znode of an earlier session
     * (a restart within one session timeout) is not ours: it counts as another owner until
     * it expires. A znode this node just created may not be in the cache yet: OWNED is ours.
     */
    private Optional<String> ownerName(Optional<ChildData> znode, boolean someoneElses, State now) {
        if (now == State.OWNED) {
            return Optional.of(node);
        }
        return znode.map(d -> {
            String name = new String(d.getData(), StandardCharsets.UTF_8);
            return someoneElses && name.equals(node) ? name + " (an earlier session)" : name;
        });
    }

    private void scheduleAttempt(InetAddress vip, long delayMillis) {
        if (state(vip) != State.STANDBY || !attemptScheduled.add(vip)) {
            return;
        }
        exec.schedule(() -> {
            attemptScheduled.remove(vip);
            if (!closing && vips.contains(vip) && state(vip) == State.STANDBY
                    && membership.znode(ClusterPaths.vip(vip)).isEmpty()) {
                fire(vip, Event.ACQUIRE, "free and eligible");
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Moves the VIP's state machine and carries out what the transition says, in order. */
    private void fire(InetAddress vip, Event event, String why) {
        State from = state(vip);
        VipStateMachine.Transition t = VipStateMachine.next(from, event);
        if (t.next() == State.STANDBY && !vips.contains(vip)) {
            states.remove(vip);
        } else {
            states.put(vip, t.next());
        }
        for (VipStateMachine.Effect e : t.effects()) {
            switch (e) {
                case CREATE -> create(vip);
                case OFFER_FLOWS -> handover.offer(vip);
                case DELETE -> delete(vip);
                case NOTIFY_ACQUIRED -> {
                    log.info("VIP {} acquired by {}", IpAddresses.format(vip), node);
                    notify(vip, true);
                }
                case NOTIFY_LOST -> {
                    log.info("VIP {} {} by {} ({})", IpAddresses.format(vip),
                            event == Event.RELEASE ? "released" : "lost", node, why);
                    notify(vip, false);
                }
            }
        }
        if (t.next() == State.STANDBY || t.next() == State.RELEASING) {
            handover.dropped(vip);
        }
        if (t.next() == State.STANDBY) {
            CompletableFuture<Void> done = releasing.remove(vip);
            if (done != null) {
                done.complete(null);
            }
        }
    }

    private void notify(InetAddress vip, boolean acquired) {
        for (Listener l : listeners) {
            try {
                if (acquired) {
                    l.onAcquired(vip);
                } else {
                    l.onLost(vip);
                }
            } catch (RuntimeException e) {
                log.warn("a subscriber failed on VIP {} {}: {}", IpAddresses.format(vip), acquired ? "acquired" : "lost",
                        e.toString());
            }
        }
    }

    /** In the background, so that a slow create never holds up the heartbeat that keeps the lease. */
    private void create(InetAddress vip) {
        try {
            zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .inBackground((client, event) -> exec.execute(() -> created(vip, event)))
                    .forPath(ClusterPaths.vip(vip), node.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            fire(vip, Event.CREATE_FAILED, e.toString());
        }
    }

    /**
     * Our create landed. The old owner's flows are forwarded before this node becomes OWNED,
     * so before it can answer a single ARP for the VIP; the znode is ours already, so no
     * other node takes the VIP meanwhile. A stale answer (released or lost since) only
     * undoes its forwarding.
     */
    private void created(InetAddress vip, CuratorEvent event) {
        KeeperException.Code rc = KeeperException.Code.get(event.getResultCode());
        if (rc == KeeperException.Code.OK) {
            int attempt = attempts.merge(vip, 1, Integer::sum);
            handover.adopt(vip, () -> {
                if (attempts.get(vip) == attempt && state(vip) == State.ACQUIRING) {
                    handover.owned(vip);
                    fire(vip, Event.CREATED, "created");
                } else {
                    handover.dropped(vip);
                }
            });
        } else {
            if (rc != KeeperException.Code.NODEEXISTS) {
                log.debug("cannot take VIP {}: {}", IpAddresses.format(vip), rc);
            }
            fire(vip, Event.CREATE_FAILED, rc.toString());
        }
    }

    /** Deletes the VIP's znode only if it is this session's, in the background. */
    private void delete(InetAddress vip) {
        String path = ClusterPaths.vip(vip);
        long session = membership.sessionId();
        try {
            zk.checkExists().inBackground((client, event) -> {
                Stat stat = event.getStat();
                if (stat == null || stat.getEphemeralOwner() != session) {
                    exec.execute(() -> fire(vip, Event.DELETED, "not ours"));
                    return;
                }
                client.delete().withVersion(stat.getVersion())
                        .inBackground((c, deleted) -> exec.execute(() -> fire(vip, Event.DELETED, "deleted")))
                        .forPath(path);
            }).forPath(path);
        } catch (Exception e) {
            // The session ends the znode anyway; what matters, silence, came first.
            log.debug("cannot release VIP {}: {}", IpAddresses.format(vip), e.toString());
            fire(vip, Event.DELETED, "delete failed");
        }
    }

    /**
     * Graceful hand-over: every VIP is released (this node silent at once) and, while
     * ZooKeeper is reachable, the deletes are waited for, so a successor takes over without
     * waiting for the session to expire. Without a connection nothing is waited for.
     */
    @Override
    public void close() {
        CompletableFuture<Void> all;
        try {
            all = CompletableFuture.supplyAsync(() -> {
                closing = true;
                List<CompletableFuture<Void>> pending = new ArrayList<>();
                for (InetAddress vip : Set.copyOf(states.keySet())) {
                    CompletableFuture<Void> done = releasing.computeIfAbsent(vip, v -> new CompletableFuture<>());
                    fire(vip, Event.RELEASE, "shutting down");
                    pending.add(done);
                }
                return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
            }, exec).thenCompose(f -> f);
        } catch (RuntimeException e) {
            log.debug("election already stopped: {}", e.toString());
            return;
        }
        if (!membership.connected()) {
            log.warn("stopping without ZooKeeper: this node is silent now; its VIPs move when its session expires");
            return;
        }
        try {
            all.get(RELEASE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("VIP releases not confirmed by ZooKeeper within {} ms; they end with the session", RELEASE_WAIT_MILLIS);
        }
    }
}
