package io.floatlb.failover.announce;

import java.util.Locale;

/** Why the responder ignored a frame. Every ignored frame has one, and each is counted. */
public enum DropReason {
    /** Too short, truncated, or inconsistent (a bad ICMPv6 checksum, a hop limit below 255). */
    MALFORMED,
    /** ARP for something other than IPv4 over Ethernet. */
    NOT_ETHERNET_IPV4,
    /** An ARP reply, a neighbor advertisement or another message: only questions get answers. */
    NOT_A_REQUEST,
    /** Sent to a unicast MAC that is not this interface's: not for us to answer. */
    ETHERNET_DESTINATION,
    /** Our own frame, seen on the way out (an announcement, or another responder of ours). */
    FROM_OURSELVES,
    /** A question about an address that is none of this interface's VIPs. */
    NOT_OUR_VIP,
    /** A question about one of our VIPs that another node owns right now. */
    NOT_OWNER;

    /** The name used as a metric label. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
