package io.floatlb.failover.election;

import io.floatlb.core.net.IpAddresses;
import java.net.InetAddress;

/** Where things live under the cluster's root znode. */
final class ClusterPaths {
    static final String MEMBERS = "/members";
    static final String VIPS = "/vips";

    private ClusterPaths() {}

    static String member(String node) {
        return MEMBERS + "/" + node;
    }

    static String vip(InetAddress vip) {
        return VIPS + "/" + IpAddresses.format(vip);
    }
}
