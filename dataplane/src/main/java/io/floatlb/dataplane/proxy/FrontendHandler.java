package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.ProxyLimits;
import io.floatlb.core.config.ProxyProtocol;
import io.floatlb.core.select.Target;
import io.netty.buffer.ByteBuf;
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
 * channels to {@link Relay}. What the client sends while the backend connects waits here,
 * up to {@link #EARLY_LIMIT} bytes; past that the client is not read until it can be relayed.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);
    static final int EARLY_LIMIT = 64 * 1024;

    private final ServiceProxy service;
    private final int port;
    private Route route;
    private final List<Target> tried = new ArrayList<>(2);
    private final List<Object> early = new ArrayList<>(1);
    private int earlyBytes;
    private boolean clientDoneSending;
    private IdleTimeout idle;

    FrontendHandler(ServiceProxy service, int port) {
        this.service = service;
        this.port = port;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        route = service.route();
        if (!service.admit(ctx.channel(), route)) {
            ctx.close();
            return;
        }
        idle = new IdleTimeout(ctx.channel(), route.config().limits().idleTimeout().toNanos());
        idle.start();
        connectNext(ctx.channel());
    }

    private void connectNext(Channel client) {
        InetSocketAddress clientAddress = (InetSocketAddress) client.remoteAddress();
        BackendPool pool = route.pool();
        Optional<Target> choice = pool.choose(port, clientAddress.getAddress(), tried);
        if (choice.isEmpty()) {
            log.debug("{}:{}: no healthy endpoint for {} (tried {})", route.config().name(), port, clientAddress, tried);
            client.close();
            return;
        }
        Target target = choice.get();
        TargetStats stats = pool.stats(target);
        tried.add(target);
        ProxyLimits limits = route.config().limits();
        ChannelFuture connect = service.transport().client(client.eventLoop(), target.endpoint().address())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) limits.connectTimeout().toMillis())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new Relay(client, idle, stats.bytesFromBackend, pool.silence(target)))
                .connect(target.hostPort().toSocketAddress());
        connect.addListener(f -> {
            if (f.isSuccess()) {
                connected(client, connect.channel(), pool, target, stats);
            } else {
                pool.connectFailed(target, "connect failed: " + f.cause().getMessage());
                if (client.isActive() && tried.size() <= limits.retries()) {
                    connectNext(client);
                } else {
                    client.close();
                }
            }
        });
    }

    private void connected(Channel client, Channel backend, BackendPool pool, Target target, TargetStats stats) {
        if (!client.isActive()) {
            backend.close();
            return;
        }
        pool.opened(target);
        backend.closeFuture().addListener(f -> pool.closed(target));
        ProxyProtocol pp = route.config().proxyProtocol();
        if (pp != ProxyProtocol.OFF) {
            backend.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
            backend.write(ProxyHeader.of(pp, (InetSocketAddress) client.remoteAddress(),
                    (InetSocketAddress) client.localAddress()), backend.voidPromise());
            backend.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
        }
        early.forEach(msg -> backend.write(msg, backend.voidPromise()));
        early.clear();
        backend.flush();
        stats.bytesToBackend.add(earlyBytes);
        client.pipeline().replace(this, "relay", new Relay(backend, idle, stats.bytesToBackend, Relay.Silence.IGNORED));
        if (clientDoneSending) {
            client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        } else {
            client.config().setAutoRead(true);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        early.add(msg);
        earlyBytes += msg instanceof ByteBuf b ? b.readableBytes() : 0;
        if (earlyBytes >= EARLY_LIMIT) {
            ctx.channel().config().setAutoRead(false);
        }
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
