package io.floatlb.dataplane.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/** Closes a client connection that moved no bytes either way for the service's idle timeout. */
@ChannelHandler.Sharable
final class IdleCloser extends ChannelInboundHandlerAdapter {
    static final IdleCloser INSTANCE = new IdleCloser();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }
}
