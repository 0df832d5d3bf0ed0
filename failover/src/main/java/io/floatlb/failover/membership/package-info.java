/**
 * This node's member znode, the view of every other member, and the heartbeat that keeps
 * the ownership lease.
 */
package io.floatlb.failover.membership;
