package io.floatlb.failover.zk;

import io.floatlb.core.net.IpAddresses;
import java.net.InetAddress;

/** Where things live under the cluster's root znode. */
public final class ClusterPaths {
    public static final String MEMBERS = "/members";
    public static final String VIPS = "/vips";
    /** Ephemeral offers of flows by the node that gave a VIP up in a planned move. */
    public static final String HANDOVERS = "/handovers";
    /** Persistent marks of nodes put in maintenance ({@code floatlb drain}). */
    public static final String DRAINED = "/drained";

    private ClusterPaths() {}

    public static String member(String node) {
        return MEMBERS + "/" + node;
    }

    public static String vip(InetAddress vip) {
        return VIPS + "/" + IpAddresses.format(vip);
    }

    public static String handover(InetAddress vip) {
        return HANDOVERS + "/" + IpAddresses.format(vip);
    }

    public static String drained(String node) {
        return DRAINED + "/" + node;
    }
}
