package io.floatlb.dataplane.health;

import io.floatlb.core.config.HealthCheck;
import io.floatlb.core.config.Protocol;
import io.floatlb.core.net.HostPort;
import io.floatlb.core.select.Target;
import io.floatlb.dataplane.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.concurrent.TimeUnit;

/**
 * One active check of one target: a TCP connect, or an HTTP GET whose status the check
 * accepts, at the check's port or else the target's. A UDP target without a check port gets
 * keepalived's UDP_CHECK: a one-byte datagram (Netty never sends an empty one), which fails
 * only if an ICMP port-unreachable comes back within the timeout. It completes exactly once,
 * with a reason on failure, within the check's timeout.
 */
final class Probe {

    record Outcome(boolean success, String detail) {}

    private Probe() {}

    static Future<Outcome> run(Transport transport, EventLoop loop, Target target, HealthCheck check) {
        if (target.protocol() == Protocol.UDP && check.port() == 0) {
            return datagram(transport, loop, target, check);
        }
        InetSocketAddress at = new InetSocketAddress(target.endpoint().address(),
                check.port() != 0 ? check.port() : target.port());
        Promise<Outcome> result = loop.newPromise();
        long timeoutMillis = check.timeout().toMillis();
        Bootstrap b = transport.client(loop, target.endpoint().address())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (check.kind() == HealthCheck.Kind.HTTP) {
                            ch.pipeline().addLast(new HttpClientCodec(), new StatusReader(check, result));
                        }
                    }
                });
        ChannelFuture connect = b.connect(at);
        endsWithin(check, loop, connect.channel(), result, new Outcome(false, "no answer within " + timeoutMillis + " ms"));
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.trySuccess(new Outcome(false, "connect failed: " + f.cause().getMessage()));
            } else if (check.kind() == HealthCheck.Kind.TCP) {
                result.trySuccess(new Outcome(true, "connected"));
            } else {
                DefaultFullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, check.path());
                get.headers().set(HttpHeaderNames.HOST, new HostPort(at.getAddress(), at.getPort()).toString())
                        .set(HttpHeaderNames.USER_AGENT, "floatlb-health")
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                connect.channel().writeAndFlush(get);
            }
        });
        return result;
    }

    private static Future<Outcome> datagram(Transport transport, EventLoop loop, Target target, HealthCheck check) {
        Promise<Outcome> result = loop.newPromise();
        Channel ch = transport.datagramTo(target.endpoint().address());
        ch.pipeline().addLast(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
                result.trySuccess(new Outcome(true, "answered"));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                result.trySuccess(new Outcome(false, cause instanceof PortUnreachableException
                        ? "ICMP port unreachable" : cause.toString()));
            }
        });
        endsWithin(check, loop, ch, result, new Outcome(true, "no port-unreachable within "
                + check.timeout().toMillis() + " ms"));
        ChannelFuture registered = loop.register(ch);
        registered.addListener(r -> {
            if (!r.isSuccess()) {
                result.trySuccess(new Outcome(false, "no socket: " + r.cause().getMessage()));
                return;
            }
            ch.connect(target.hostPort().toSocketAddress()).addListener(c -> {
                if (c.isSuccess()) {
                    ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[1]));
                } else {
                    result.trySuccess(new Outcome(false, "connect failed: " + c.cause().getMessage()));
                }
            });
        });
        return result;
    }

    /** Completes {@code result} with {@code atTimeout} when nothing else did first, then closes the socket. */
    private static void endsWithin(HealthCheck check, EventLoop loop, Channel ch, Promise<Outcome> result,
                                   Outcome atTimeout) {
        var timer = loop.schedule(() -> result.trySuccess(atTimeout), check.timeout().toMillis(), TimeUnit.MILLISECONDS);
        result.addListener(f -> {
            timer.cancel(false);
            // A socket that could not even be made (file descriptors exhausted) has no loop to close on.
            if (ch.isRegistered()) {
                ch.close();
            }
        });
    }

    private static final class StatusReader extends SimpleChannelInboundHandler<Object> {
        private final HealthCheck check;
        private final Promise<Outcome> result;

        StatusReader(HealthCheck check, Promise<Outcome> result) {
            this.check = check;
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpResponse r) {
                int status = r.status().code();
                result.trySuccess(new Outcome(check.accepts(status), "HTTP " + status));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.trySuccess(new Outcome(false, "closed before an HTTP status line"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.trySuccess(new Outcome(false, cause.toString()));
        }
    }
}
