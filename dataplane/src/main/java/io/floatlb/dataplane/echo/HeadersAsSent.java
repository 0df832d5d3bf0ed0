package io.floatlb.dataplane.echo;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;

/** Hands the echo each request's headers exactly as the client sent them, then passes the request on. */
final class HeadersAsSent extends ChannelInboundHandlerAdapter {
    private final EchoHandler echo;

    HeadersAsSent(EchoHandler echo) {
        this.echo = echo;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            echo.sent(request.headers().copy());
        }
        ctx.fireChannelRead(msg);
    }
}
