package io.floatlb.failover.announce;

import io.floatlb.core.net.IpAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;
import org.pcap4j.util.LinkLayerAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers ARP who-has and IPv6 neighbor solicitations for this interface's VIPs, but only
 * while {@code owned} says this node owns the VIP at that instant, and sends the
 * announcements (gratuitous ARP, unsolicited neighbor advertisement) it is asked to. The
 * responder owns its sockets and nothing else: the decision lives in the election.
 */
public final class NeighborResponder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NeighborResponder.class);

    private final String itf;
    private final byte[] mac;
    /** ARP requests, and neighbor solicitations without IPv6 extension headers. */
    static final String FILTER = "arp or (icmp6 and ip6[40] == " + NdpFrames.NEIGHBOR_SOLICITATION + ")";

    private final Set<InetAddress> vips;
    private final Predicate<InetAddress> owned;
    private final Optional<SolicitedNodeGroups> groups;
    private volatile PcapHandle receive;
    private volatile PcapHandle send;
    private volatile boolean broken;
    private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
    private final Map<InetAddress, LongAdder> answered = new HashMap<>();
    private final Map<InetAddress, LongAdder> announced = new HashMap<>();
    private final Thread loop;
    private volatile boolean running = true;

    private NeighborResponder(String itf, byte[] mac, Set<InetAddress> vips, Predicate<InetAddress> owned,
                              Optional<SolicitedNodeGroups> groups, PcapHandle receive, PcapHandle send) {
        this.itf = itf;
        this.mac = mac;
        this.vips = Set.copyOf(vips);
        this.owned = owned;
        this.groups = groups;
        this.receive = receive;
        this.send = send;
        for (DropReason r : DropReason.values()) {
            dropped.put(r, new LongAdder());
        }
        for (InetAddress vip : this.vips) {
            answered.put(vip, new LongAdder());
            announced.put(vip, new LongAdder());
        }
        this.loop = new Thread(this::run, "neighbor-" + itf);
        loop.setDaemon(true);
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
            PcapHandle receive = null;
            PcapHandle send;
            try {
                receive = handle(itf);
                receive.setFilter(FILTER, BpfProgram.BpfCompileMode.OPTIMIZE);
                send = handle(itf);
            } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                if (receive != null) {
                    receive.close();
                }
                groups.ifPresent(SolicitedNodeGroups::close);
                throw e;
            }
            NeighborResponder r = new NeighborResponder(itf, mac, vips, owned, groups, receive, send);
            r.loop.start();
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

    /** Enough for a neighbor solicitation with a few options; longer ones are dropped as truncated. */
    private static final int SNAPLEN = 256;

    private static PcapHandle handle(String itf) throws PcapNativeException {
        return new PcapHandle.Builder(itf)
                .snaplen(SNAPLEN)
                .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(100)
                .immediateMode(true)
                .build();
    }

    /**
     * Reads with pcap_loop: in immediate mode libpcap ignores the read timeout, so only
     * pcap_breakloop (from {@link #close()} or a failed send) gets the thread out of a read.
     */
    private void run() {
        while (running) {
            if (broken && !reopen()) {
                continue;
            }
            try {
                receive.loop(-1, (RawPacketListener) this::handle);
            } catch (InterruptedException e) {
                // pcap_breakloop: closing, or a send failed and the handles are to be reopened
            } catch (PcapNativeException | NotOpenException e) {
                if (running && !broken) {
                    log.warn("ARP/NDP responder on {} lost its capture ({}); reopening", itf, e.getMessage());
                    broken = true;
                }
            }
        }
    }

    /**
     * A link that went down and up leaves libpcap's sockets unusable ("Network is down"):
     * open new ones, every 200 ms until the interface is back.
     */
    private boolean reopen() {
        try {
            PcapHandle r = handle(itf);
            r.setFilter(FILTER, BpfProgram.BpfCompileMode.OPTIMIZE);
            PcapHandle s = handle(itf);
            PcapHandle oldReceive = receive;
            receive = r;
            synchronized (this) {
                PcapHandle oldSend = send;
                send = s;
                oldSend.close();
            }
            oldReceive.close();
            broken = false;
            log.info("ARP/NDP responder on {} reopened", itf);
            return true;
        } catch (PcapNativeException | NotOpenException e) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                running = false;
            }
            return false;
        }
    }

    void handle(byte[] frame) {
        Parsed p;
        try {
            p = isIpv6(frame) ? NdpFrames.parse(frame, mac) : ArpFrames.parse(frame, mac);
        } catch (RuntimeException e) {
            // The parsers are meant to be total; a frame that proves otherwise is still only dropped.
            log.debug("frame on {} not parsed: {}", itf, e.toString());
            p = Parsed.drop(DropReason.MALFORMED);
        }
        if (p.solicitation().isEmpty()) {
            dropped.get(p.drop()).increment();
            return;
        }
        Solicitation s = p.solicitation().get();
        if (!vips.contains(s.target())) {
            dropped.get(DropReason.NOT_OUR_VIP).increment();
            return;
        }
        if (!owned.test(s.target())) {
            dropped.get(DropReason.NOT_OWNER).increment();
            return;
        }
        if (transmit(s.answer(mac))) {
            answered.get(s.target()).increment();
        }
    }

    private static boolean isIpv6(byte[] frame) {
        return frame.length > 13 && (((frame[12] & 0xff) << 8) | (frame[13] & 0xff)) == NdpFrames.ETHERTYPE_IPV6;
    }

    /**
     * One announcement of the VIP (a gratuitous ARP, or an unsolicited neighbor
     * advertisement), sent only if this node still owns it.
     */
    public void announce(InetAddress vip) {
        if (!vips.contains(vip) || !owned.test(vip)) {
            return;
        }
        byte[] frame = vip instanceof Inet4Address v4 ? ArpFrames.gratuitous(v4, mac)
                : NdpFrames.unsolicitedAdvertisement((Inet6Address) vip, mac);
        if (transmit(frame)) {
            announced.get(vip).increment();
        }
    }

    private boolean transmit(byte[] frame) {
        try {
            synchronized (this) {
                send.sendPacket(frame);
            }
            return true;
        } catch (PcapNativeException | NotOpenException e) {
            if (!broken) {
                log.warn("ARP/NDP send on {} failed ({}); reopening", itf, e.getMessage());
                broken = true;
                breakLoop();
            }
            return false;
        }
    }

    public Set<InetAddress> vips() {
        return vips;
    }

    public String interfaceName() {
        return itf;
    }

    /** Questions about {@code vip} this responder answered. */
    public long answered(InetAddress vip) {
        LongAdder a = answered.get(vip);
        return a == null ? 0 : a.sum();
    }

    /** Announcements of {@code vip} this responder sent. */
    public long announced(InetAddress vip) {
        LongAdder a = announced.get(vip);
        return a == null ? 0 : a.sum();
    }

    public long dropped(DropReason reason) {
        return dropped.get(reason).sum();
    }

    private void breakLoop() {
        try {
            receive.breakLoop();
        } catch (NotOpenException e) {
            // already closed: nothing to wake up
        }
    }

    @Override
    public void close() {
        running = false;
        breakLoop();
        try {
            loop.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        receive.close();
        synchronized (this) {
            send.close();
        }
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
