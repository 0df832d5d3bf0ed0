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
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
        acceptThenConnect(Net.loopback(64),
                (child, client) -> assertThat(List.of(child.localAddress(), child.remoteAddress()))
                        .containsExactly(client.getRemoteSocketAddress(), client.getLocalSocketAddress()),
                (ch, peer) -> assertThat(List.of(ch.localAddress(), ch.remoteAddress()))
                        .containsExactly(peer.getRemoteSocketAddress(), peer.getLocalSocketAddress()));
    }

    /**
     * An IPv4 listener accepts, and a connection to an IPv4 target opens, AF_INET sockets (the
     * kernel's IPv4 table lists them), and an accepted socket has TCP_NODELAY from its listener.
     */
    @Test
    void socketsAreOfTheirAddressesFamilyAndAcceptedOnesNoDelayFromTheirListener() throws Exception {
        acceptThenConnect(Net.loopback(65), (child, client) -> {
            assertThat(child.config().getOption(ChannelOption.TCP_NODELAY)).as("TCP_NODELAY, read back from the kernel")
                    .isTrue();
            assertThat(ipv4Table()).as("the accepted socket in /proc/net/tcp")
                    .anyMatch(row(client.getPort(), client.getLocalPort()));
        }, (ch, peer) -> assertThat(ipv4Table()).as("the connected socket in /proc/net/tcp")
                .anyMatch(row(peer.getPort(), peer.getLocalPort())));
    }

    /** A check of one of our sockets against the plain socket at its other end. */
    private interface PairCheck {
        void check(Channel ours, Socket theirs) throws Exception;
    }

    /** On io_uring: accepts one connection from a plain client, then connects to a plain server. */
    private static void acceptThenConnect(InetAddress host, PairCheck accepted, PairCheck connected) throws Exception {
        assumeTrue(Transport.loads(TransportKind.IO_URING), "io_uring does not load on this kernel");
        CompletableFuture<Channel> child = new CompletableFuture<>();
        try (Transport t = Transport.create(TransportKind.IO_URING, 1)) {
            Listening l = listen(t, host, child);
            try (Socket client = new Socket(host, l.address().port())) {
                accepted.check(child.get(5, TimeUnit.SECONDS), client);
            } finally {
                l.close();
            }
            try (ServerSocket target = new ServerSocket(0, 1, host)) {
                Channel ch = connected(t, target);
                try (Socket peer = target.accept()) {
                    connected.check(ch, peer);
                } finally {
                    ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Listens on {@code host}, completing {@code accepted} with the first accepted socket once active. */
    private static Listening listen(Transport t, InetAddress host, CompletableFuture<Channel> accepted) {
        return t.listen(new HostPort(host, 0), false, b -> b.childHandler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                accepted.complete(ctx.channel());
            }
        }));
    }

    /** A socket of {@code t} connected to {@code target}, on one of its loops. */
    private static Channel connected(Transport t, ServerSocket target) {
        Channel ch = t.socketTo(target.getInetAddress());
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter());
        assertThat(t.workers().next().register(ch).awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ch.connect(target.getLocalSocketAddress()).awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
        return ch;
    }

    private static List<String> ipv4Table() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/net/tcp"));
    }

    /** A row of /proc/net/tcp: "sl local_address rem_address ...", addresses as HEXIP:HEXPORT. */
    private static Predicate<String> row(int localPort, int remotePort) {
        return line -> {
            String[] f = line.trim().split("\\s+");
            return f.length > 2 && f[1].endsWith(String.format(":%04X", localPort))
                    && f[2].endsWith(String.format(":%04X", remotePort));
        };
    }
}
