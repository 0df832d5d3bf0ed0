package io.floatlb.failover.announce;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArpFramesTest {
    static final byte[] OUR_MAC = {2, 0, 0, 0, 0, 1};
    private static final byte[] CLIENT_MAC = {2, 0, 0, 0, 0, 9};

    private static Inet4Address ip(String s) throws Exception {
        return (Inet4Address) InetAddress.getByName(s);
    }

    /** A who-has request as a client's kernel sends it: a request "from" the client. */
    static byte[] whoHas(String target) throws Exception {
        ArpFrames.Request asker = new ArpFrames.Request(CLIENT_MAC, ip("198.18.0.50"), ip(target));
        byte[] frame = ArpFrames.reply(asker, ip("198.18.0.50"), CLIENT_MAC);
        // Turn that frame around into a broadcast request for the target.
        System.arraycopy(ArpFrames.BROADCAST, 0, frame, 0, 6);
        frame[21] = ArpFrames.OP_REQUEST;
        System.arraycopy(ip(target).getAddress(), 0, frame, 38, 4);
        return frame;
    }

    @Test
    void aBroadcastRequestIsParsedAndAnsweredWithOurMac() throws Exception {
        Parsed p = ArpFrames.parse(whoHas("198.18.0.100"), OUR_MAC);
        assertThat(p.solicitation()).isPresent();
        assertThat(p.solicitation().get().target()).isEqualTo(ip("198.18.0.100"));
        assertThat(((ArpFrames.Request) p.solicitation().get()).senderIp()).isEqualTo(ip("198.18.0.50"));

        byte[] reply = p.solicitation().get().answer(OUR_MAC);
        assertThat(Arrays.copyOfRange(reply, 0, 6)).as("unicast to the asker").isEqualTo(CLIENT_MAC);
        assertThat(reply[21]).isEqualTo((byte) ArpFrames.OP_REPLY);
        assertThat(Arrays.copyOfRange(reply, 22, 28)).isEqualTo(OUR_MAC);
        assertThat(Arrays.copyOfRange(reply, 28, 32)).isEqualTo(ip("198.18.0.100").getAddress());
        assertThat(Arrays.copyOfRange(reply, 38, 42)).isEqualTo(ip("198.18.0.50").getAddress());
    }

    @Test
    void everyIgnoredFrameHasItsReason() throws Exception {
        assertThat(ArpFrames.parse(new byte[20], OUR_MAC).drop()).isEqualTo(DropReason.MALFORMED);

        byte[] notArp = whoHas("198.18.0.100");
        notArp[12] = 0x08;
        notArp[13] = 0x00;
        assertThat(ArpFrames.parse(notArp, OUR_MAC).drop()).isEqualTo(DropReason.MALFORMED);

        byte[] ipv6ish = whoHas("198.18.0.100");
        ipv6ish[19] = 16;
        assertThat(ArpFrames.parse(ipv6ish, OUR_MAC).drop()).isEqualTo(DropReason.NOT_ETHERNET_IPV4);

        byte[] reply = whoHas("198.18.0.100");
        reply[21] = ArpFrames.OP_REPLY;
        assertThat(ArpFrames.parse(reply, OUR_MAC).drop()).isEqualTo(DropReason.NOT_A_REQUEST);

        byte[] unicastElsewhere = whoHas("198.18.0.100");
        System.arraycopy(new byte[] {2, 0, 0, 0, 0, 7}, 0, unicastElsewhere, 0, 6);
        assertThat(ArpFrames.parse(unicastElsewhere, OUR_MAC).drop()).isEqualTo(DropReason.ETHERNET_DESTINATION);

        byte[] ours = ArpFrames.gratuitous(ip("198.18.0.100"), OUR_MAC);
        assertThat(ArpFrames.parse(ours, OUR_MAC).drop()).isEqualTo(DropReason.FROM_OURSELVES);
    }

    @Test
    void aGratuitousArpIsABroadcastRequestFromTheVipForTheVip() throws Exception {
        byte[] g = ArpFrames.gratuitous(ip("198.18.0.100"), OUR_MAC);
        assertThat(g).hasSize(42);
        assertThat(Arrays.copyOfRange(g, 0, 6)).isEqualTo(ArpFrames.BROADCAST);
        assertThat(Arrays.copyOfRange(g, 28, 32)).isEqualTo(Arrays.copyOfRange(g, 38, 42));
        Parsed seenByOthers = ArpFrames.parse(g, CLIENT_MAC);
        assertThat(seenByOthers.solicitation().orElseThrow().target()).isEqualTo(ip("198.18.0.100"));
    }
}
