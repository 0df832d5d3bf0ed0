package io.floatlb.dataplane.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatlb.core.config.TransportKind;
import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.Net;
import io.floatlb.dataplane.echo.EchoServer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(30)
class TransportTest {

    @Test
    void anAddressAnotherProcessListensOnIsRefusedNotShared() {
        InetAddress host = Net.loopback(61);
        HostPort address = new HostPort(host, Net.freePort(host));
        // Two transports stand for two processes: SO_REUSEPORT would let the second join the first.
        try (Transport first = Transport.create(2); Transport second = Transport.create(2)) {
            assumeTrue(first.reusesPort(), "SO_REUSEPORT listeners exist only with a native transport");
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

    @Test
    void aUdpAddressAnotherProcessHoldsWithReusePortIsRefusedNotShared() throws Exception {
        InetAddress host = Net.loopback(62);
        try (Transport transport = Transport.create(2);
             DatagramChannel other = DatagramChannel.open(StandardProtocolFamily.INET)) {
            assumeTrue(transport.reusesPort(), "SO_REUSEPORT sockets exist only with a native transport");
            // Another process's socket that allows sharing: only the plain bind first tells.
            other.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            other.bind(new InetSocketAddress(host, 0));
            HostPort address = new HostPort(host, ((InetSocketAddress) other.getLocalAddress()).getPort());
            assertThatThrownBy(() -> transport.listenDatagram(address, false, ChannelInboundHandlerAdapter::new))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another process holds " + address);
        }
    }

    /** Each kind that loads here serves: a listener per loop (or one), a client connect, an echo. */
    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"IO_URING", "EPOLL", "NIO"})
    void everyKindThatLoadsServesAConnection(TransportKind kind) throws Exception {
        Transport t;
        try {
            t = Transport.create(kind, 2);
        } catch (IllegalStateException unavailable) {
            assertThat(unavailable).hasMessageContaining("transport = " + kind.label() + " does not load here");
            assumeTrue(false, kind.label() + " does not load on this kernel: " + unavailable.getMessage());
            return;
        }
        try (t; EchoServer echo = EchoServer.start(t, new HostPort(Net.loopback(62), 0), "e-" + kind.label(), "n")) {
            assertThat(t.kind()).isEqualTo(kind);
            try (Socket s = new Socket(echo.address().address(), echo.address().port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .contains("backend: e-" + kind.label());
            }
        }
    }

    /** An idle io_uring connection holds no receive buffer: accepted and outgoing sockets read from the ring. */
    @Test
    void ioUringSocketsReadFromTheRingOfProvidedBuffers() throws Exception {
        assumeTrue(Transport.loads(TransportKind.IO_URING) && IoUring.isRegisterBufferRingSupported(),
                "io_uring with buffer rings does not load on this kernel");
        InetAddress host = Net.loopback(63);
        CompletableFuture<Short> acceptedGroup = new CompletableFuture<>();
        try (Transport t = Transport.create(TransportKind.IO_URING, 1)) {
            assertThat(t.socketTo(host).config().getOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID)).isZero();
            Listening l = t.listen(new HostPort(host, 0), false, b -> b.childHandler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    acceptedGroup.complete(ctx.channel().config().getOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID));
                }
            }));
            try (Socket s = new Socket(host, l.address().port())) {
                assertThat(acceptedGroup.get(5, TimeUnit.SECONDS)).isZero();
            } finally {
                l.close();
            }
        }
    }

    @Test
    void autoIsIoUringWhereItLoadsElseEpollElseNio() {
        try (Transport t = Transport.create(TransportKind.AUTO, 1)) {
            assertThat(t.kind()).isEqualTo(Transport.loads(TransportKind.IO_URING) ? TransportKind.IO_URING
                    : Epoll.isAvailable() ? TransportKind.EPOLL : TransportKind.NIO);
        }
    }
}
