package io.floatlb.failover;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Who answers for a VIP. The data path asks nothing of it: listeners are bound on every
 * node. It decides which node the LAN is told about (ARP) and what status reports.
 */
public interface VipOwnership extends AutoCloseable {

    /** The node that owns the VIP now, as far as this node knows. */
    Optional<String> owner(InetAddress vip);

    /** Whether this node owns the VIP at this instant (and may announce it). */
    boolean ownedHere(InetAddress vip);

    @Override
    void close();
}
