/**
 * ZooKeeper plumbing: the client, the embedded and standalone servers, paths, and the
 * contact lease sized from the granted session.
 */
package io.floatlb.failover.zk;
