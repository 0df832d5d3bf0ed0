package io.floatlb.dataplane.transport;

import io.floatlb.core.net.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loops and socket classes of one process: native epoll when it loads, NIO
 * otherwise. Everything that opens a socket takes its bootstrap from here.
 */
public final class Transport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Transport.class);
    /**
     * The longest any thread waits for an event loop (a bind, a close). A loop that takes
     * longer is stuck; waiting on would hang the waiter too, so it fails with this bound.
     */
    public static final long LOOP_WAIT_MILLIS = 5_000;

    private final boolean epoll;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final LongAdder acceptFailures = new LongAdder();

    private Transport(boolean epoll, int workerThreads) {
        this.epoll = epoll;
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.acceptors = new MultiThreadIoEventLoopGroup(1, factory);
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads, factory);
    }

    /** @param workerThreads 0 for one per core */
    public static Transport create(int workerThreads) {
        int threads = workerThreads > 0 ? workerThreads : Runtime.getRuntime().availableProcessors();
        if (Epoll.isAvailable()) {
            return new Transport(true, threads);
        }
        log.info("native epoll unavailable ({}); using NIO", Epoll.unavailabilityCause().toString());
        return new Transport(false, threads);
    }

    public boolean isEpoll() {
        return epoll;
    }

    /** Accepts that failed on any listener (file descriptors or buffers exhausted). */
    public long acceptFailures() {
        return acceptFailures.sum();
    }

    public EventLoopGroup workers() {
        return workers;
    }

    /**
     * Binds a listener. With epoll every event loop gets its own socket on the address
     * (SO_REUSEPORT): the kernel spreads new connections over them and each connection is
     * accepted and served by one thread, with no hand-over between threads.
     *
     * @param freeBind bind even if the host does not have the address yet: a VIP arrives on
     *     an interface only when this node owns it, but its listener is ready before that
     * @param child sets the child options and handler
     */
    public Listening listen(HostPort address, boolean freeBind, Consumer<ServerBootstrap> child) {
        List<Channel> bound = new ArrayList<>();
        InetSocketAddress where = address.toSocketAddress();
        try {
            if (!epoll) {
                ServerBootstrap b = new ServerBootstrap().group(acceptors, workers).channel(NioServerSocketChannel.class);
                child.accept(b);
                b.handler(new AcceptPause(acceptFailures));
                bound.add(bind(b, where));
            } else {
                refuseIfTaken(where, freeBind);
                for (EventExecutor loop : workers) {
                    SocketProtocolFamily family = familyOf(where.getAddress());
                    ServerBootstrap b = new ServerBootstrap().group((EventLoop) loop, (EventLoop) loop)
                            .channelFactory(() -> new EpollServerSocketChannel(family))
                            .option(EpollChannelOption.SO_REUSEPORT, true)
                            .option(EpollChannelOption.IP_FREEBIND, freeBind);
                    child.accept(b);
                    b.handler(new AcceptPause(acceptFailures));
                    Channel ch = bind(b, where);
                    bound.add(ch);
                    // An ephemeral port (0) is chosen by the first bind; the others share it.
                    where = (InetSocketAddress) ch.localAddress();
                }
            }
        } catch (RuntimeException e) {
            new Listening(bound).close();
            throw e;
        }
        return new Listening(bound);
    }

    /**
     * SO_REUSEPORT would let this process join another one's listener on the same address
     * (same user), and the kernel would split the clients between the two without a word.
     * A plain bind first, without SO_REUSEPORT, fails when anyone holds the address; closed
     * again at once, it leaves the address to the group bound next.
     */
    private void refuseIfTaken(InetSocketAddress where, boolean freeBind) {
        if (where.getPort() == 0) {
            return;
        }
        SocketProtocolFamily family = familyOf(where.getAddress());
        ServerBootstrap probe = new ServerBootstrap().group(acceptors.next(), workers.next())
                .channelFactory(() -> new EpollServerSocketChannel(family))
                .option(EpollChannelOption.IP_FREEBIND, freeBind)
                .childHandler(new ChannelInboundHandlerAdapter());
        Channel ch;
        try {
            ch = bind(probe, where);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (another process holds " + new HostPort(where.getAddress(), where.getPort())
                    + "; stop it or choose another address)", e);
        }
        if (!ch.close().awaitUninterruptibly(LOOP_WAIT_MILLIS)) {
            throw new IllegalStateException("closing a probe of " + new HostPort(where.getAddress(), where.getPort()) + " took longer than "
                    + LOOP_WAIT_MILLIS + " ms: an event loop is stuck");
        }
    }

    private static Channel bind(ServerBootstrap b, InetSocketAddress where) {
        ChannelFuture f = b.bind(where);
        if (!f.awaitUninterruptibly(LOOP_WAIT_MILLIS)) {
            f.cancel(false);
            f.addListener(done -> f.channel().close());
            throw new IllegalStateException("binding took longer than " + LOOP_WAIT_MILLIS + " ms: an event loop is"
                    + " stuck (a thread dump shows where); nothing was bound");
        }
        if (!f.isSuccess()) {
            throw new IllegalStateException(f.cause().getMessage(), f.cause());
        }
        return f.channel();
    }

    /**
     * A client bootstrap for connections to addresses of {@code target}'s family. With epoll
     * the socket is of that family, not a dual-stack IPv6 socket, which saves the kernel an
     * address mapping and the process two system calls per connection.
     */
    public Bootstrap client(EventLoopGroup group, InetAddress target) {
        Bootstrap b = new Bootstrap().group(group);
        if (epoll) {
            SocketProtocolFamily family = familyOf(target);
            return b.channelFactory(() -> new EpollSocketChannel(family));
        }
        return b.channel(NioSocketChannel.class);
    }

    private static SocketProtocolFamily familyOf(InetAddress address) {
        return address instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    }

    @Override
    public void close() {
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        for (EventLoopGroup g : List.of(acceptors, workers)) {
            if (!g.terminationFuture().awaitUninterruptibly(2_000 + LOOP_WAIT_MILLIS)) {
                log.warn("event loops did not stop within {} ms; leaving them behind", 2_000 + LOOP_WAIT_MILLIS);
            }
        }
    }
}
