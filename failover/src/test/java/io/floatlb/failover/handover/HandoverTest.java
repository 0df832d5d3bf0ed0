package io.floatlb.failover.handover;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.election.Eligibility;
import io.floatlb.core.election.MemberState;
import io.floatlb.core.handover.Flow;
import io.floatlb.core.handover.HandoverOffer;
import io.floatlb.core.handover.NftRuleset;
import io.floatlb.core.net.IpAddresses;
import io.floatlb.failover.VipOwnership;
import io.floatlb.failover.election.VipElection;
import io.floatlb.failover.membership.Membership;
import io.floatlb.failover.zk.ContactLease;
import io.floatlb.failover.zk.CoordinationClient;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hand-over protocol between two nodes over a real ZooKeeper, without root: the old
 * owner's flows come from a stand-in data path, the successor's nftables table is recorded
 * (or refuses, as on a host without nft), interface addresses are given.
 */
class HandoverTest {
    private static final InetAddress VIP = ip("198.18.0.100");
    private static final Flow F1 = new Flow(ip("198.18.0.50"), 40001, 80);
    private static final Flow F2 = new Flow(ip("198.18.0.50"), 40002, 80);
    private static final Flow F3 = new Flow(ip("198.18.0.51"), 40003, 80);

    private TestingServer server;
    private final List<Node> nodes = new CopyOnWriteArrayList<>();
    /** What happened, in order, on both nodes: "a acquired", "b nft [flows]", … */
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startZooKeeper() throws Exception {
        server = new TestingServer(true);
    }

    @AfterEach
    void stop() throws Exception {
        for (Node n : nodes) {
            n.close();
        }
        server.close();
    }

    private static InetAddress ip(String s) {
        return IpAddresses.parse(s).orElseThrow();
    }

    @Test
    void theSuccessorForwardsTheOldOwnersFlowsBeforeItOwnsTheVipAndStopsWhenTheyEnd() throws Exception {
        Node a = node("a", 11, "30s", false);
        a.flows.addAll(List.of(F1, F2));
        await(() -> a.election.ownedHere(VIP));
        Node b = node("b", 12, "30s", false);
        a.leave();
        await(() -> b.election.ownedHere(VIP));
        assertThat(events).containsSubsequence("b nft 198.18.0.11 [" + F1 + ", " + F2 + "]", "b acquired");

        a.flows.add(F3);
        await(() -> events.contains("b nft 198.18.0.11 [" + F1 + ", " + F2 + ", " + F3 + "]"));
        a.flows.clear();
        await(() -> events.get(events.size() - 1).equals("b nft none"));
        await(() -> a.handovers.counts().handovers(HandoverCounts.Result.CLEAN) == 1);
        assertThat(a.handovers.counts().flowsOffered()).isEqualTo(2);
        assertThat(b.handovers.forwarding()).isEmpty();
    }

    @Test
    void aSuccessorThatCannotForwardStillTakesTheVipAndCountsItUnsupported() throws Exception {
        Node a = node("a", 11, "30s", false);
        a.flows.add(F1);
        await(() -> a.election.ownedHere(VIP));
        Node b = node("b", 12, "30s", true);
        a.leave();
        await(() -> b.election.ownedHere(VIP));
        assertThat(b.handovers.counts().handovers(HandoverCounts.Result.UNSUPPORTED)).isEqualTo(1);
        assertThat(b.handovers.forwarding()).isEmpty();
    }

    @Test
    void flowsStillOpenAtTheDrainTimeoutAreClosedAndTheHandOverEnds() throws Exception {
        Node a = node("a", 11, "300ms", false);
        a.flows.add(F1);
        await(() -> a.election.ownedHere(VIP));
        Node b = node("b", 12, "30s", false);
        a.leave();
        await(() -> a.handovers.counts().handovers(HandoverCounts.Result.TIMED_OUT) == 1);
        assertThat(a.closed).containsExactly(VIP);
        await(() -> b.handovers.forwarding().isEmpty());
    }

    @Test
    void aReleaseWithoutConnectionsOffersNothing() throws Exception {
        Node a = node("a", 11, "30s", false);
        await(() -> a.election.ownedHere(VIP));
        Node b = node("b", 12, "30s", false);
        a.leave();
        await(() -> b.election.ownedHere(VIP));
        assertThat(events).noneMatch(e -> e.startsWith("b nft"));
        assertThat(a.handovers.inProgress()).isEmpty();
    }

