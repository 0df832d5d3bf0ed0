package io.floatlb.dataplane.echo;

import io.floatlb.core.net.HostPort;
import io.floatlb.core.net.IpAddresses;
import io.floatlb.dataplane.http.HttpReply;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Answers every request with what a backend saw of it: which backend and node it is, the
 * peer that connected, the client a PROXY header named, and the request itself.
 */
final class EchoHandler extends SimpleChannelInboundHandler<Object> {
    private final String name;
    private final String node;
    private String proxiedClient;
    private HttpHeaders sent;

    EchoHandler(String name, String node) {
        this.name = name;
        this.node = node;
    }

    /** The next request's headers as the client sent them (before aggregation touched them). */
    void sent(HttpHeaders headers) {
        sent = headers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HAProxyMessage header) {
            proxiedClient = header.sourceAddress() == null ? "unknown (" + header.command() + ")"
                    : IpAddresses.parse(header.sourceAddress())
                            .map(a -> new HostPort(a, header.sourcePort()).toString()).orElse(header.sourceAddress())
                            + " (PROXY " + header.protocolVersion() + ")";
        } else if (msg instanceof FullHttpRequest request) {
            reply(ctx, request);
        }
    }

    private void reply(ChannelHandlerContext ctx, FullHttpRequest request) {
        InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
        StringBuilder body = new StringBuilder()
                .append("backend: ").append(name).append('\n')
                .append("node: ").append(node).append('\n')
                .append("peer: ").append(new HostPort(peer.getAddress(), peer.getPort())).append('\n')
                .append("client: ").append(proxiedClient == null ? "- (no PROXY header)" : proxiedClient).append('\n')
                .append("request: ").append(request.method()).append(' ').append(request.uri()).append(' ')
                .append(request.protocolVersion()).append('\n');
        for (Map.Entry<String, String> h : sent != null ? sent : request.headers()) {
            body.append("header: ").append(h.getKey()).append(": ").append(h.getValue()).append('\n');
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = HttpReply.of(request.protocolVersion(), 200, "text/plain; charset=utf-8", bytes);
        response.headers().set("X-Backend", name);
        HttpReply.send(ctx, response, HttpUtil.isKeepAlive(request));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
