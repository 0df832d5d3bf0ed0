package io.floatlb.failover.announce;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NdpFramesTest {
    private static final byte[] OUR_MAC = {2, 0, 0, 0, 0, 1};
    private static final byte[] CLIENT_MAC = {2, 0, 0, 0, 0, 9};
    private static final String VIP = "2001:db8::100";
    private static final int ICMP = NdpFrames.ICMP;

    private static Inet6Address ip(String s) throws Exception {
        return (Inet6Address) InetAddress.getByName(s);
    }

    /**
     * A neighbor solicitation as a client's kernel sends it: to the target's solicited-node
     * group, with a source link-layer option unless the asker is doing duplicate address
     * detection.
     */
    private static byte[] solicitation(String asker, String target) throws Exception {
        Inet6Address group = NdpFrames.solicitedNodeGroup(ip(target));
        boolean dad = ip(asker).isAnyLocalAddress();
        int length = dad ? 24 : 32;
        ByteBuffer b = ByteBuffer.allocate(ICMP + length);
        b.put(NdpFrames.multicastMac(group.getAddress())).put(CLIENT_MAC).putShort((short) 0x86dd)
                .putInt(0x60000000).putShort((short) length).put((byte) 58).put((byte) 255)
                .put(ip(asker).getAddress()).put(group.getAddress())
                .put((byte) 135).put((byte) 0).putShort((short) 0).putInt(0).put(ip(target).getAddress());
        if (!dad) {
            b.put((byte) 1).put((byte) 1).put(CLIENT_MAC);
        }
        return withChecksum(b.array());
    }

    private static byte[] withChecksum(byte[] frame) {
        frame[ICMP + 2] = 0;
        frame[ICMP + 3] = 0;
        int length = ((frame[18] & 0xff) << 8) | (frame[19] & 0xff);
        int sum = NdpFrames.checksum(frame, ICMP, length);
        frame[ICMP + 2] = (byte) (sum >> 8);
        frame[ICMP + 3] = (byte) sum;
        return frame;
    }

    private static byte[] ipAt(byte[] frame, int at) {
        return Arrays.copyOfRange(frame, at, at + 16);
    }

    @Test
    void aSolicitationIsAnsweredWithASolicitedAdvertisementFromTheVip() throws Exception {
        Parsed p = NdpFrames.parse(solicitation("2001:db8::50", VIP), OUR_MAC);
        assertThat(p.solicitation()).isPresent();
        assertThat(p.solicitation().get().target()).isEqualTo(ip(VIP));

        byte[] na = p.solicitation().get().answer(OUR_MAC);
        assertThat(Arrays.copyOfRange(na, 0, 6)).as("unicast to the asker").isEqualTo(CLIENT_MAC);
        assertThat(Arrays.copyOfRange(na, 6, 12)).isEqualTo(OUR_MAC);
        assertThat(na[NdpFrames.IP + 7] & 0xff).as("hop limit").isEqualTo(255);
        assertThat(ipAt(na, NdpFrames.IP + 8)).as("source").isEqualTo(ip(VIP).getAddress());
        assertThat(ipAt(na, NdpFrames.IP + 24)).as("destination").isEqualTo(ip("2001:db8::50").getAddress());
        assertThat(na[ICMP] & 0xff).isEqualTo(136);
        assertThat(na[ICMP + 4] & 0xff).as("solicited and override").isEqualTo(0x60);
        assertThat(ipAt(na, ICMP + 8)).isEqualTo(ip(VIP).getAddress());
        assertThat(Arrays.copyOfRange(na, ICMP + 24, ICMP + 32)).as("target link-layer option")
                .containsExactly(2, 1, 2, 0, 0, 0, 0, 1);
        assertThat(NdpFrames.checksum(na, ICMP, 32)).as("the checksum verifies").isZero();
    }

    @Test
    void duplicateAddressDetectionIsAnsweredToAllNodes() throws Exception {
        Parsed p = NdpFrames.parse(solicitation("::", VIP), OUR_MAC);
        byte[] na = p.solicitation().orElseThrow().answer(OUR_MAC);
        assertThat(Arrays.copyOfRange(na, 0, 6)).containsExactly(0x33, 0x33, 0, 0, 0, 1);
        assertThat(ipAt(na, NdpFrames.IP + 24)).isEqualTo(ip("ff02::1").getAddress());
        assertThat(na[ICMP + 4] & 0xff).as("override only: an answer to a group is never 'solicited'").isEqualTo(0x20);
    }

    @Test
    void anUnsolicitedAdvertisementOverridesCachesOnAllNodes() throws Exception {
        byte[] na = NdpFrames.unsolicitedAdvertisement(ip(VIP), OUR_MAC);
        assertThat(Arrays.copyOfRange(na, 0, 6)).containsExactly(0x33, 0x33, 0, 0, 0, 1);
        assertThat(ipAt(na, NdpFrames.IP + 8)).isEqualTo(ip(VIP).getAddress());
        assertThat(ipAt(na, NdpFrames.IP + 24)).isEqualTo(ip("ff02::1").getAddress());
        assertThat(na[ICMP + 4] & 0xff).isEqualTo(0x20);
        assertThat(NdpFrames.checksum(na, ICMP, 32)).isZero();
        assertThat(NdpFrames.parse(na, CLIENT_MAC).drop()).as("an advertisement asks nothing")
                .isEqualTo(DropReason.NOT_A_REQUEST);
    }

    @Test
    void theSolicitedNodeGroupKeepsTheLastThreeBytes() throws Exception {
        assertThat(NdpFrames.solicitedNodeGroup(ip("2001:db8::12:3456"))).isEqualTo(ip("ff02::1:ff12:3456"));
    }

    @Test
    void everyIgnoredFrameHasItsReason() throws Exception {
        assertThat(NdpFrames.parse(new byte[60], OUR_MAC).drop()).isEqualTo(DropReason.MALFORMED);

        byte[] truncated = solicitation("2001:db8::50", VIP);
        assertThat(NdpFrames.parse(Arrays.copyOf(truncated, truncated.length - 4), OUR_MAC).drop())
                .isEqualTo(DropReason.MALFORMED);

        byte[] routed = solicitation("2001:db8::50", VIP);
        routed[NdpFrames.IP + 7] = (byte) 254;
        assertThat(NdpFrames.parse(withChecksum(routed), OUR_MAC).drop()).as("hop limit below 255")
                .isEqualTo(DropReason.MALFORMED);

        byte[] badSum = solicitation("2001:db8::50", VIP);
        badSum[ICMP + 3] ^= 1;
        assertThat(NdpFrames.parse(badSum, OUR_MAC).drop()).isEqualTo(DropReason.MALFORMED);

        byte[] multicastTarget = solicitation("2001:db8::50", "ff02::1");
        assertThat(NdpFrames.parse(multicastTarget, OUR_MAC).drop()).isEqualTo(DropReason.MALFORMED);

        byte[] emptyOption = solicitation("2001:db8::50", VIP);
        emptyOption[ICMP + 25] = 0;
        assertThat(NdpFrames.parse(withChecksum(emptyOption), OUR_MAC).drop()).isEqualTo(DropReason.MALFORMED);

        byte[] sourceOption = solicitation("2001:db8::50", VIP);
        byte[] oneByteOption = Arrays.copyOf(sourceOption, ICMP + 25);
        oneByteOption[19] = 25;
        assertThat(NdpFrames.parse(withChecksum(oneByteOption), OUR_MAC).drop()).as("an option cut after its type")
                .isEqualTo(DropReason.MALFORMED);

        byte[] dadWithSource = solicitation("2001:db8::50", VIP);
        System.arraycopy(new byte[16], 0, dadWithSource, NdpFrames.IP + 8, 16);
        assertThat(NdpFrames.parse(withChecksum(dadWithSource), OUR_MAC).drop())
                .as("duplicate address detection carries no source link-layer option").isEqualTo(DropReason.MALFORMED);

        byte[] echo = solicitation("2001:db8::50", VIP);
        echo[ICMP] = (byte) 128;
        assertThat(NdpFrames.parse(withChecksum(echo), OUR_MAC).drop()).isEqualTo(DropReason.NOT_A_REQUEST);

        byte[] unicastElsewhere = solicitation("2001:db8::50", VIP);
        System.arraycopy(new byte[] {2, 0, 0, 0, 0, 7}, 0, unicastElsewhere, 0, 6);
        assertThat(NdpFrames.parse(unicastElsewhere, OUR_MAC).drop()).isEqualTo(DropReason.ETHERNET_DESTINATION);

        assertThat(NdpFrames.parse(solicitation("2001:db8::50", VIP), CLIENT_MAC).drop())
                .isEqualTo(DropReason.FROM_OURSELVES);

        byte[] mapped = solicitation("2001:db8::50", VIP);
        byte[] v4Mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, (byte) 198, 18, 0, 1};
        System.arraycopy(v4Mapped, 0, mapped, ICMP + 8, 16);
        assertThat(NdpFrames.parse(withChecksum(mapped), OUR_MAC).solicitation().orElseThrow().target())
                .as("an IPv4-mapped target stays IPv6, so it matches no IPv4 VIP").isInstanceOf(Inet6Address.class);
    }

    /** Parsing is total: random frames, shaped to reach deep into the parser, never throw. */
    @Test
    void randomFramesAreParsedOrDroppedNeverThrown() throws Exception {
        java.util.Random random = new java.util.Random(42);
        byte[] valid = solicitation("2001:db8::50", VIP);
        for (int i = 0; i < 200_000; i++) {
            byte[] frame = Arrays.copyOf(valid, random.nextInt(valid.length + 24));
            for (int flips = random.nextInt(4); flips >= 0; flips--) {
                if (frame.length > 0) {
                    frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
                }
            }
            if (random.nextBoolean() && frame.length > ICMP + 4
                    && ICMP + (((frame[18] & 0xff) << 8) | (frame[19] & 0xff)) <= frame.length) {
                withChecksum(frame);
            }
            Parsed p = NdpFrames.parse(frame, OUR_MAC);
            assertThat(p.solicitation().isPresent() || p.drop() != null).isTrue();
            Parsed arp = ArpFrames.parse(frame, OUR_MAC);
            assertThat(arp.solicitation().isPresent() || arp.drop() != null).isTrue();
        }
    }
}
