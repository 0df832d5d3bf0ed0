package io.floatlb.dataplane.proxy;

import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.transport.Listening;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;

/** The listening socket of one {@code VIP:port}; it outlives reloads that keep that address. */
public final class ProxyListener {
    private final ServiceProxy service;
    private final HostPort address;
    private Listening listening;

    ProxyListener(ServiceProxy service, HostPort address) {
        this.service = service;
        this.address = address;
    }

    void bind() {
        listening = service.transport().listen(address, true, b -> b
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Buffering.WATER_MARK)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, Buffering.reads())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrontendHandler(service, address.port()));
                    }
                }));
    }

    void close() {
        if (listening != null) {
            listening.close();
        }
    }

    @Override
    public String toString() {
        return service.config().name() + " " + address;
    }
}
