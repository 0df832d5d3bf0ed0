package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.VipPort;
import io.floatlb.dataplane.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP socket of a VIP port and the flows of the clients the kernel steers to it. It
 * and its flows live on one event loop, so the flow table is a plain map.
 */
final class DatagramFront extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(DatagramFront.class);

    private final DatagramListener listener;
    private final Map<InetSocketAddress, DatagramFlow> flows = new HashMap<>();
    /** Flows written to in this read burst, flushed at its end. */
    private final List<DatagramFlow> written = new ArrayList<>();
    private Channel channel;
    private volatile long lastDatagramNanos;

    DatagramFront(DatagramListener listener) {
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket datagram = (DatagramPacket) msg;
        DatagramFlow flow = flows.get(datagram.sender());
        if (flow == null) {
            flow = admit(datagram.sender());
            if (flow == null) {
                datagram.release();
                return;
            }
        }
        flow.fromClient(datagram.content());
    }

    private DatagramFlow admit(InetSocketAddress client) {
        ServiceProxy service = listener.service;
        if (!listener.admitting()) {
            service.udp().drop(UdpCounters.Drop.DRAINING);
            return null;
        }
        Route route = service.route();
        if (!service.admitFlow(route)) {
            return null;
        }
        DatagramFlow flow = new DatagramFlow(this, client, route, service.udp());
        flows.put(client, flow);
        return flow;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        for (DatagramFlow f : written) {
            f.flush();
        }
        written.clear();
        lastDatagramNanos = System.nanoTime();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        new ArrayList<>(flows.values()).forEach(DatagramFlow::end);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} {}: {}", listener, ctx.channel(), cause.toString());
    }

    void written(DatagramFlow flow) {
        written.add(flow);
    }

    void ended(InetSocketAddress client) {
        flows.remove(client);
    }

    /** When a client of this socket last sent, as {@link System#nanoTime()}; 0 before any. */
    long lastDatagramNanos() {
        return lastDatagramNanos;
    }

    Channel channel() {
        return channel;
    }

    EventLoop loop() {
        return channel.eventLoop();
    }

    VipPort port() {
        return listener.port;
    }

    Transport transport() {
        return listener.service.transport();
    }
}
