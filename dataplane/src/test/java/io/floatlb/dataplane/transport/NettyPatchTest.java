package io.floatlb.dataplane.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatlb.core.config.TransportKind;
import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.Net;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class NettyPatchTest {
    @Test
    void theBuildsClassPathLoadsThePatchedNettyClasses() {
        assertTrue(NettyPatch.inUse(), "floatlb-netty-patch must come before Netty's jars (first dependency of dataplane)");
    }

    /** The addresses the patch takes from the listener and the target instead of the kernel are the kernel's. */
    @Test
    void acceptedAndConnectedSocketsReportTheKernelsAddresses() throws Exception {
        assumeTrue(Transport.loads(TransportKind.IO_URING), "io_uring does not load on this kernel");
        InetAddress host = Net.loopback(64);
        CompletableFuture<List<SocketAddress>> accepted = new CompletableFuture<>();
        try (Transport t = Transport.create(TransportKind.IO_URING, 1)) {
            Listening l = t.listen(new HostPort(host, 0), false, b -> b.childHandler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    accepted.complete(List.of(ctx.channel().localAddress(), ctx.channel().remoteAddress()));
                }
            }));
            try (Socket client = new Socket(host, l.address().port())) {
                assertThat(accepted.get(5, TimeUnit.SECONDS))
                        .containsExactly(client.getRemoteSocketAddress(), client.getLocalSocketAddress());
            } finally {
                l.close();
            }

            try (ServerSocket target = new ServerSocket(0, 1, host)) {
                Channel ch = t.socketTo(host);
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter());
                assertThat(t.workers().next().register(ch).awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
                assertThat(ch.connect(target.getLocalSocketAddress()).awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
                try (Socket peer = target.accept()) {
                    assertThat(ch.remoteAddress()).isEqualTo(new InetSocketAddress(host, target.getLocalPort()));
                    assertThat(ch.localAddress()).isEqualTo(peer.getRemoteSocketAddress());
                } finally {
                    ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                }
            }
        }
    }
}
