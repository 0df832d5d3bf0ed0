package io.floatlb.failover;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Who answers for a VIP. The data path asks nothing of it: listeners are bound on every
 * node. It decides which node the LAN is told about (ARP) and what status reports, and it
 * tells its subscribers (announcement, metrics, hand-over) each time this node starts and
 * stops owning a VIP.
 */
public interface VipOwnership extends AutoCloseable {

    /** The node that owns the VIP now, as far as this node knows. */
    Optional<String> owner(InetAddress vip);

    /** Whether this node owns the VIP at this instant (and may announce it). */
    boolean ownedHere(InetAddress vip);

    /**
     * Subscribes to this node's ownership changes; calls come on the election's thread, one
     * at a time, {@code onLost} always before the VIP can be owned elsewhere. Returns what
     * unsubscribes.
     */
    Runnable subscribe(Listener listener);

    /** Symmetric callbacks: every {@code onAcquired} of a VIP is followed by one {@code onLost}. */
    interface Listener {
        void onAcquired(InetAddress vip);

        void onLost(InetAddress vip);
    }

    @Override
    void close();
}
