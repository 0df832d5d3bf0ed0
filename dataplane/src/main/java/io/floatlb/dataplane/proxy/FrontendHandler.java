package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.ProxyLimits;
import io.floatlb.core.config.ProxyProtocol;
import io.floatlb.core.config.VipPort;
import io.floatlb.core.select.Target;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
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
 * One client connection: picks a target, connects to it on the client's own event loop as
 * soon as the client is accepted (no thread hop, no locks, no bootstrap), retries the next
 * target when a connect fails, then relays. What the client sends while the backend
 * connects waits here, up to {@link #EARLY_LIMIT} bytes; past that the client is not read
 * until it can be relayed. The handler stays in the pipeline for the connection's life: it
 * hands reads to its {@link Relay} once connected rather than replacing itself.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);
    static final int EARLY_LIMIT = 64 * 1024;

    private final ServiceProxy service;
    private final VipPort port;
    private Route route;
    private boolean admitted;
    /** Targets that failed this client; made on the first failure only. */
    private List<Target> tried;
    private List<Object> early;
    private int earlyBytes;
    private boolean clientDoneSending;
    private IdleTimeout idle;
    /** From the client to the backend, once connected. */
    private Relay relay;

    FrontendHandler(ServiceProxy service, VipPort port) {
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
        admitted = true;
        idle = IdleTimeout.closing(ctx.channel(), route.config().limits().idleTimeout().toNanos());
        idle.start();
        connectNext(ctx.channel());
    }

    private void connectNext(Channel client) {
        BackendPool pool = route.pool();
        Optional<Target> choice = pool.choose(port, ((InetSocketAddress) client.remoteAddress()).getAddress(),
                tried == null ? List.of() : tried);
        if (choice.isEmpty()) {
            log.debug("{} {}: no healthy endpoint for {} (tried {})", route.config().name(), port,
                    client.remoteAddress(), tried);
            client.close();
            return;
        }
        Target target = choice.get();
        TargetStats stats = pool.stats(target);
        ProxyLimits limits = route.config().limits();
        Channel backend;
        try {
            backend = service.transport().socketTo(target.endpoint().address());
        } catch (ChannelException e) {
            outOfSockets(client, e);
            return;
        }
        ChannelConfig config = backend.config();
        config.setConnectTimeoutMillis((int) limits.connectTimeout().toMillis());
        config.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        Buffering.apply(config);
        if (route.config().proxyProtocol() != ProxyProtocol.OFF) {
            backend.pipeline().addLast(HAProxyMessageEncoder.INSTANCE);
        }
        backend.pipeline().addLast(new Relay(client, idle, stats.bytesFromBackend, pool.side(target)));
        // Registering with the loop this runs on is done before register returns.
        ChannelFuture registered = client.eventLoop().register(backend);
        ChannelFuture connect = registered.isSuccess() ? backend.connect(target.hostPort().toSocketAddress()) : registered;
        connect.addListener(f -> {
            if (f.isSuccess()) {
                connected(client, backend, stats);
                return;
            }
            backend.close(); // a failed connect leaves the socket open (Bootstrap would close it)
            pool.connectFailed(target, "connect failed: " + f.cause().getMessage());
            if (tried == null) {
                tried = new ArrayList<>(2);
            }
            tried.add(target);
            if (client.isActive() && tried.size() <= limits.retries()) {
                connectNext(client);
            } else {
                client.close();
            }
        });
    }

    /**
     * No socket for the backend: the process is out of file descriptors (or the kernel of
     * buffers), which is no endpoint's fault. The client's listener pauses as when accept
     * itself fails ({@code AcceptPause}: one line, a second without accepting): io_uring
     * accepts ahead of the loop, so a shortage shows here first.
     */
    private static void outOfSockets(Channel client, ChannelException e) {
        client.close();
        Channel listener = client.parent();
        if (listener != null) {
            listener.pipeline().fireExceptionCaught(e.getCause() != null ? e.getCause() : e);
        }
    }

    private void connected(Channel client, Channel backend, TargetStats stats) {
        if (!client.isActive()) {
            backend.close();
            return;
        }
        ProxyProtocol pp = route.config().proxyProtocol();
        if (pp != ProxyProtocol.OFF) {
            backend.write(ProxyHeader.of(pp, (InetSocketAddress) client.remoteAddress(),
                    (InetSocketAddress) client.localAddress()), backend.voidPromise());
        }
        if (early != null) {
            early.forEach(msg -> backend.write(msg, backend.voidPromise()));
            early = null;
            stats.bytesToBackend.add(earlyBytes);
        }
        backend.flush();
        relay = new Relay(backend, idle, stats.bytesToBackend, Relay.Side.IGNORED);
        if (clientDoneSending) {
            client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        } else {
            client.config().setAutoRead(true);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (relay != null) {
            relay.channelRead(ctx, msg);
            return;
        }
        if (early == null) {
            early = new ArrayList<>(1);
        }
        early.add(msg);
        earlyBytes += msg instanceof ByteBuf b ? b.readableBytes() : 0;
        if (earlyBytes >= EARLY_LIMIT) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (relay != null) {
            relay.channelReadComplete(ctx);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (relay != null) {
            relay.channelWritabilityChanged(ctx);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (relay != null) {
            relay.userEventTriggered(ctx, evt);
        } else if (evt instanceof ChannelInputShutdownEvent) {
            clientDoneSending = true;
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (admitted) {
            service.left();
            idle.cancel();
        }
        if (relay != null) {
            relay.channelInactive(ctx);
        } else if (early != null) {
            early.forEach(ReferenceCountUtil::release);
            early = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client {} closed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
