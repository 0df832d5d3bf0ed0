package io.floatlb.core.handover;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.net.IpAddresses;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HandoverOfferTest {

    private static InetAddress ip(String s) {
        return IpAddresses.parse(s).orElseThrow();
    }

    @Test
    void anOfferSurvivesItsZnode() {
        HandoverOffer offer = new HandoverOffer("n1",
                List.of(new HandoverOffer.Interfaced(ip("198.18.0.11"), 24), new HandoverOffer.Interfaced(ip("2001:2::11"), 64)),
                Set.of(new Flow(ip("198.18.0.50"), 50450, 80), new Flow(ip("2001:2::50"), 40000, 443)));
        assertThat(HandoverOffer.decode(offer.encode())).contains(offer);
    }

    @Test
    void anythingMalformedIsRefusedWhole() {
        for (String bad : List.of("", "from n1\nflow 198.18.0.50 0 80\n", "from n1\nflow 198.18.0.50 70000 80\n",
                "from n1\nflow example.org 1 80\n", "from n1\nforward 198.18.0.11/33\n", "from n1\nforward 198.18.0.11\n",
                "flow 198.18.0.50 1 80\n", "from n1\nrm -rf /\n", "from \n", "from n1\nflow 198.18.0.50 1\n")) {
            assertThat(HandoverOffer.decode(bad.getBytes(StandardCharsets.UTF_8))).as(bad).isEmpty();
        }
        assertThat(HandoverOffer.decode(null)).isEmpty();
    }

    @Test
    void anAddressIsOnTheSubnetItsPrefixSays() {
        HandoverOffer.Interfaced a = new HandoverOffer.Interfaced(ip("198.18.0.11"), 24);
        assertThat(a.sameSubnet(ip("198.18.0.12"), 24)).isTrue();
        assertThat(a.sameSubnet(ip("198.18.1.12"), 24)).isFalse();
        assertThat(a.sameSubnet(ip("198.18.1.12"), 16)).isTrue();
        assertThat(a.sameSubnet(ip("2001:2::12"), 64)).isFalse();
        assertThat(new HandoverOffer.Interfaced(ip("2001:2::11"), 64).sameSubnet(ip("2001:2::12"), 64)).isTrue();
    }
}
