package io.floatlb.dataplane.echo;

import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.transport.Listening;
import io.floatlb.dataplane.transport.Transport;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The echo backend: an HTTP/1.1 server (keep-alive), or a UDP server, that tells who it is
 * and what it saw.
 */
public final class EchoServer implements AutoCloseable {
    private final Listening listening;

    private EchoServer(Listening listening) {
        this.listening = listening;
    }

    public static EchoServer start(Transport transport, HostPort listen, String name, String node) {
        try {
            return new EchoServer(transport.listen(listen, false, b -> b
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            EchoHandler echo = new EchoHandler(name, node);
                            // The headers are taken before the aggregator, which adds a
                            // content-length the client never sent.
                            ch.pipeline().addLast(new ProxyProtocolSniffer(), new HttpServerCodec(),
                                    new HeadersAsSent(echo), new HttpObjectAggregator(1 << 20), echo);
                        }
                    })));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("echo backend " + name + " cannot listen on " + listen + ": "
                    + e.getMessage(), e);
        }
    }

    /** A UDP echo: each datagram answered with the backend's name, node and the peer it saw. */
    public static EchoServer startUdp(Transport transport, HostPort listen, String name, String node) {
        DatagramEchoHandler echo = new DatagramEchoHandler(name, node);
        try {
            return new EchoServer(transport.listenDatagram(listen, false, () -> echo));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("echo backend " + name + " cannot listen on " + listen + "/udp: "
                    + e.getMessage(), e);
        }
    }

    public HostPort address() {
        return listening.address();
    }

    @Override
    public void close() {
        listening.close();
    }
}
