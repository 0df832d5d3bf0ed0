package io.floatlb.dataplane.proxy;

import io.floatlb.core.select.Target;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP client (address and port) of one VIP port. Its first datagram picks an endpoint;
 * the flow then has a socket of its own connected to that endpoint, on the VIP socket's
 * event loop, so the endpoint's replies reach this flow alone and leave from the VIP
 * socket: the client hears from the address it sent to. An ICMP port-unreachable on that
 * socket counts against the endpoint as a failed connect does and moves the flow's next
 * datagram to another endpoint, as does its endpoint going down by checks. The flow ends
 * after the service's {@code udp.idle-timeout} without a datagram either way, or when its
 * VIP socket closes.
 *
 * <p>It is the handler of each socket it opens in turn (one at a time, all on its loop),
 * hence sharable; a read from a socket it has moved away from is dropped.
 */
@ChannelHandler.Sharable
final class DatagramFlow extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(DatagramFlow.class);
    /** Datagrams that wait while the flow's socket connects (io_uring connects asynchronously). */
    static final int PENDING_LIMIT = 16;

    private final DatagramFront front;
    private final InetSocketAddress client;
    private final Route route;
    private final UdpCounters counters;
    private final IdleTimeout idle;
    private Target target;
    private TargetStats stats;
    private Relay.Side side;
    private Channel backend;
    private boolean connected;
    private List<ByteBuf> pending;
    /** Endpoints that answered this flow with port-unreachable; made on the first. */
    private List<Target> unreachable;
    private boolean written;
    private boolean ended;

    DatagramFlow(DatagramFront front, InetSocketAddress client, Route route, UdpCounters counters) {
        this.front = front;
        this.client = client;
        this.route = route;
        this.counters = counters;
        this.idle = new IdleTimeout(front.loop(), route.config().udp().idleTimeout().toNanos(), this::end);
        idle.start();
    }

    /** A datagram from the client; the flow owns {@code content} from here. */
    void fromClient(ByteBuf content) {
        idle.touch();
        if (backend != null && stats.down()) {
            closeBackend(); // its endpoint went down: the flow moves on, as kube-proxy flushes a UDP conntrack entry
        }
        if (backend == null) {
            open();
        }
        if (backend == null) {
            drop(content, UdpCounters.Drop.NO_ENDPOINT);
        } else if (connected) {
            send(content);
        } else if (pending.size() < PENDING_LIMIT) {
            pending.add(content);
        } else {
            drop(content, UdpCounters.Drop.CONNECTING);
        }
    }

    private void drop(ByteBuf content, UdpCounters.Drop reason) {
        content.release();
        counters.drop(reason);
    }

    private void send(ByteBuf content) {
        if (!backend.isWritable()) {
            drop(content, UdpCounters.Drop.CONGESTED_TO_BACKEND);
            return;
        }
        int bytes = content.readableBytes();
        counters.datagramsToBackend.increment();
        counters.bytesToBackend.add(bytes);
        stats.bytesToBackend.add(bytes);
        backend.write(content, backend.voidPromise());
        if (!written) {
            written = true;
            front.written(this);
        }
    }

    /** Sends what this read burst wrote, in one system call where the transport batches. */
    void flush() {
        written = false;
        if (backend != null) {
            backend.flush();
        }
    }

    private void open() {
        BackendPool pool = route.pool();
        Optional<Target> choice = pool.choose(front.port(), client.getAddress(),
                unreachable == null ? List.of() : unreachable);
        if (choice.isEmpty() && unreachable != null) {
            unreachable = null; // every endpoint failed this flow once: try those up again
            choice = pool.choose(front.port(), client.getAddress(), List.of());
        }
        if (choice.isEmpty()) {
            return;
        }
        target = choice.get();
        stats = pool.stats(target);
        side = pool.side(target);
        Channel ch = front.transport().datagramTo(target.endpoint().address());
        ch.pipeline().addLast(this);
        backend = ch;
        connected = false;
        pending = new ArrayList<>(2);
        side.opened();
        // On the loop this runs on, registering is done before register returns; epoll and
        // NIO connect a UDP socket at once too, io_uring completes it later.
        ChannelFuture registered = front.loop().register(ch);
        ChannelFuture connect = registered.isSuccess() ? ch.connect(target.hostPort().toSocketAddress()) : registered;
        Target chosen = target;
        connect.addListener(f -> connected(ch, chosen, f));
    }

    private void connected(Channel ch, Target chosen, Future<?> f) {
        if (ch != backend) {
            return; // the flow ended or moved on meanwhile
        }
        if (!f.isSuccess()) {
            failed(chosen, "connect failed: " + f.cause().getMessage());
            return;
        }
        connected = true;
        List<ByteBuf> waiting = pending;
        pending = null;
        waiting.forEach(this::send);
        flush();
    }

    /** Counts against the endpoint like a failed TCP connect; the next datagram goes elsewhere. */
    private void failed(Target t, String detail) {
        route.pool().connectFailed(t, detail);
        if (unreachable == null) {
            unreachable = new ArrayList<>(2);
        }
        unreachable.add(t);
        closeBackend();
    }

    private void closeBackend() {
        Channel ch = backend;
        if (ch == null) {
            return;
        }
        backend = null;
        if (pending != null) {
            pending.forEach(ByteBuf::release);
            pending = null;
        }
        side.closed();
        ch.close();
    }

    /** A reply from the endpoint: sent to the client from the VIP socket. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket reply = (DatagramPacket) msg;
        if (ctx.channel() != backend) {
            reply.release(); // the rest of a read burst of a socket the flow just left
            return;
        }
        Channel vip = front.channel();
        if (!vip.isWritable()) {
            drop(reply.content(), UdpCounters.Drop.CONGESTED_TO_CLIENT);
            return;
        }
        idle.touch();
        int bytes = reply.content().readableBytes();
        counters.datagramsToClient.increment();
        counters.bytesToClient.add(bytes);
        stats.bytesFromBackend.add(bytes);
        vip.write(new DatagramPacket(reply.content(), client), vip.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        front.channel().flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PortUnreachableException && ctx.channel() == backend) {
            failed(target, "ICMP port unreachable");
        } else {
            log.debug("{} {} flow of {}: {}", route.config().name(), front.port(), client, cause.toString());
        }
    }

    /** Idle for the timeout, or its VIP socket closed. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        idle.cancel();
        closeBackend();
        front.ended(client);
        counters.flows.decrementAndGet();
    }
}
