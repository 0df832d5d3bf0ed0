package io.floatlb.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "198.18.0.100, 198.18.0.100",
            "2001:2:0:0:0:0:0:100, 2001:2::100",
            "0:0:0:0:0:0:0:0, ::",
            "0:0:0:0:0:0:0:1, ::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "fe80:0:0:0:0:0:0:0, fe80::",
            "2001:DB8:0:0:ABCD:0:0:0, 2001:db8:0:0:abcd::",
    })
    void formatsAddressesTheWayOperatorsWriteThem(String literal, String expected) throws Exception {
        assertThat(IpAddresses.format(InetAddress.getByName(literal))).isEqualTo(expected);
    }
}
