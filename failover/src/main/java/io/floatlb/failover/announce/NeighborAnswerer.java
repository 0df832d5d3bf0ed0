package io.floatlb.failover.announce;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision half of a responder, with no socket: a received frame and the election's
 * word make an answer frame, or a counted {@link DropReason}. Announcements are built
 * here too, and only while this node owns the VIP.
 */
public final class NeighborAnswerer {
    private static final Logger log = LoggerFactory.getLogger(NeighborAnswerer.class);

    private final byte[] mac;
    private final Set<InetAddress> vips;
    private final Predicate<InetAddress> owned;
    private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
    private final Map<InetAddress, LongAdder> answered = new HashMap<>();
    private final Map<InetAddress, LongAdder> announced = new HashMap<>();

    /** A frame to send for a VIP: the answer to a question, or an announcement. */
    public record Reply(InetAddress vip, byte[] frame, boolean solicited) {}

    /**
     * @param mac this interface's Ethernet address
     * @param owned whether this node owns a VIP at this instant (asked for every frame)
     */
    public NeighborAnswerer(byte[] mac, Set<InetAddress> vips, Predicate<InetAddress> owned) {
        this.mac = mac.clone();
        this.vips = Set.copyOf(vips);
        this.owned = owned;
        for (DropReason r : DropReason.values()) {
            dropped.put(r, new LongAdder());
        }
        for (InetAddress vip : this.vips) {
            answered.put(vip, new LongAdder());
            announced.put(vip, new LongAdder());
        }
    }

    /** The answer to a received frame, or empty with the reason it is not answered counted. */
    public Optional<Reply> answer(byte[] frame) {
        Parsed p;
        try {
            p = isIpv6(frame) ? NdpFrames.parse(frame, mac) : ArpFrames.parse(frame, mac);
        } catch (RuntimeException e) {
            // The parsers are meant to be total; a frame that proves otherwise is still only dropped.
            log.debug("frame not parsed: {}", e.toString());
            p = Parsed.drop(DropReason.MALFORMED);
        }
        if (p.solicitation().isEmpty()) {
            return drop(p.drop());
        }
        Solicitation s = p.solicitation().get();
        if (!vips.contains(s.target())) {
            return drop(DropReason.NOT_OUR_VIP);
        }
        if (!owned.test(s.target())) {
            return drop(DropReason.NOT_OWNER);
        }
        return Optional.of(new Reply(s.target(), s.answer(mac), true));
    }

    /** A gratuitous ARP or unsolicited neighbor advertisement of the VIP, if this node owns it now. */
    public Optional<Reply> announcement(InetAddress vip) {
        if (!vips.contains(vip) || !owned.test(vip)) {
            return Optional.empty();
        }
        byte[] frame = vip instanceof Inet4Address v4 ? ArpFrames.gratuitous(v4, mac)
                : NdpFrames.unsolicitedAdvertisement((Inet6Address) vip, mac);
        return Optional.of(new Reply(vip, frame, false));
    }

    /** A reply went out on the wire: counted as answered or announced. */
    public void sent(Reply r) {
        (r.solicited() ? answered : announced).get(r.vip()).increment();
    }

    private Optional<Reply> drop(DropReason reason) {
        dropped.get(reason).increment();
        return Optional.empty();
    }

    private static boolean isIpv6(byte[] frame) {
        return frame.length > 13 && (((frame[12] & 0xff) << 8) | (frame[13] & 0xff)) == NdpFrames.ETHERTYPE_IPV6;
    }

    public Set<InetAddress> vips() {
        return vips;
    }

    public long answered(InetAddress vip) {
        LongAdder a = answered.get(vip);
        return a == null ? 0 : a.sum();
    }

    public long announced(InetAddress vip) {
        LongAdder a = announced.get(vip);
        return a == null ? 0 : a.sum();
    }

    public long dropped(DropReason reason) {
        return dropped.get(reason).sum();
    }
}
