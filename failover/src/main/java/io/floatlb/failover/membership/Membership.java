package io.floatlb.failover.membership;

import io.floatlb.core.election.MemberState;
import io.floatlb.failover.zk.ClusterPaths;
import io.floatlb.failover.zk.ContactLease;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of the cluster: its ephemeral member znode with its state, the
 * view of every other member (one cache of the cluster's root), and the heartbeat that
 * keeps the {@link ContactLease}. Everything runs on one thread, the election's; ZooKeeper
 * writes go out in the background, so a slow write never delays the heartbeat that keeps
 * the lease. Whoever cares hears of every change through {@link #onChange}.
 */
public final class Membership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    /** How long leaving waits for this node's own member znode to be created. */
    private static final long CREATE_WAIT_MILLIS = 2_000;

    private final CuratorFramework zk;
    private final String node;
    private final ContactLease lease;
    private final ScheduledExecutorService exec;
    private final Supplier<MemberState> state;
    private final CuratorCache cache;
    private final AtomicBoolean publishPending = new AtomicBoolean();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    /**
     * Member znodes as last decoded: the election reads every member on every heartbeat
     * (4 a second), and parsing each one's JSON anew kept the JIT compiling for minutes
     * beside the data path (README "Benchmarks"). Keyed by member path, one per node name.
     */
    private final Map<String, Decoded> decoded = new ConcurrentHashMap<>();
    private final ConnectionWarnings warnings = new ConnectionWarnings(log);
    private volatile MemberState mine;
    private volatile boolean closing;
    /** Stopping: ineligible for every VIP from now on, while still a member serving its connections. */
    private volatile boolean leaving;
    private volatile boolean markedAtStart;
    private volatile boolean cacheReady;
    /**
     * A state this node could not publish yet (its member znode had no path): the next beat
     * tries again. Read and written on the election thread ({@code exec}) only.
     */
    private boolean publishDeferred;
    private PersistentNode member;

    /**
     * @param exec the election's single thread: every callback of this class runs on it
     * @param state pulled whenever {@link #stateChanged} is signalled
     */
    public Membership(CuratorFramework zk, String node, ContactLease lease, ScheduledExecutorService exec,
                      Supplier<MemberState> state) {
        this.zk = zk;
        this.node = node;
        this.lease = lease;
        this.exec = exec;
        this.state = state;
        this.mine = state.get();
        this.cache = CuratorCache.build(zk, "/");
    }

    public void start() {
        zk.getConnectionStateListenable().addListener((client, s) -> connectionChanged(s), exec);
        lease.connected(zk.getZookeeperClient().isConnected());
        takeGrantedSession();
        markedAtStart = markedDrained();
        mine = mine.draining(markedAtStart);
        cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> changed())
                .forInitialized(() -> {
                    cacheReady = true;
                    changed();
                }).build(), exec);
        cache.start();
        member = new MemberNode(zk, ClusterPaths.member(node), MemberCodec.encode(mine));
        // Created in the background (again after a session expiry), with the data of its start:
        // what changed before that is published once it exists, at once when Curator created it,
        // on the next beat when it found an earlier session's znode (it says nothing then).
        member.getListenable().addListener(path -> stateChanged());
        member.start();
        exec.execute(this::beat);
    }

    /** Runs on the election's thread after any change of the cluster, the connection or this node's state. */
    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    /**
     * Listeners hear nothing before the cache's first load is complete: a view with the VIPs
     * but not yet every member would let the election, or a hand-over's live-member check,
     * judge on half a cluster.
     */
    private void changed() {
        if (draining() != mine.draining()) {
            stateChanged();
        }
        if (!cacheReady) {
            return;
        }
        changeListeners.forEach(Runnable::run);
    }

    /** Whether this node is draining: stopping, or put in maintenance ({@code floatlb drain}, kept in ZooKeeper). */
    public boolean draining() {
        return leaving || drained();
    }

    /** Whether this node is marked for maintenance in ZooKeeper. */
    public boolean drained() {
        return cacheReady ? cache.get(ClusterPaths.drained(node)).isPresent() : markedAtStart;
    }

    /**
     * Read once at start, before this node registers: a node restarted while drained must
     * not take a VIP in the moment before its cache has loaded the mark.
     */
    private boolean markedDrained() {
        try {
            return zk.checkExists().forPath(ClusterPaths.drained(node)) != null;
        } catch (Exception e) {
            log.debug("maintenance mark not read at start: {}", e.toString());
            return false;
        }
    }

    /**
     * The stop begins: this node tells the cluster it is draining (so no one hands it a VIP,
     * failback included) before the election releases anything; both go out on the same
     * session, in this order.
     */
    public void leave() {
        leaving = true;
        stateChanged();
    }

    /** A heartbeat and a fresh look every quarter of the granted session, re-armed each time. */
    private void beat() {
        if (closing) {
            return;
        }
        heartbeat();
        if (publishDeferred) {
            stateChanged();
        }
        changed();
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
        if (closing || !publishPending.compareAndSet(false, true)) {
            return;
        }
        try {
            exec.execute(() -> {
                publishPending.set(false);
                mine = state.get().draining(draining());
                try {
                    // Curator refuses data until its create was answered (the znode has a path then).
                    publishDeferred = member.getActualPath() == null;
                    if (!publishDeferred) {
                        member.setData(MemberCodec.encode(mine));
                    }
                } catch (Exception e) {
                    warnings.failed("publishing this node's state", e);
                }
                changed();
            });
        } catch (RejectedExecutionException stopping) {
            // The session closed under a last health change; the member znode goes with it.
        }
    }

    /** This node's own state as it stands now (ahead of what the cache may have seen of it). */
    public MemberState mine() {
        return mine;
    }

    /**
     * The live members as the cluster sees them, this node included when registered. A
     * znode that does not decode, or names another node than its path, is a foreign or
     * older agent's: ignored and counted, never trusted.
     */
    public Map<String, MemberState> members() {
        Map<String, MemberState> live = new HashMap<>();
        memberZnodes().forEach(d -> read(d).ifPresent(m -> live.put(m.node(), m)));
        return live;
    }

    /** Member znodes there now that cannot be read (written by a foreign or older agent). */
    public long unreadableMembers() {
        return memberZnodes().filter(d -> read(d).isEmpty()).count();
    }

    private Stream<ChildData> memberZnodes() {
        return children(ClusterPaths.MEMBERS);
    }

    private Optional<MemberState> read(ChildData d) {
        Decoded known = decoded.get(d.getPath());
        if (known != null && known.data() == d.getData()) {
            return known.state();
        }
        String name = d.getPath().substring(ClusterPaths.MEMBERS.length() + 1);
        Optional<MemberState> state = MemberCodec.decode(d.getData()).filter(s -> s.node().equals(name));
        decoded.put(d.getPath(), new Decoded(d.getData(), state));
        return state;
    }

    /** A member znode's data (the cache's own array, new on every change) and what it decoded to. */
    private record Decoded(byte[] data, Optional<MemberState> state) { }

    /** The children of {@code parent} as the cache holds them. */
    public Stream<ChildData> children(String parent) {
        return cache.stream().filter(d -> d.getPath().startsWith(parent + "/")
                && d.getPath().indexOf('/', parent.length() + 1) < 0);
    }

    /** The znode at {@code path} as the cache holds it. */
    public Optional<ChildData> znode(String path) {
        return cache.get(path);
    }

    public boolean connected() {
        return zk.getZookeeperClient().isConnected();
    }

    public long sessionId() {
        try {
            return zk.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return -1;
        }
    }

    private void connectionChanged(ConnectionState s) {
        lease.connected(s.isConnected());
        warnings.state(s);
        if (s == ConnectionState.RECONNECTED || s == ConnectionState.CONNECTED) {
            takeGrantedSession();
            heartbeat();
        }
        changed();
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

    /**
     * Leaves the cluster; the member znode goes with the session, which the caller closes
     * next. With a connection it first waits (bounded) for the znode's create, whose late
     * answer would otherwise meet a closed client.
     */
    @Override
    public void close() {
        closing = true;
        if (member != null) {
            try {
                if (connected()) {
                    member.waitForInitialCreate(CREATE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                }
                member.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.debug("member znode close: {}", e.toString());
            }
        }
        cache.close();
    }

    /**
     * The ephemeral member znode. Closing it only stops it: Curator's own close deletes the
     * znode synchronously, which without ZooKeeper blocks for the client's retries, and a
     * node left open instead re-queues its create on the closing client for ever.
     */
    private static final class MemberNode extends PersistentNode {
        MemberNode(CuratorFramework zk, String path, byte[] data) {
            super(zk, CreateMode.EPHEMERAL, false, path, data);
        }

        @Override
        protected void deleteNode() {
            // The session's end removes the znode.
        }
    }
}
