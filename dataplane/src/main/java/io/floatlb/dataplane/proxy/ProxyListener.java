package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.ProxyLimits;
import io.floatlb.core.net.HostPort;
import io.floatlb.core.select.Target;
import io.floatlb.dataplane.transport.Listening;
import io.floatlb.dataplane.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
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

    /** A bootstrap for a backend connection on the client's own event loop. */
    Bootstrap backendBootstrap(EventLoop loop, Target target) {
        return transport().client(loop, target.endpoint().address())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) limits().connectTimeout().toMillis())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }

    void bind() {
        listening = transport().listen(address, true, b -> b
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrontendHandler(ProxyListener.this));
                    }
                }));
    }

    void close() {
        if (listening != null) {
            listening.close();
        }
    }

    ServiceProxy service() {
        return service;
    }

    BackendPool pool() {
        return service.pool();
    }

    int port() {
        return address.port();
    }

    ProxyLimits limits() {
        return service.config().limits();
    }

    Transport transport() {
        return service.transport();
    }

    public HostPort address() {
        return address;
    }

    @Override
    public String toString() {
        return service.config().name() + " " + address;
    }
}
