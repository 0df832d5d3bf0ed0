package io.floatlb.failover.announce;

import io.floatlb.core.net.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import org.pcap4j.util.LinkLayerAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers ARP who-has and IPv6 neighbor solicitations for this interface's VIPs, but only
 * while this node owns the VIP at that instant, and sends the announcements it is asked
 * to: a {@link NeighborAnswerer} (the decision) on a {@link PcapLink} (the mechanism).
 */
public final class NeighborResponder implements Responder {
    private static final Logger log = LoggerFactory.getLogger(NeighborResponder.class);

    private final String itf;
    private final NeighborAnswerer answerer;
    private final Optional<SolicitedNodeGroups> groups;
    private PcapLink link;

    private NeighborResponder(String itf, NeighborAnswerer answerer, Optional<SolicitedNodeGroups> groups) {
        this.itf = itf;
        this.answerer = answerer;
        this.groups = groups;
    }

    /** Opens the interface; fails with one line naming the interface and what is missing. */
    public static NeighborResponder open(String itf, Set<InetAddress> vips, Predicate<InetAddress> owned) {
        Libpcap.locate();
        try {
            PcapNetworkInterface nif = Pcaps.getDevByName(itf);
            if (nif == null) {
                throw new IllegalStateException("creating the ARP/NDP responder for \"" + itf + "\": no such interface");
            }
            byte[] mac = nif.getLinkLayerAddresses().stream().map(LinkLayerAddress::getAddress)
                    .filter(a -> a.length == 6).findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "creating the ARP/NDP responder for \"" + itf + "\": the interface has no Ethernet address"));
            Set<Inet6Address> v6 = vips.stream().filter(Inet6Address.class::isInstance).map(Inet6Address.class::cast)
                    .collect(Collectors.toSet());
            Optional<SolicitedNodeGroups> groups = v6.isEmpty() ? Optional.empty()
                    : Optional.of(SolicitedNodeGroups.join(itf, v6));
            NeighborResponder r = new NeighborResponder(itf, new NeighborAnswerer(mac, vips, owned), groups);
            try {
                r.link = PcapLink.open(itf);
            } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                groups.ifPresent(SolicitedNodeGroups::close);
                throw e;
            }
            r.link.start(r::received);
            log.info("ARP/NDP responder on {} ({}) for {}", itf, macText(mac),
                    vips.stream().map(IpAddresses::format).toList());
            return r;
        } catch (PcapNativeException | NotOpenException e) {
            throw new IllegalStateException("creating the ARP/NDP responder for \"" + itf + "\": " + e.getMessage()
                    + " (needs libpcap and CAP_NET_RAW)", e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IllegalStateException("creating the ARP/NDP responder for \"" + itf
                    + "\": libpcap is not installed (apt-get install libpcap0.8)", e);
        }
    }

    private void received(byte[] frame) {
        answerer.answer(frame).ifPresent(this::transmit);
    }

    @Override
    public void announce(InetAddress vip) {
        answerer.announcement(vip).ifPresent(this::transmit);
    }

    private void transmit(NeighborAnswerer.Reply reply) {
        if (link.send(reply.frame())) {
            answerer.sent(reply);
        }
    }

    @Override
    public Set<InetAddress> vips() {
        return answerer.vips();
    }

    @Override
    public String interfaceName() {
        return itf;
    }

    @Override
    public long answered(InetAddress vip) {
        return answerer.answered(vip);
    }

    @Override
    public long announced(InetAddress vip) {
        return answerer.announced(vip);
    }

    @Override
    public long dropped(DropReason reason) {
        return answerer.dropped(reason);
    }

    @Override
    public void close() {
        link.close();
        groups.ifPresent(SolicitedNodeGroups::close);
    }

    private static String macText(byte[] mac) {
        StringBuilder s = new StringBuilder();
        for (byte b : mac) {
            s.append(s.length() == 0 ? "" : ":").append(String.format("%02x", b));
        }
        return s.toString();
    }
}
