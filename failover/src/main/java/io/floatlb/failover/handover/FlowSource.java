package io.floatlb.failover.handover;

import io.floatlb.core.handover.Flow;
import java.net.InetAddress;
import java.util.Set;

/** The data path as the hand-over sees it: the established client connections to a VIP on this node. */
public interface FlowSource {

    Set<Flow> flows(InetAddress vip);

    /** Closes the VIP's remaining connections: their hand-over timed out and their forwarding ends. */
    void close(InetAddress vip);
}
