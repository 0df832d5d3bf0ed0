/**
 * The planned hand-over: the node giving a VIP up offers its established flows in ZooKeeper
 * ({@link io.floatlb.failover.handover.FlowOffers}); the successor, before it creates the
 * VIP's znode and so before it announces anything, forwards those flows back to it with an
 * {@code nftables} netdev rule ({@link io.floatlb.failover.handover.FlowForwarding}). The old
 * owner keeps serving them until they end or the drain timeout passes.
 */
package io.floatlb.failover.handover;
