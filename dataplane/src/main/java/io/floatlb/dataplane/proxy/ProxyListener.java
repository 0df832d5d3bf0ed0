package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.Protocol;
import io.floatlb.core.net.HostPort;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;

/** The listening sockets of one TCP {@code VIP:port}; they outlive reloads that keep that address. */
final class ProxyListener extends PortListener {

    ProxyListener(ServiceProxy service, HostPort address) {
        super(service, address, Protocol.TCP);
    }

    @Override
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
                        ch.pipeline().addLast(new FrontendHandler(service, port));
                    }
                }));
    }

    /** Closing the listening sockets refuses new clients and leaves accepted connections be. */
    @Override
    void stopAdmitting() {
        close();
    }

    /** Accepted connections are counted by the service, not here. */
    @Override
    boolean busy() {
        return false;
    }
}
