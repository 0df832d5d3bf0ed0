package io.floatlb.failover.election;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.Coordination;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.election.Eligibility;
import io.floatlb.core.election.MemberState;
import io.floatlb.failover.handover.Handover;
import io.floatlb.failover.membership.Membership;
import io.floatlb.failover.zk.ContactLease;
import io.floatlb.failover.zk.CoordinationClient;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;

/** One agent's coordination side, against a real ZooKeeper: a session, a lease, an election. */
final class ElectionNode implements AutoCloseable {
    static final Duration SESSION = Duration.ofMillis(800);
    static final InetAddress VIP = address("198.18.0.100");

    final String name;
    final ServiceConfig service;
    final CuratorFramework zk;
    final Membership membership;
    final VipElection ownership;
    final VipCounts counts = new VipCounts();
    final ContactLease lease;
    private final AtomicInteger healthy;
    private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
    private boolean closed;

    ElectionNode(String connectString, String name, String policy, int healthyLocal, boolean failback) throws Exception {
        this(connectString, name, policy, healthyLocal, failback, SESSION);
    }

    ElectionNode(String connectString, String name, String policy, int healthyLocal, boolean failback, Duration session)
            throws Exception {
        this.name = name;
        this.zk = CoordinationClient.create(new Coordination(connectString, "/floatlb/test", session, failback, Optional.empty(), true), connectString);
        CoordinationClient.awaitConnected(zk, 10_000);
        this.service = ConfigLoader.parseString("floatlb { node.name = " + name + ", services.web { vip = \""
                + VIP.getHostAddress() + "\", ports = [{ port = 80 }], external-traffic-policy = " + policy
                + ", endpoints = [] } }", "t.conf").config().services().get(0);
        this.lease = new ContactLease(session.toNanos(), System::nanoTime);
        this.healthy = new AtomicInteger(healthyLocal);
        this.membership = new Membership(zk, name, lease, exec, () -> state(healthy.get()));
        Map<InetAddress, List<ServiceConfig>> vips = Map.of(VIP, List.of(service));
        this.ownership = new VipElection(zk, name, membership, lease, exec, failback, vips.keySet(),
                (vip, m) -> Eligibility.mayOwn(vips.getOrDefault(vip, List.of()), m), Handover.NONE);
        ownership.subscribe(counts);
        ownership.start();
        membership.start();
    }

    MemberState state(int healthyLocal) {
        return new MemberState(name, "digest", Map.of("web", new MemberState.EndpointCount(healthyLocal, 2)));
    }

    /** This node's healthy local endpoints changed: signal, as a health check would. */
    void healthy(int healthyLocal) {
        healthy.set(healthyLocal);
        membership.stateChanged();
    }

    boolean owns() {
        return ownership.ownedHere(VIP);
    }

    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        ownership.close();
        membership.close();
        zk.close();
        exec.shutdownNow();
        exec.awaitTermination(5, TimeUnit.SECONDS);
    }

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
