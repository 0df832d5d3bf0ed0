package io.floatlb.failover.announce;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * IPv6 neighbor discovery (RFC 4861) over Ethernet as bytes: the neighbor solicitation the
 * responder answers, its neighbor advertisement, and the unsolicited advertisement an owner
 * sends on takeover (the IPv6 gratuitous ARP). Validation follows RFC 4861 7.1.1: hop limit
 * 255, code 0, a correct checksum, a unicast target, and no source link-layer option when
 * the asker has no address yet (duplicate address detection).
 */
public final class NdpFrames {
    static final int ETHERTYPE_IPV6 = 0x86dd;
    static final int NEXT_HEADER_ICMPV6 = 58;
    static final int NEIGHBOR_SOLICITATION = 135;
    static final int NEIGHBOR_ADVERTISEMENT = 136;
    static final int OPTION_SOURCE_LINK_LAYER = 1;
    static final int OPTION_TARGET_LINK_LAYER = 2;
    static final int FLAG_SOLICITED = 0x40;
    static final int FLAG_OVERRIDE = 0x20;
    static final int IP = 14;
    static final int ICMP = IP + 40;
    static final int SOLICITATION_LENGTH = 24;
    static final int ADVERTISEMENT_LENGTH = 32;
    static final byte[] ALL_NODES = address("ff02::1").getAddress();

    private NdpFrames() {}

    /** A neighbor solicitation: {@code asker} is the unspecified address during duplicate address detection. */
    public record Request(byte[] askerMac, Inet6Address asker, Inet6Address target) implements Solicitation {

        boolean duplicateAddressDetection() {
            return asker.isAnyLocalAddress();
        }

        /**
         * Solicited, unicast to the asker; a node doing duplicate address detection has no
         * address to answer to, so it learns from an advertisement to all nodes.
         */
        @Override
        public byte[] answer(byte[] ourMac) {
            return duplicateAddressDetection()
                    ? advertisement(multicastMac(ALL_NODES), ourMac, ALL_NODES, target, FLAG_OVERRIDE)
                    : advertisement(askerMac, ourMac, asker.getAddress(), target, FLAG_SOLICITED | FLAG_OVERRIDE);
        }
    }

