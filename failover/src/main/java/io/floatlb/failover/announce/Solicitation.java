package io.floatlb.failover.announce;

import java.net.InetAddress;

/** A who-has question seen on the wire (ARP request or neighbor solicitation), and its answer. */
public interface Solicitation {

    InetAddress target();

    /** The frame that tells the asker {@link #target()} is at {@code ourMac}. */
    byte[] answer(byte[] ourMac);
}
