package io.floatlb.failover.zk;

import io.floatlb.core.net.IpAddresses;
import java.net.InetAddress;

/** Where things live under the cluster's root znode. */
public final class ClusterPaths {
    public static final String MEMBERS = "/members";
    public static final String VIPS = "/vips";

    private ClusterPaths() {}

    public static String member(String node) {
        return MEMBERS + "/" + node;
    }

    public static String vip(InetAddress vip) {
        return VIPS + "/" + IpAddresses.format(vip);
    }
}