    public static Parsed parse(byte[] frame, byte[] ourMac) {
        if (frame == null || frame.length < ICMP + SOLICITATION_LENGTH) {
            return Parsed.drop(DropReason.MALFORMED);
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        if ((b.getShort(12) & 0xffff) != ETHERTYPE_IPV6 || (frame[IP] & 0xf0) != 0x60) {
            return Parsed.drop(DropReason.MALFORMED);
        }
        int payload = b.getShort(IP + 4) & 0xffff;
        if (ICMP + payload > frame.length) {
            return Parsed.drop(DropReason.MALFORMED);
        }
        if ((frame[IP + 6] & 0xff) != NEXT_HEADER_ICMPV6 || (frame[ICMP] & 0xff) != NEIGHBOR_SOLICITATION) {
            return Parsed.drop(DropReason.NOT_A_REQUEST);
        }
        byte[] dst = Arrays.copyOfRange(frame, 0, 6);
        byte[] src = Arrays.copyOfRange(frame, 6, 12);
        byte[] target = Arrays.copyOfRange(frame, ICMP + 8, ICMP + 24);
        if ((frame[IP + 7] & 0xff) != 255 || frame[ICMP + 1] != 0 || payload < SOLICITATION_LENGTH
                || checksum(frame, ICMP, payload) != 0 || (target[0] & 0xff) == 0xff) {
            return Parsed.drop(DropReason.MALFORMED);
        }
        if ((dst[0] & 1) == 0 && !Arrays.equals(dst, ourMac)) {
            return Parsed.drop(DropReason.ETHERNET_DESTINATION);
        }
        if (Arrays.equals(src, ourMac)) {
            return Parsed.drop(DropReason.FROM_OURSELVES);
        }
        byte[] askerMac = src;
        boolean sourceOption = false;
        for (int at = ICMP + SOLICITATION_LENGTH; at < ICMP + payload; ) {
            if (at + 2 > ICMP + payload) {
                return Parsed.drop(DropReason.MALFORMED);
            }
            int length = (frame[at + 1] & 0xff) * 8;
            if (length == 0 || at + length > ICMP + payload) {
                return Parsed.drop(DropReason.MALFORMED);
            }
            if ((frame[at] & 0xff) == OPTION_SOURCE_LINK_LAYER && length == 8) {
                askerMac = Arrays.copyOfRange(frame, at + 2, at + 8);
                sourceOption = true;
            }
            at += length;
        }
        Request r = new Request(askerMac, ipv6(Arrays.copyOfRange(frame, IP + 8, IP + 24)), ipv6(target));
        if (r.duplicateAddressDetection() && sourceOption) {
            return Parsed.drop(DropReason.MALFORMED);
        }
        return Parsed.of(r);
    }

    /**
     * An unsolicited advertisement to all nodes with the override flag: neighbours that
     * have the VIP cached switch to {@code ourMac} at once (RFC 4861 7.2.6).
     */
    public static byte[] unsolicitedAdvertisement(Inet6Address vip, byte[] ourMac) {
        return advertisement(multicastMac(ALL_NODES), ourMac, ALL_NODES, vip, FLAG_OVERRIDE);
    }

    /** The group a node joins to hear solicitations for {@code address}: ff02::1:ffXX:XXXX. */
    public static Inet6Address solicitedNodeGroup(Inet6Address address) {
        byte[] group = address("ff02::1:ff00:0").getAddress();
        System.arraycopy(address.getAddress(), 13, group, 13, 3);
        return ipv6(group);
    }

    private static byte[] advertisement(byte[] ethDst, byte[] ourMac, byte[] ipDst, Inet6Address target, int flags) {
        ByteBuffer b = ByteBuffer.allocate(ICMP + ADVERTISEMENT_LENGTH);
        b.put(ethDst).put(ourMac).putShort((short) ETHERTYPE_IPV6)
                .putInt(0x60000000).putShort((short) ADVERTISEMENT_LENGTH).put((byte) NEXT_HEADER_ICMPV6).put((byte) 255)
                .put(target.getAddress()).put(ipDst)
                .put((byte) NEIGHBOR_ADVERTISEMENT).put((byte) 0).putShort((short) 0)
                .put((byte) flags).put(new byte[3]).put(target.getAddress())
                .put((byte) OPTION_TARGET_LINK_LAYER).put((byte) 1).put(ourMac);
        byte[] frame = b.array();
        int sum = checksum(frame, ICMP, ADVERTISEMENT_LENGTH);
        frame[ICMP + 2] = (byte) (sum >> 8);
        frame[ICMP + 3] = (byte) sum;
        return frame;
    }

    /**
     * The ICMPv6 checksum over the pseudo-header (addresses, length, next header) and the
     * message: 0 for a received message whose checksum is right.
     */
    static int checksum(byte[] frame, int icmp, int length) {
        long sum = 0;
        for (int i = IP + 8; i < IP + 40; i += 2) {
            sum += ((frame[i] & 0xff) << 8) | (frame[i + 1] & 0xff);
        }
        sum += length + NEXT_HEADER_ICMPV6;
        for (int i = icmp; i < icmp + length; i += 2) {
            int low = i + 1 < icmp + length ? frame[i + 1] & 0xff : 0;
            sum += ((frame[i] & 0xff) << 8) | low;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** 33:33 and the group's last four bytes (RFC 2464). */
    static byte[] multicastMac(byte[] group) {
        return new byte[] {0x33, 0x33, group[12], group[13], group[14], group[15]};
    }

    private static Inet6Address ipv6(byte[] bytes) {
        try {
            // Inet6Address.getByAddress keeps IPv4-mapped addresses IPv6; InetAddress would not
            return Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("sixteen bytes are always an IPv6 address", e);
        }
    }

    private static Inet6Address address(String literal) {
        try {
            return (Inet6Address) InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(literal, e);
        }
    }
}
