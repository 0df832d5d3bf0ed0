package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.ProxyProtocol;
import io.floatlb.core.select.Target;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: picks a target, connects to it on the client's own event loop
 * (no thread hop, no locks), retries the next target when a connect fails, then hands both
 * channels to {@link Relay}. The client is not read until the backend is connected, so
 * nothing is buffered while connecting.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    private final ProxyListener listener;
    private final List<Target> tried = new ArrayList<>(2);
    /**
     * Epoll reads a half-closed socket even with AUTO_READ off, to see the EOF: bytes and the
     * EOF that arrive before the backend is connected wait here instead of being lost.
     */
    private final List<Object> early = new ArrayList<>(1);
    private boolean clientDoneSending;

    FrontendHandler(ProxyListener listener) {
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!listener.service().admit(ctx.channel())) {
            ctx.close();
            return;
        }
        connectNext(ctx.channel());
    }

    private void connectNext(Channel client) {
        InetSocketAddress clientAddress = (InetSocketAddress) client.remoteAddress();
        Optional<Target> choice = listener.pool().choose(listener.port(), clientAddress.getAddress(), tried);
        if (choice.isEmpty()) {
            log.debug("{}: no healthy endpoint for {} (tried {})", listener, clientAddress, tried);
            client.close();
            return;
        }
        Target target = choice.get();
        tried.add(target);
        Bootstrap b = listener.transport().client(client.eventLoop())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) listener.limits().connectTimeout().toMillis())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new Relay(client));
        ChannelFuture connect = b.connect(target.hostPort().toSocketAddress());
        connect.addListener(f -> {
            if (f.isSuccess()) {
                connected(client, connect.channel(), target);
            } else {
                listener.pool().report(target, false, "connect failed: " + f.cause().getMessage());
                if (client.isActive() && tried.size() <= listener.limits().retries()) {
                    connectNext(client);
                } else {
                    client.close();
                }
            }
        });
    }

    private void connected(Channel client, Channel backend, Target target) {
        if (!client.isActive()) {
            backend.close();
            return;
        }
        BackendPool pool = listener.pool();
        pool.opened(target);
        backend.closeFuture().addListener(f -> pool.closed(target));
        ProxyProtocol pp = listener.service().config().proxyProtocol();
        if (pp != ProxyProtocol.OFF) {
            backend.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
            backend.write(ProxyHeader.of(pp, (InetSocketAddress) client.remoteAddress(),
                    (InetSocketAddress) client.localAddress()), backend.voidPromise());
            backend.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
        }
        early.forEach(msg -> backend.write(msg, backend.voidPromise()));
        early.clear();
        backend.flush();
        client.pipeline().replace(this, "relay", new Relay(backend));
        if (clientDoneSending) {
            client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        } else {
            client.config().setAutoRead(true);
        }
        backend.config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        early.add(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            clientDoneSending = true;
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client {} closed while connecting: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
