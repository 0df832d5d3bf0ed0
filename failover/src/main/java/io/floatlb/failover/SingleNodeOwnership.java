package io.floatlb.failover;

import java.net.InetAddress;
import java.util.Optional;

/**
 * A node alone, with no coordination: it owns every VIP it serves. Right for the demo and
 * for a single host; never for two nodes sharing a VIP, which need the ZooKeeper election.
 */
public final class SingleNodeOwnership implements VipOwnership {
    private final String node;

    public SingleNodeOwnership(String node) {
        this.node = node;
    }

    @Override
    public Optional<String> owner(InetAddress vip) {
        return Optional.of(node);
    }

    @Override
    public boolean ownedHere(InetAddress vip) {
        return true;
    }

    @Override
    public void close() {
        // nothing to release: no session, no announcements
    }
}
