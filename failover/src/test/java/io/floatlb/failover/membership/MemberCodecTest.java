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
        assertThat(MemberCodec.decode(MemberCodec.encode(m.draining(true)))).contains(m.draining(true));
    }

    @Test
    void aMemberWrittenBeforeDrainingExistedIsNotDraining() {
        String older = "{\"node\":\"n1\",\"config-digest\":\"d\",\"services\":{}}";
        assertThat(MemberCodec.decode(older.getBytes(StandardCharsets.UTF_8))).contains(new MemberState("n1", "d", Map.of()));
    }

    @Test
    void aPayloadThatDoesNotParseIsIgnored() {
        assertThat(MemberCodec.decode("{not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(MemberCodec.decode("{\"node\":\"x\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(MemberCodec.decode(new byte[0])).isEmpty();
    }

    /** Whatever a foreign or older agent wrote: decoding never throws, and what it returns is a whole member. */
    @Test
    void randomAndMutatedPayloadsNeverThrow() {
        java.util.Random random = new java.util.Random(20261127L);
        byte[] valid = MemberCodec.encode(new MemberState("n1", "abc", Map.of("web", new MemberState.EndpointCount(1, 2))));
        String[] tokens = {"{", "}", "[", "]", ":", ",", "\"", "\\", "null", "-1", "1e999", "\"services\"", "\"node\"",
            "\"healthy\"", "${x}", "\u0000", "\"a.b\"", "\"\\\"\""};
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] payload;
            if (i % 2 == 0) {
                payload = new byte[random.nextInt(64)];
                random.nextBytes(payload);
            } else {
                StringBuilder json = new StringBuilder(new String(valid, StandardCharsets.UTF_8));
                for (int m = 0; m < 1 + random.nextInt(3); m++) {
                    int at = random.nextInt(json.length() + 1);
                    if (random.nextBoolean() && at < json.length()) {
                        json.delete(at, Math.min(json.length(), at + 1 + random.nextInt(6)));
                    } else {
                        json.insert(at, tokens[random.nextInt(tokens.length)]);
                    }
                }
                payload = json.toString().getBytes(StandardCharsets.UTF_8);
            }
            java.util.Optional<MemberState> m = MemberCodec.decode(payload);
            if (m.isPresent()) {
                decoded++;
                assertThat(m.get().node()).isNotNull();
                assertThat(m.get().configDigest()).isNotNull();
            }
        }
        assertThat(decoded).as("some mutants are still members").isPositive();
    }
}
