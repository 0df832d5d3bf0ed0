package io.floatlb.failover.arp;

import io.floatlb.core.net.IpAddresses;
import java.net.Inet4Address;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
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
 * Answers ARP who-has for this interface's VIPs, but only while {@code owned} says this
 * node owns the VIP at that instant. The responder owns its sockets and nothing else: the
 * decision lives in the election.
 */
public final class ArpResponder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArpResponder.class);

    private final String itf;
    private final byte[] mac;
    private final Set<Inet4Address> vips;
    private final Predicate<Inet4Address> owned;
    private volatile PcapHandle receive;
    private volatile PcapHandle send;
    private volatile boolean broken;
    private final Map<ArpDropReason, LongAdder> dropped = new EnumMap<>(ArpDropReason.class);
    private final LongAdder answered = new LongAdder();
    private final LongAdder gratuitousSent = new LongAdder();
    private final Thread loop;
    private volatile boolean running = true;

    private ArpResponder(String itf, byte[] mac, Set<Inet4Address> vips, Predicate<Inet4Address> owned,
                         PcapHandle receive, PcapHandle send) {
        this.itf = itf;
        this.mac = mac;
        this.vips = Set.copyOf(vips);
        this.owned = owned;
        this.receive = receive;
        this.send = send;
        for (ArpDropReason r : ArpDropReason.values()) {
            dropped.put(r, new LongAdder());
        }
        this.loop = new Thread(this::run, "arp-" + itf);
        loop.setDaemon(true);
    }

    /** Opens the interface; fails with one line naming the interface and what is missing. */
    public static ArpResponder open(String itf, Set<Inet4Address> vips, Predicate<Inet4Address> owned) {
        Libpcap.locate();
        try {
            PcapNetworkInterface nif = Pcaps.getDevByName(itf);
            if (nif == null) {
                throw new IllegalStateException("creating ARP responder for \"" + itf + "\": no such interface");
            }
            byte[] mac = nif.getLinkLayerAddresses().stream().map(LinkLayerAddress::getAddress)
                    .filter(a -> a.length == 6).findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "creating ARP responder for \"" + itf + "\": the interface has no Ethernet address"));
            PcapHandle receive = handle(itf);
            receive.setFilter("arp", BpfProgram.BpfCompileMode.OPTIMIZE);
            PcapHandle send = handle(itf);
            ArpResponder r = new ArpResponder(itf, mac, vips, owned, receive, send);
            r.loop.start();
            log.info("ARP responder on {} ({}) for {}", itf, macText(mac), vips.stream().map(IpAddresses::format).toList());
            return r;
        } catch (PcapNativeException | NotOpenException e) {
            throw new IllegalStateException("creating ARP responder for \"" + itf + "\": " + e.getMessage()
                    + " (needs libpcap and CAP_NET_RAW)", e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IllegalStateException("creating ARP responder for \"" + itf
                    + "\": libpcap is not installed (apt-get install libpcap0.8)", e);
        }
    }

    private static PcapHandle handle(String itf) throws PcapNativeException {
        return new PcapHandle.Builder(itf)
                .snaplen(128)
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
                    log.warn("ARP responder on {} lost its capture ({}); reopening", itf, e.getMessage());
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
            r.setFilter("arp", BpfProgram.BpfCompileMode.OPTIMIZE);
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
            log.info("ARP responder on {} reopened", itf);
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
        ArpFrames.Parsed p = ArpFrames.parse(frame, mac);
        if (p.request().isEmpty()) {
            dropped.get(p.drop()).increment();
            return;
        }
        ArpFrames.Request req = p.request().get();
        if (!vips.contains(req.targetIp())) {
            dropped.get(ArpDropReason.NOT_OUR_VIP).increment();
            return;
        }
        if (!owned.test(req.targetIp())) {
            dropped.get(ArpDropReason.NOT_OWNER).increment();
            return;
        }
        if (transmit(ArpFrames.reply(req, req.targetIp(), mac))) {
            answered.increment();
        }
    }

    /** One gratuitous ARP for the VIP, sent only if this node still owns it. */
    public void announce(Inet4Address vip) {
        if (vips.contains(vip) && owned.test(vip) && transmit(ArpFrames.gratuitous(vip, mac))) {
            gratuitousSent.increment();
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
                log.warn("ARP send on {} failed ({}); reopening", itf, e.getMessage());
                broken = true;
                breakLoop();
            }
            return false;
        }
    }

    public Set<Inet4Address> vips() {
        return vips;
    }

    public long answered() {
        return answered.sum();
    }

    public long gratuitousSent() {
        return gratuitousSent.sum();
    }

    public long dropped(ArpDropReason reason) {
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
    }

    private static String macText(byte[] mac) {
        StringBuilder s = new StringBuilder();
        for (byte b : mac) {
            s.append(s.length() == 0 ? "" : ":").append(String.format("%02x", b));
        }
        return s.toString();
    }
}
