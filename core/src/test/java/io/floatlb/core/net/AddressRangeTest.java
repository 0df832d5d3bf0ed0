package io.floatlb.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressRangeTest {

    @Test
    void cidrCoversItsWholeNetwork() throws Exception {
        AddressRange r = AddressRange.parse("198.18.0.7/30");
        assertThat(r.toString()).isEqualTo("198.18.0.4-198.18.0.7");
        assertThat(r.size()).isEqualTo(BigInteger.valueOf(4));
        assertThat(r.contains(InetAddress.getByName("198.18.0.8"))).isFalse();
    }

    @Test
    void ipv6RangesWork() throws Exception {
        AddressRange r = AddressRange.parse("2001:db8::/126");
        assertThat(r.contains(InetAddress.getByName("2001:db8::3"))).isTrue();
        assertThat(r.contains(InetAddress.getByName("198.18.0.1"))).isFalse();
        assertThat(r.at(BigInteger.valueOf(4))).isEmpty();
    }

    @Test
    void hostNamesAreNeverLookedUp() {
        assertThat(IpAddresses.parse("localhost")).isEmpty();
        assertThatThrownBy(() -> AddressRange.parse("example.org-198.18.0.1"))
                .hasMessageContaining("is not an address range");
    }

    @Test
    void hostPortFormatsIpv6InBrackets() {
        assertThat(HostPort.parse("[::1]:9180").toString()).isEqualTo("[::1]:9180");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1")).hasMessageContaining("is not HOST:PORT");
    }
}
