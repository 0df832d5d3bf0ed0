package io.floatlb.dataplane.echo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ProtocolDetectionResult;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import java.util.List;

/**
 * Lets one port take clients with and without a PROXY header: the first bytes decide,
 * then this handler steps out of the pipeline.
 */
final class ProxyProtocolSniffer extends ByteToMessageDecoder {

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ProtocolDetectionResult<HAProxyProtocolVersion> r = HAProxyMessageDecoder.detectProtocol(in);
        switch (r.state()) {
            case NEEDS_MORE_DATA -> { }
            case DETECTED -> ctx.pipeline().replace(this, "proxy-protocol", new HAProxyMessageDecoder());
            case INVALID -> ctx.pipeline().remove(this);
        }
    }
}
