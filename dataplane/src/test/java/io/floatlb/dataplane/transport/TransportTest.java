package io.floatlb.dataplane.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.Net;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TransportTest {

    @Test
    void anAddressAnotherProcessListensOnIsRefusedNotShared() {
        InetAddress host = Net.loopback(61);
        HostPort address = new HostPort(host, Net.freePort(host));
        // Two transports stand for two processes: SO_REUSEPORT would let the second join the first.
        try (Transport first = Transport.create(2); Transport second = Transport.create(2)) {
            assumeTrue(first.isEpoll(), "SO_REUSEPORT listeners exist only with native epoll");
            Listening held = first.listen(address, false, b -> b.childHandler(new ChannelInboundHandlerAdapter()));
            try {
                assertThatThrownBy(() -> second.listen(address, false, b -> b.childHandler(new ChannelInboundHandlerAdapter())))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("another process holds " + address);
            } finally {
                held.close();
            }
            Listening again = second.listen(address, false, b -> b.childHandler(new ChannelInboundHandlerAdapter()));
            assertThat(again.address()).isEqualTo(address);
            again.close();
        }
    }
}
