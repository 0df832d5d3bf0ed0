package io.floatlb.core.status;

import java.util.List;

/**
 * One node as the cluster sees it: whether it is live (has a member znode), the digest of
 * its config, whether that digest differs from the cluster's (drift), and the VIPs it owns.
 */
public record NodeStatus(String node, boolean live, String configDigest, boolean drift, List<String> vips) {

    public NodeStatus {
        vips = List.copyOf(vips);
    }
}
