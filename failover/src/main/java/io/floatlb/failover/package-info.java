/**
 * This node in the cluster: the ZooKeeper session and the ownership of VIPs that the
 * announcement, metrics and hand-over subscribe to.
 */
package io.floatlb.failover;
