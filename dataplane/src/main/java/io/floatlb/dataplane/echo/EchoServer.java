package io.floatlb.dataplane.echo;

import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;

/** The echo backend: an HTTP/1.1 server (keep-alive) that tells who it is and what it saw. */
public final class EchoServer implements AutoCloseable {
    private final Channel channel;

    private EchoServer(Channel channel) {
        this.channel = channel;
    }

    public static EchoServer start(Transport transport, HostPort listen, String name, String node) {
        ChannelFuture bound = transport.server()
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ProxyProtocolSniffer(), new HttpServerCodec(),
                                new HttpObjectAggregator(1 << 20), new EchoHandler(name, node));
                    }
                })
                .bind(listen.toSocketAddress())
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("echo backend " + name + " cannot listen on " + listen + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        return new EchoServer(bound.channel());
    }

    public HostPort address() {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return new HostPort(a.getAddress(), a.getPort());
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
    }
}
