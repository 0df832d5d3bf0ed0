package io.floatlb.core.status;

import java.util.List;

/**
 * One node as the cluster sees it: whether it is live (has a member znode), the digest of
 * its config, whether that digest differs from the cluster's (drift), the VIPs it owns, and
 * whether it is draining (stopping or in maintenance, its VIPs and connections still
 * moving away) or drained (nothing left).
 */
public record NodeStatus(String node, boolean live, String configDigest, boolean drift, List<String> vips, Drain drain) {

    public enum Drain { NONE, DRAINING, DRAINED }

    public NodeStatus {
        vips = List.copyOf(vips);
    }

    public NodeStatus(String node, boolean live, String configDigest, boolean drift, List<String> vips) {
        this(node, live, configDigest, drift, vips, Drain.NONE);
    }
}
