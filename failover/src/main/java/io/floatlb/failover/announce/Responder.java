package io.floatlb.failover.announce;

import java.net.InetAddress;
import java.util.Set;

/** What the announcement needs of one interface's ARP/NDP responder: announce, count, close. */
public interface Responder extends AutoCloseable {

    String interfaceName();

    Set<InetAddress> vips();

    /** One announcement of the VIP, sent only if this node still owns it. */
    void announce(InetAddress vip);

    /** Questions about {@code vip} this responder answered. */
    long answered(InetAddress vip);

    /** Announcements of {@code vip} this responder sent. */
    long announced(InetAddress vip);

    long dropped(DropReason reason);

    @Override
    void close();
}
