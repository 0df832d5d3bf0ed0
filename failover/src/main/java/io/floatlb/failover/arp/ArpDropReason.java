package io.floatlb.failover.arp;

/** Why the responder ignored a frame. Every ignored frame has one, and each is counted. */
public enum ArpDropReason {
    /** Too short or inconsistent to be an Ethernet ARP frame. */
    MALFORMED,
    /** ARP for something other than IPv4 over Ethernet. */
    NOT_ETHERNET_IPV4,
    /** An ARP reply (or another operation): only requests get answers. */
    NOT_A_REQUEST,
    /** Sent to a unicast MAC that is not this interface's: not for us to answer. */
    ETHERNET_DESTINATION,
    /** Our own frame, seen on the way out (gratuitous ARP, or another responder of ours). */
    FROM_OURSELVES,
    /** A request for an address that is none of this interface's VIPs. */
    NOT_OUR_VIP,
    /** A request for one of our VIPs that another node owns right now. */
    NOT_OWNER
}
