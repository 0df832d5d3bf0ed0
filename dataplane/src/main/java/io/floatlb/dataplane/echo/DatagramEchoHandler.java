package io.floatlb.dataplane.echo;

import io.floatlb.core.net.HostPort;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.nio.charset.StandardCharsets;

/**
 * Answers each datagram with one datagram: lines that name the backend, its node and the
 * peer it saw (for a proxied flow, the proxy's address), then the datagram's own bytes.
 */
@ChannelHandler.Sharable
final class DatagramEchoHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final String name;
    private final String node;

    DatagramEchoHandler(String name, String node) {
        this.name = name;
        this.node = node;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket datagram) {
        String head = "backend: " + name + "\nnode: " + node + "\npeer: "
                + new HostPort(datagram.sender().getAddress(), datagram.sender().getPort()) + "\n\n";
        ByteBuf reply = ctx.alloc().buffer();
        reply.writeCharSequence(head, StandardCharsets.UTF_8);
        reply.writeBytes(datagram.content(), datagram.content().readerIndex(), datagram.content().readableBytes());
        ctx.writeAndFlush(new DatagramPacket(reply, datagram.sender()));
    }
}
