/**
 * The VIP election over ZooKeeper: decisions and state machine transitions carried out
 * on one thread, in the background.
 */
package io.floatlb.failover.election;
