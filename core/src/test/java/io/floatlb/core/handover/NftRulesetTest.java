package io.floatlb.core.handover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floatlb.core.net.IpAddresses;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NftRulesetTest {

    private static InetAddress ip(String s) {
        return IpAddresses.parse(s).orElseThrow();
    }

    @Test
    void eachHandedOverFlowIsForwardedToItsOldOwnerAndTheVipsResetsAreHeldBack() {
        String script = NftRuleset.render(List.of(
                new NftRuleset.Forward(ip("198.18.0.100"), "eth0", ip("198.18.0.11"),
                        Set.of(new Flow(ip("198.18.0.50"), 50450, 80))),
                new NftRuleset.Forward(ip("2001:2::100"), "eth0", ip("2001:2::11"), Set.of())));
        assertThat(script).startsWith("table netdev floatlb {}\ndelete table netdev floatlb\n");
        assertThat(script).contains("set f0 { type ipv4_addr . inet_service . inet_service; elements = { 198.18.0.50 . 50450 . 80 }; }");
        assertThat(script).contains("set f1 { type ipv6_addr . inet_service . inet_service; }");
        assertThat(script).contains("type filter hook ingress device \"eth0\" priority 0;");
        assertThat(script).contains("ip daddr 198.18.0.100 ip saddr . tcp sport . tcp dport @f0 fwd ip to 198.18.0.11 device \"eth0\"");
        assertThat(script).contains("ip6 daddr 2001:2::100 ip6 saddr . tcp sport . tcp dport @f1 fwd ip6 to 2001:2::11 device \"eth0\"");
        assertThat(script).contains("type filter hook egress device \"eth0\" priority 0;");
        assertThat(script).contains("ip saddr 198.18.0.100 tcp flags & rst == rst drop");
        assertThat(script).contains("ip6 saddr 2001:2::100 tcp flags & rst == rst drop");
        assertThat(script.split("chain in")).hasSize(2);
    }

    @Test
    void nothingToForwardRemovesTheTable() {
        assertThat(NftRuleset.render(List.of())).isEqualTo(NftRuleset.removal());
    }

    @Test
    void onlyValidatedNamesAndOneAddressFamilyGetIn() {
        assertThatThrownBy(() -> new NftRuleset.Forward(ip("198.18.0.100"), "eth0\"; flush ruleset", ip("198.18.0.11"), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NftRuleset.Forward(ip("198.18.0.100"), "eth0", ip("2001:2::11"), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
