package io.floatlb.daemon.admin;

import io.floatlb.dataplane.http.HttpReply;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes one admin request and writes its reply; any failure of a route is a 500 with its reason, never a dropped reply. */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);

    private final Map<String, AdminServer.Route> routes;
    private final Executor worker;

    AdminHandler(Map<String, AdminServer.Route> routes, Executor worker) {
        this.routes = routes;
        this.worker = worker;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpVersion v = req.protocolVersion();
        if (!req.decoderResult().isSuccess()) {
            send(ctx, v, AdminServer.Reply.text(400, "malformed request\n"), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        AdminServer.Route route = routes.get(uri.path());
        if (route == null) {
            send(ctx, v, AdminServer.Reply.text(404,
                    "no such endpoint; try /status, /metrics, /healthz, /readyz, /drain-progress or POST /reload, /drain,"
                    + " /undrain\n"), keepAlive);
        } else if (!route.method().equals(req.method())) {
            send(ctx, v, AdminServer.Reply.text(405, "use " + route.method() + " " + uri.path() + "\n"), keepAlive);
        } else if (route.quick()) {
            send(ctx, v, answer(route, uri), keepAlive);
        } else {
            try {
                worker.execute(() -> send(ctx, v, answer(route, uri), keepAlive));
            } catch (RejectedExecutionException e) {
                send(ctx, v, AdminServer.Reply.text(503, "busy: too many admin requests queued; try again\n"), false);
            }
        }
    }

    private static AdminServer.Reply answer(AdminServer.Route route, QueryStringDecoder uri) {
        try {
            return route.handler().handle(uri.parameters());
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            // A class that could not be loaded (no file descriptor left to open its jar) is an
            // answer too: the client gets a 500 instead of waiting for a reply that never comes.
            log.warn("admin API {} failed: {}", uri.path(), e.toString());
            return AdminServer.Reply.text(500, "internal error: " + e.getMessage() + "\n");
        }
    }

    private static void send(ChannelHandlerContext ctx, HttpVersion version, AdminServer.Reply reply, boolean keepAlive) {
        HttpReply.send(ctx, HttpReply.of(version, reply.code(), reply.type(), reply.body()), keepAlive);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close(); // a request that never completes holds nothing past the idle time
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin client {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
