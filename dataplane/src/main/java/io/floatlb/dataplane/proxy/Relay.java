package io.floatlb.dataplane.proxy;

import io.floatlb.dataplane.transport.DirectMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies bytes from its channel to the peer. Backpressure: as soon as a read takes the
 * peer's outbound buffer past its high-water mark (checked on every read, not only at the
 * end of a read burst) this side stops reading until the peer drains, so a slow reader
 * holds at most the high-water mark plus the read that crossed it in the proxy.
 * Half-close: an EOF on this side becomes a FIN on the peer once everything before it is
 * written.
 */
final class Relay extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private final Channel peer;
    private final IdleTimeout idle;
    private final LongAdder bytes;
    private final Side side;
    private boolean heard;

    /**
     * What a relay tells of its side: that it opened and closed (a target's open
     * connections), whether it sent anything before it ended while the peer still talked.
     */
    interface Side {
        Side IGNORED = new Side() { };

        default void opened() { }

        default void closed() { }

        default void heard() { }

        default void closedSilently() { }
    }

    /**
     * @param bytes counts what this side reads (and passes on)
     * @param side hears this side open, talk and end
     */
    Relay(Channel peer, IdleTimeout idle, LongAdder bytes, Side side) {
        this.peer = peer;
        this.idle = idle;
        this.bytes = bytes;
        this.side = side;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        side.opened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            bytes.add(b.readableBytes());
        }
        if (!heard) {
            heard = true;
            side.heard();
        }
        if (peer.isActive()) {
            peer.write(msg, peer.voidPromise());
            if (!peer.isWritable()) {
                // Past the high-water mark: hand the kernel what it takes now, and stop reading
                // only if that leaves the peer unwritable (its writable event starts reading
                // again). Stopping on every crossing would stop and start a bulk transfer
                // every 64 KiB.
                peer.flush();
                if (!peer.isWritable()) {
                    ctx.channel().config().setAutoRead(false);
                }
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        idle.touch();
        peer.flush();
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        } else if (DirectMemory.scarce() && held(peer) > 0) {
            readAgainOnceWritten(ctx.channel());
        }
    }

    /**
     * Direct memory runs short: this side is read again only once the peer has handed all it
     * holds to its kernel, so a connection whose peer stopped reading keeps one small read.
     */
    private void readAgainOnceWritten(Channel self) {
        self.config().setAutoRead(false);
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (f.isSuccess() && peer.isWritable() && !((DuplexChannel) self).isInputShutdown()) {
                self.config().setAutoRead(true);
            }
        });
    }

    /** What {@code ch} was given to write and has not handed to its kernel yet. */
    private static long held(Channel ch) {
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /**
     * This channel drained below its low-water mark: the peer may read again, unless it has
     * already seen EOF (a read request on a shut input closes the channel).
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !((DuplexChannel) peer).isInputShutdown()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            endedSilently();
            DuplexChannel self = (DuplexChannel) ctx.channel();
            if (self.isOutputShutdown()) {
                closeOnFlush(peer);
                ctx.close();
            } else {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> passOnEof());
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * Everything this side sent is written to the peer: its FIN follows. If the peer sent
     * its own FIN while that write was still going (a write completes later on io_uring, or
     * behind a slow reader), both directions are over and only a close ends the connection:
     * the peer's EOF, which would have closed it, has been read already.
     */
    private void passOnEof() {
        if (!(peer instanceof DuplexChannel duplex) || !peer.isActive()) {
            return;
        }
        if (duplex.isInputShutdown()) {
            peer.close(); // its relay's channelInactive closes this side once its writes are out
            return;
        }
        shutdownOutput(duplex);
        // Both directions end with the peer's EOF now: let Netty close it then, instead of
        // shutting an input whose connection is gone.
        peer.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        endedSilently();
        side.closed();
        closeOnFlush(peer);
    }

    /** This side ended without a byte while the peer was still there and sending: said once. */
    private void endedSilently() {
        if (!heard && peer.isActive() && !((DuplexChannel) peer).isInputShutdown()) {
            heard = true;
            side.closedSilently();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("relay {} closed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    /**
     * Sends a FIN once everything before it is written (the caller waited for its flush).
     * Netty's own {@code shutdownOutput} makes a {@code ChannelOutputShutdownException}, with
     * its stack trace, on every call to fail writes still queued, and a proxied connection
     * ends this way half the time: there are none here, so on the native transports the
     * socket's own shutdown does it (the socket keeps the state Netty reads).
     */
    static void shutdownOutput(DuplexChannel ch) {
        if (ch instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
            try {
                socket.shutdown(false, true);
            } catch (IOException e) {
                log.debug("relay {} closed: shutdown failed: {}", ch, e.toString());
                ch.close();
            }
        } else {
            ch.shutdownOutput();
        }
    }

    /** Close after what is already queued has been written, so no reply bytes are lost. */
    static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
