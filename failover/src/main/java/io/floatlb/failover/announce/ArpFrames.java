package io.floatlb.failover.announce;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Ethernet ARP frames as bytes: the one request shape the responder answers, its reply,
 * and the gratuitous ARP an owner sends on takeover. Kept to plain arrays so that parsing
 * is total: any input yields a request or a reason to drop it.
 */
public final class ArpFrames {
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int HTYPE_ETHERNET = 1;
    static final byte OP_REQUEST = 1;
    static final byte OP_REPLY = 2;
    static final int FRAME_LENGTH = 42;
    static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private ArpFrames() {}

    /** An ARP request as seen on the wire. */
    public record Request(byte[] senderMac, Inet4Address senderIp, Inet4Address targetIp) implements Solicitation {

        @Override
        public InetAddress target() {
            return targetIp;
        }

        @Override
        public byte[] answer(byte[] ourMac) {
            return reply(this, targetIp, ourMac);
        }
    }

    public static Parsed parse(byte[] frame, byte[] ourMac) {
        if (frame == null || frame.length < FRAME_LENGTH) {
            return Parsed.drop(DropReason.MALFORMED);
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        byte[] dst = Arrays.copyOfRange(frame, 0, 6);
        byte[] src = Arrays.copyOfRange(frame, 6, 12);
        if ((b.getShort(12) & 0xffff) != ETHERTYPE_ARP) {
            return Parsed.drop(DropReason.MALFORMED);
        }
        if ((b.getShort(14) & 0xffff) != HTYPE_ETHERNET || (b.getShort(16) & 0xffff) != ETHERTYPE_IPV4
                || frame[18] != 6 || frame[19] != 4) {
            return Parsed.drop(DropReason.NOT_ETHERNET_IPV4);
        }
        if ((b.getShort(20) & 0xffff) != OP_REQUEST) {
            return Parsed.drop(DropReason.NOT_A_REQUEST);
        }
        if (!Arrays.equals(dst, BROADCAST) && !Arrays.equals(dst, ourMac)) {
            return Parsed.drop(DropReason.ETHERNET_DESTINATION);
        }
        if (Arrays.equals(src, ourMac)) {
            return Parsed.drop(DropReason.FROM_OURSELVES);
        }
        byte[] senderMac = Arrays.copyOfRange(frame, 22, 28);
        return Parsed.of(new Request(senderMac, ipv4(frame, 28), ipv4(frame, 38)));
    }

    /** "VIP is at ourMac", unicast to whoever asked. */
    public static byte[] reply(Request to, Inet4Address vip, byte[] ourMac) {
        return frame(to.senderMac(), ourMac, OP_REPLY, ourMac, vip, to.senderMac(), to.senderIp());
    }

    /**
     * A gratuitous ARP: a broadcast request from the VIP for the VIP. Hosts and switches
     * that have the VIP in their tables update them to {@code ourMac}.
     */
    public static byte[] gratuitous(Inet4Address vip, byte[] ourMac) {
        return frame(BROADCAST, ourMac, OP_REQUEST, ourMac, vip, new byte[6], vip);
    }

    private static byte[] frame(byte[] ethDst, byte[] ethSrc, int op, byte[] sha, Inet4Address spa, byte[] tha,
                                Inet4Address tpa) {
        ByteBuffer b = ByteBuffer.allocate(FRAME_LENGTH);
        b.put(ethDst).put(ethSrc).putShort((short) ETHERTYPE_ARP)
                .putShort((short) HTYPE_ETHERNET).putShort((short) ETHERTYPE_IPV4).put((byte) 6).put((byte) 4)
                .putShort((short) op).put(sha).put(spa.getAddress()).put(tha).put(tpa.getAddress());
        return b.array();
    }

    private static Inet4Address ipv4(byte[] frame, int at) {
        try {
            return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(frame, at, at + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