    /**
     * A node that handed a VIP over may race its successor for the free VIP and win the
     * create, then let it go again (the successor is preferred). That attempt must leave its
     * offer for the successor: withdrawn, the successor found none and reset every handed-over
     * connection (HandoverEndToEndTest's failback, once). Only owning the VIP withdraws it.
     */
    @Test
    void anAcquisitionThatDoesNotOwnTheVipLeavesTheOfferAndOnlyOwningItWithdrawsIt() throws Exception {
        Node a = node("a", 11, "30s", false);
        a.flows.add(F1);
        await(() -> a.election.ownedHere(VIP));
        String offer = io.floatlb.failover.zk.ClusterPaths.handover(VIP);
        a.exec.submit(() -> a.handovers.offer(VIP)).get(5, TimeUnit.SECONDS);
        java.util.concurrent.CompletableFuture<Void> adopted = new java.util.concurrent.CompletableFuture<>();
        a.exec.submit(() -> a.handovers.adopt(VIP, () -> adopted.complete(null))).get(5, TimeUnit.SECONDS);
        adopted.get(5, TimeUnit.SECONDS);
        // Requests of one session are answered in order: this check comes after anything adopt sent.
        assertThat(a.zk.checkExists().forPath(offer)).as("the offer after an attempt that did not own the VIP").isNotNull();

        a.exec.submit(() -> a.handovers.owned(VIP)).get(5, TimeUnit.SECONDS);
        assertThat(a.zk.checkExists().forPath(offer)).as("the offer once the node owns the VIP again").isNull();
    }

    private Node node(String name, int lastOctet, String drainTimeout, boolean nftMissing) throws Exception {
        Node n = new Node(name, lastOctet, drainTimeout, nftMissing);
        nodes.add(n);
        return n;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 15 s").isLessThan(until);
            Thread.sleep(20);
        }
    }

    /** One agent's coordination side with its hand-overs. */
    private final class Node implements FlowSource, NftTable, AutoCloseable {
        final String name;
        final Set<Flow> flows = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final List<InetAddress> closed = new CopyOnWriteArrayList<>();
        final CuratorFramework zk;
        final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
        final Membership membership;
        final Handovers handovers;
        final VipElection election;
        private final boolean nftMissing;

        Node(String name, int lastOctet, String drainTimeout, boolean nftMissing) throws Exception {
            this.name = name;
            this.nftMissing = nftMissing;
            FloatlbConfig config = ConfigLoader.parseString("""
                    floatlb {
                      node.name = %s
                      drain-timeout = %s
                      coordination { zookeeper = "%s", session-timeout = 2s }
                      address-pools.lan.addresses = ["198.18.0.100/32"]
                      l2-advertisements.adv { address-pools = [lan], interfaces = [eth7] }
                      services.web { address-pool = lan, ports = [{ port = 80 }],
                                     endpoints = [{ address = "198.18.0.200", node = a }] }
                    }
                    """.formatted(name, drainTimeout, server.getConnectString()), name + ".conf").config();
            zk = CoordinationClient.create(config.coordination(), server.getConnectString());
            CoordinationClient.awaitConnected(zk, 10_000);
            ContactLease lease = new ContactLease(Duration.ofSeconds(2).toNanos(), System::nanoTime);
            membership = new Membership(zk, name, lease, exec, () -> new MemberState(name, "d", Map.of()));
            handovers = new Handovers(config, zk, exec, membership, this, this,
                    itf -> List.of(new HandoverOffer.Interfaced(ip("198.18.0." + lastOctet), 24)));
            election = new VipElection(zk, name, membership, lease, exec, false, Set.of(VIP), Eligibility.of(config),
                    handovers);
            election.subscribe(new VipOwnership.Listener() {
                @Override
                public void onAcquired(InetAddress vip) {
                    events.add(name + " acquired");
                }

                @Override
                public void onLost(InetAddress vip) {
                    events.add(name + " lost");
                }
            });
            election.start();
            membership.start();
        }

        /** The first step of a stop: draining, every VIP released with its flows offered. */
        void leave() {
            membership.leave();
            election.close();
        }

        @Override
        public Set<Flow> flows(InetAddress vip) {
            return Set.copyOf(flows);
        }

        @Override
        public void close(InetAddress vip) {
            closed.add(vip);
            flows.clear();
        }

        @Override
        public void apply(List<NftRuleset.Forward> forwards) {
            if (nftMissing) {
                throw new IllegalStateException("nft cannot be run: No such file or directory (install nftables)");
            }
            events.add(name + " nft " + (forwards.isEmpty() ? "none" : forwards.stream()
                    .map(f -> IpAddresses.format(f.to()) + " " + f.flows().stream().map(Flow::toString).sorted().toList())
                    .reduce((x, y) -> x + "; " + y).orElseThrow()));
        }

        @Override
        public void remove() {
            events.add(name + " table removed");
        }

        @Override
        public void close() throws Exception {
            election.close();
            handovers.finish();
            membership.close();
            zk.close();
            exec.shutdownNow();
            exec.awaitTermination(5, TimeUnit.SECONDS);
            handovers.close();
        }
    }
}
