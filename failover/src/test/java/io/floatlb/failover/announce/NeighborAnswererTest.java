package io.floatlb.failover.announce;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The responder's decision without a socket: frames in, answers or counted drops out. */
class NeighborAnswererTest {
    private final InetAddress vip = ip("198.18.0.100");
    private final AtomicBoolean owner = new AtomicBoolean(true);
    private final NeighborAnswerer answerer = new NeighborAnswerer(ArpFramesTest.OUR_MAC, Set.of(vip), v -> owner.get());

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theOwnerAnswersAQuestionAboutItsVipWithItsMac() throws Exception {
        Optional<NeighborAnswerer.Reply> r = answerer.answer(ArpFramesTest.whoHas("198.18.0.100"));
        assertThat(r).isPresent();
        assertThat(r.get().vip()).isEqualTo(vip);
        assertThat(r.get().solicited()).isTrue();
        assertThat(Arrays.copyOfRange(r.get().frame(), 22, 28)).isEqualTo(ArpFramesTest.OUR_MAC);
        assertThat(answerer.answered(vip)).as("counted only once sent").isZero();
        answerer.sent(r.get());
        assertThat(answerer.answered(vip)).isEqualTo(1);
    }

    @Test
    void aNodeThatDoesNotOwnTheVipStaysSilentAndSaysWhy() throws Exception {
        owner.set(false);
        assertThat(answerer.answer(ArpFramesTest.whoHas("198.18.0.100"))).isEmpty();
        assertThat(answerer.dropped(DropReason.NOT_OWNER)).isEqualTo(1);
    }

    @Test
    void questionsAboutOtherAddressesAndBrokenFramesAreDroppedWithTheirReasons() throws Exception {
        assertThat(answerer.answer(ArpFramesTest.whoHas("198.18.0.101"))).isEmpty();
        assertThat(answerer.answer(new byte[] {1, 2, 3})).isEmpty();
        byte[] ipv6Stub = new byte[30];
        ipv6Stub[12] = (byte) 0x86;
        ipv6Stub[13] = (byte) 0xdd;
        assertThat(answerer.answer(ipv6Stub)).isEmpty();
        assertThat(answerer.dropped(DropReason.NOT_OUR_VIP)).isEqualTo(1);
        assertThat(answerer.dropped(DropReason.MALFORMED)).isEqualTo(2);
        assertThat(answerer.dropped(DropReason.NOT_OWNER)).isZero();
    }

    @Test
    void announcementsExistOnlyWhileThisNodeOwnsTheVip() {
        NeighborAnswerer.Reply a = answerer.announcement(vip).orElseThrow();
        assertThat(a.solicited()).isFalse();
        assertThat(Arrays.copyOfRange(a.frame(), 0, 6)).as("broadcast").isEqualTo(ArpFrames.BROADCAST);
        answerer.sent(a);
        assertThat(answerer.announced(vip)).isEqualTo(1);
        assertThat(answerer.answered(vip)).isZero();
        owner.set(false);
        assertThat(answerer.announcement(vip)).isEmpty();
        assertThat(answerer.announcement(ip("198.18.0.101"))).as("not one of ours").isEmpty();
    }
}
