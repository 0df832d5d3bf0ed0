package io.floatlb.failover.handover;

import io.floatlb.core.handover.HandoverOffer.Interfaced;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;

/** This host's own addresses on an interface, with their prefixes; link-local ones left out. */
final class LocalAddresses {

    private LocalAddresses() {}

    static List<Interfaced> on(String itf) {
        try {
            NetworkInterface n = NetworkInterface.getByName(itf);
            if (n == null) {
                return List.of();
            }
            return n.getInterfaceAddresses().stream()
                    .filter(a -> !a.getAddress().isLinkLocalAddress() && !a.getAddress().isLoopbackAddress())
                    .map((InterfaceAddress a) -> new Interfaced(a.getAddress(), a.getNetworkPrefixLength()))
                    .toList();
        } catch (SocketException e) {
            return List.of();
        }
    }
}
