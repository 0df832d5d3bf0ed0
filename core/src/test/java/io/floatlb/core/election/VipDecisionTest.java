package io.floatlb.core.election;

import static io.floatlb.core.election.VipDecision.Action.ACQUIRE;
import static io.floatlb.core.election.VipDecision.Action.HOLD;
import static io.floatlb.core.election.VipDecision.Action.RELEASE;
import static io.floatlb.core.election.VipDecision.Action.STAND_BY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VipDecisionTest {

    @Test
    void aFreeVipIsTriedFirstByTheMostPreferredNode() {
        var first = VipDecision.decide("a", Optional.empty(), List.of("a", "b", "c"), false, 50);
        var third = VipDecision.decide("c", Optional.empty(), List.of("a", "b", "c"), false, 50);
        assertThat(first).isEqualTo(new VipDecision.Verdict(ACQUIRE, 0));
        assertThat(third).isEqualTo(new VipDecision.Verdict(ACQUIRE, 100));
    }

    @Test
    void anIneligibleNodeNeverTriesAndReleasesWhatItHolds() {
        assertThat(VipDecision.decide("c", Optional.empty(), List.of("a", "b"), false, 50).action()).isEqualTo(STAND_BY);
        assertThat(VipDecision.decide("c", Optional.of("c"), List.of("a", "b"), false, 50).action()).isEqualTo(RELEASE);
    }

    @Test
    void ownershipIsStickyUnlessFailbackIsWanted() {
        assertThat(VipDecision.decide("b", Optional.of("b"), List.of("a", "b"), false, 50).action()).isEqualTo(HOLD);
        assertThat(VipDecision.decide("b", Optional.of("b"), List.of("a", "b"), true, 50).action()).isEqualTo(RELEASE);
        assertThat(VipDecision.decide("a", Optional.of("b"), List.of("a", "b"), true, 50).action()).isEqualTo(STAND_BY);
    }

    @Test
    void preferenceSpreadsVipsOverNodesAndIsTheSameEverywhere() throws Exception {
        List<String> nodes = List.of("node1", "node2", "node3");
        Map<String, Integer> firsts = new HashMap<>();
        for (int i = 1; i <= 300; i++) {
            InetAddress vip = InetAddress.getByName("198.18.3." + (i % 250) + "");
            List<String> ranked = VipPreference.rank(vip, nodes);
            assertThat(VipPreference.rank(vip, List.of("node3", "node1", "node2"))).isEqualTo(ranked);
            firsts.merge(ranked.get(0), 1, Integer::sum);
        }
        assertThat(firsts.values()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
    }

    @Test
    void localPolicyNeedsAHealthyLocalEndpointForEveryLocalService() throws Exception {
        var local = io.floatlb.core.config.ConfigLoader.parseString("""
                floatlb { node.name = a
                  services.web { vip = "198.18.0.10", ports = [{ port = 80 }], external-traffic-policy = local, endpoints = [] }
                  services.api { vip = "198.18.0.10", ports = [{ port = 81 }], external-traffic-policy = cluster, endpoints = [] } }
                """, "t.conf").config().services();
        var healthy = new MemberState("a", "d", Map.of("web", new MemberState.EndpointCount(1, 2)));
        var none = new MemberState("b", "d", Map.of("web", new MemberState.EndpointCount(0, 2)));
        assertThat(Eligibility.mayOwn(local, healthy)).isTrue();
        assertThat(Eligibility.mayOwn(local, none)).isFalse();
        assertThat(Eligibility.mayOwn(local, healthy.draining(true))).as("a draining node owns nothing").isFalse();
        assertThat(Eligibility.mayOwn(java.util.List.of(), healthy.draining(true))).isFalse();
    }
}
