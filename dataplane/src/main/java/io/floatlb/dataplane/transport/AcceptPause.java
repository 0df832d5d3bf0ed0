package io.floatlb.dataplane.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a listener does when accept fails (too many open files, no buffers): stops accepting
 * for a second instead of spinning on the error, says so in one line per pause, and
 * counts. Without it every failed accept reaches the end of Netty's pipeline as a warning
 * with a stack trace.
 */
public final class AcceptPause extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AcceptPause.class);
    static final long PAUSE_MILLIS = 1_000;

    private final LongAdder failures;

    public AcceptPause(LongAdder failures) {
        this.failures = failures;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        failures.increment();
        if (ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            log.warn("listener {} cannot accept ({}); pausing accepts for {} ms", ctx.channel().localAddress(),
                    cause.getMessage(), PAUSE_MILLIS);
            ctx.channel().eventLoop().schedule(() -> ctx.channel().config().setAutoRead(true), PAUSE_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }
}
