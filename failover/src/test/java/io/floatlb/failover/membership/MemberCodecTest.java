package io.floatlb.failover.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.election.MemberState;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemberCodecTest {

    @Test
    void aMemberSurvivesTheRoundTrip() {
        MemberState m = new MemberState("node-1.a", "0123abcd", Map.of(
                "echo-service", new MemberState.EndpointCount(1, 2),
                "web.v2", new MemberState.EndpointCount(0, 1)));
        assertThat(MemberCodec.decode(MemberCodec.encode(m))).contains(m);
    }

    @Test
    void aPayloadThatDoesNotParseIsIgnored() {
        assertThat(MemberCodec.decode("{not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(MemberCodec.decode("{\"node\":\"x\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(MemberCodec.decode(new byte[0])).isEmpty();
    }
}
