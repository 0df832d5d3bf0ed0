package io.floatlb.failover.announce;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.Set;

/**
 * Membership of the solicited-node groups of IPv6 VIPs on one interface. A VIP that lives
 * on a dummy interface or {@code lo} is on no group of the advertised interface, so without
 * it the NIC's multicast filter (and MLD-snooping switches) would keep the neighbor
 * solicitations for the VIP from ever reaching the capture. The kernel sends the MLD reports.
 */
final class SolicitedNodeGroups implements AutoCloseable {
    private final DatagramChannel channel;

    private SolicitedNodeGroups(DatagramChannel channel) {
        this.channel = channel;
    }

    static SolicitedNodeGroups join(String itf, Set<Inet6Address> vips) {
        try {
            NetworkInterface nif = NetworkInterface.getByName(itf);
            if (nif == null) {
                throw new IllegalStateException("joining solicited-node groups on \"" + itf + "\": no such interface");
            }
            DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET6);
            try {
                for (Inet6Address vip : vips) {
                    channel.join(NdpFrames.solicitedNodeGroup(vip), nif);
                }
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            return new SolicitedNodeGroups(channel);
        } catch (IOException e) {
            throw new IllegalStateException("joining solicited-node groups on \"" + itf + "\": " + e.getMessage()
                    + " (is IPv6 disabled on it?)", e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // leaving the groups is best effort: the kernel drops them with the socket anyway
        }
    }
}
