package io.floatlb.dataplane.transport;

import io.floatlb.core.config.TransportKind;
import io.floatlb.core.net.HostPort;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringAdaptiveBufferRingAllocator;
import io.netty.channel.uring.IoUringBufferRingAllocator;
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loops and socket classes of one process: io_uring, native epoll or NIO
 * ({@link TransportKind}). {@code auto} is io_uring, else epoll, else NIO, each fallback
 * logged with its reason. Everything that opens a socket takes its bootstrap from here.
 */
public final class Transport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Transport.class);
    /**
     * The longest any thread waits for an event loop (a bind, a close). A loop that takes
     * longer is stuck; waiting on would hang the waiter too, so it fails with this bound.
     */
    public static final long LOOP_WAIT_MILLIS = 5_000;

    /**
     * Netty's multishot receives go on filling the ring's buffers after a channel stops
     * reading: behind a slow reader one connection held 2.5 MB where the proxy's bound was
     * 320 KiB (ProxyTest's backpressure test, run on io_uring). One-shot receives keep the bound.
     * Netty reads the switch once, when io_uring first loads, which nothing does before this
     * class; an operator's own {@code -D} setting stands.
     */
    private static final String RECV_MULTISHOT = "io.netty.iouring.recvMultiShotEnabled";

    static {
        if (System.getProperty(RECV_MULTISHOT) == null) {
            System.setProperty(RECV_MULTISHOT, "false");
        }
    }

    private static final short BUFFER_GROUP = 0;
    /** The largest read of a proxied io_uring socket, as of one on epoll ({@code Buffering.MAX_READ}). */
    private static final int LARGEST_READ = 512 * 1024;
    /**
     * Every UDP read takes a buffer that holds the largest datagram: Netty's default of 2 KiB
     * would cut a larger one short without a word (DNS answers over EDNS, fragmented datagrams).
     */
    private static final FixedRecvByteBufAllocator WHOLE_DATAGRAMS = new FixedRecvByteBufAllocator(65_535);
    /**
     * Where those buffers come from: Netty 4.2's default (adaptive) allocator, in the
     * low-memory mode it takes for a heap of 512 MiB or less, makes a fresh buffer of every one
     * above 16 KiB; the pooled arenas serve them from per-thread caches whatever the heap (DNS
     * through floatlb on 2 cores, 256 MiB heap: 75,000 queries/s with the adaptive one, 103,000
     * with the pooled one).
     */
    private static final ByteBufAllocator DATAGRAM_BUFFERS = PooledByteBufAllocator.DEFAULT;

    /**
     * On io_uring a listener's close reaches the kernel on its loop's next turn, after its close
     * future completed: a listener closed just now (a reload that moves a port, a restart of the
     * service) may hold its address a little longer.
     */
    private static final long RELEASE_WAIT_MILLIS = 1_000;
    /** Linux's EADDRINUSE, as Netty's native transports report it. */
    private static final int EADDRINUSE = -98;

    private static final AtomicBoolean UNPATCHED_SAID = new AtomicBoolean();

    private final Machinery machinery;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final LongAdder acceptFailures = new LongAdder();

    /**
     * What differs between the kinds: event loops, socket classes, per-socket options. Epoll
     * and NIO open a socket of the target's family, not a dual-stack IPv6 one, which saves
     * the kernel an address mapping and epoll two system calls per connection. Netty 4.2's
     * io_uring stream channels take a family only in floatlb's build of them ({@link NettyPatch}).
     */
    private enum Machinery {
        IO_URING(TransportKind.IO_URING, IoUring::isAvailable, IoUring::unavailabilityCause, Machinery::ringHandlers,
                Machinery::ringListener, Machinery::ringSocket,
                IoUringDatagramChannel::new, IoUringChannelOption.IP_FREEBIND, IoUring::isRegisterBufferRingSupported),
        EPOLL(TransportKind.EPOLL, Epoll::isAvailable, Epoll::unavailabilityCause, EpollIoHandler::newFactory,
                EpollServerSocketChannel::new, EpollSocketChannel::new, EpollDatagramChannel::new,
                EpollChannelOption.IP_FREEBIND, () -> false),
        /** NIO has neither SO_REUSEPORT groups nor IP_FREEBIND: one listener, accepted on one thread. */
        NIO(TransportKind.NIO, () -> true, () -> null, NioIoHandler::newFactory,
                family -> new NioServerSocketChannel(), family -> new NioSocketChannel(), NioDatagramChannel::new, null,
                () -> false);

        final TransportKind kind;
        final BooleanSupplier available;
        final Supplier<Throwable> unavailability;
        final Supplier<IoHandlerFactory> handlers;
        final Function<SocketProtocolFamily, ServerChannel> server;
        final Function<SocketProtocolFamily, Channel> client;
        final Function<SocketProtocolFamily, Channel> datagram;
        final ChannelOption<Boolean> freeBind;
        /** Whether proxied sockets read into the loop's ring of provided buffers (io_uring). */
        final BooleanSupplier providedBuffers;

        Machinery(TransportKind kind, BooleanSupplier available, Supplier<Throwable> unavailability,
                  Supplier<IoHandlerFactory> handlers, Function<SocketProtocolFamily, ServerChannel> server,
                  Function<SocketProtocolFamily, Channel> client, Function<SocketProtocolFamily, Channel> datagram,
                  ChannelOption<Boolean> freeBind, BooleanSupplier providedBuffers) {
            this.kind = kind;
            this.available = available;
            this.unavailability = unavailability;
            this.handlers = handlers;
            this.server = server;
            this.client = client;
            this.datagram = datagram;
            this.freeBind = freeBind;
            this.providedBuffers = providedBuffers;
        }

        /**
         * With a ring of provided buffers a connection waiting for data holds none: without
         * it every idle connection keeps a receive buffer submitted, twice epoll's memory
         * per idle session. Its buffers are as large as the proxy's largest read on the
         * other kinds: a single bulk stream moved 8.5-13 Gbit/s with 256 buffers of up to
         * 256 KiB against 6.7-7.5 with Netty's 1,024 of up to 64 KiB, and 12.8-14.1 with 32
         * of 512 KiB against 10.3-11.2 with 64 of 256 KiB (iperf3 through floatlb,
         * alternating, 2 cores). 32 of 512 KiB are the same 16 MiB per loop.
         */
        private static IoHandlerFactory ringHandlers() {
            IoUringIoHandlerConfig config = new IoUringIoHandlerConfig();
            if (IoUring.isRegisterBufferRingSupported()) {
                boolean incremental = IoUring.isRegisterBufferRingIncSupported();
                config.setBufferRingConfig(IoUringBufferRingConfig.builder()
                        .bufferGroupId(BUFFER_GROUP)
                        .bufferRingSize((short) 256)
                        .batchSize(32)
                        .incremental(incremental)
                        .allocator(ringAllocator(incremental))
                        .build());
            }
            return IoUringIoHandler.newFactory(config);
        }

        /**
         * Where the kernel consumes a provided buffer a read at a time (6.12+), every buffer
         * is as large as the largest read ({@link RingBuffers}): Netty's adaptive sizes shrink
         * on the short reads at a buffer's end, toward 1 KiB under small messages, which split
         * one keep-alive response in six (README "Benchmarks"). Where each read takes a whole
         * buffer, sizes adapt.
         */
        private static IoUringBufferRingAllocator ringAllocator(boolean incremental) {
            if (incremental) {
                return new RingBuffers(ByteBufAllocator.DEFAULT, LARGEST_READ);
            }
            return new IoUringAdaptiveBufferRingAllocator(ByteBufAllocator.DEFAULT,
                    IoUringAdaptiveBufferRingAllocator.DEFAULT_MINIMUM,
                    IoUringAdaptiveBufferRingAllocator.DEFAULT_INITIAL, LARGEST_READ);
        }

        /** In the address's family with the patched classes; Netty's own take none (dual-stack IPv6). */
        private static ServerChannel ringListener(SocketProtocolFamily family) {
            return NettyPatch.inUse() ? new IoUringServerSocketChannel(family) : new IoUringServerSocketChannel();
        }

        private static Channel ringSocket(SocketProtocolFamily family) {
            return NettyPatch.inUse() ? new IoUringSocketChannel(family) : new IoUringSocketChannel();
        }

        boolean reusePort() {
            return this != NIO;
        }
    }

    private Transport(Machinery machinery, int workerThreads) {
        if (machinery == Machinery.IO_URING && !NettyPatch.inUse() && UNPATCHED_SAID.compareAndSet(false, true)) {
            log.warn("io_uring runs on Netty's own channel classes: floatlb-netty-patch is not before Netty's jars "
                    + "on the class path (start floatlb with bin/floatlb), so each connection makes about ten more "
                    + "system calls");
        }
        this.machinery = machinery;
        this.acceptors = new MultiThreadIoEventLoopGroup(1, machinery.handlers.get());
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads, machinery.handlers.get());
    }

    /** @param workerThreads 0 for one per core */
    public static Transport create(int workerThreads) {
        return create(TransportKind.AUTO, workerThreads);
    }

    /**
     * The transport the config asks for. {@code auto} takes io_uring, else epoll, else NIO, with a
     * line saying why for each kind it passes over; a kind asked for by name that does not load
     * here is refused.
     */
    public static Transport create(TransportKind kind, int workerThreads) {
        int threads = workerThreads > 0 ? workerThreads : Runtime.getRuntime().availableProcessors();
        if (kind == TransportKind.AUTO) {
            // io_uring first: on bench/run (2026-12-03, 2 cores) it led epoll on connection-per-request
            // (1.10-1.13x HAProxy against 0.80x), CPU per new connection (0.86x against 1.44x) and
            // keep-alive at 2,000 connections, and tied it on the other rows (README "Benchmarks").
            for (Machinery m : List.of(Machinery.IO_URING, Machinery.EPOLL)) {
                if (m.available.getAsBoolean()) {
                    return new Transport(m, threads);
                }
                log.info("{} unavailable ({})", m.kind.label(), m.unavailability.get().toString());
            }
            log.info("using NIO");
            return new Transport(Machinery.NIO, threads);
        }
        Machinery m = Machinery.valueOf(kind.name());
        if (!m.available.getAsBoolean()) {
            throw new IllegalStateException("transport = " + kind.label() + " does not load here ("
                    + m.unavailability.get() + "); use transport = auto");
        }
        return new Transport(m, threads);
    }

    /** Whether {@code kind} loads on this machine ({@code auto} always does). */
    public static boolean loads(TransportKind kind) {
        return kind == TransportKind.AUTO || Machinery.valueOf(kind.name()).available.getAsBoolean();
    }

    /** The kind running: io-uring, epoll or nio. */
    public TransportKind kind() {
        return machinery.kind;
    }

    /** Whether every event loop gets its own listening socket (SO_REUSEPORT): the native kinds. */
    public boolean reusesPort() {
        return machinery.reusePort();
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
        InetSocketAddress where = address.toSocketAddress();
        SocketProtocolFamily family = familyOf(where.getAddress());
        if (machinery.reusePort()) {
            refuseIfTaken(where, new ServerBootstrap().group(acceptors.next(), workers.next())
                    .channelFactory(() -> machinery.server.apply(family))
                    .option(machinery.freeBind, freeBind)
                    .childHandler(new ChannelInboundHandlerAdapter()));
        }
        return bindOnEach(machinery.reusePort() ? workers : List.of(acceptors.next()), where, loop -> {
            ServerBootstrap b = new ServerBootstrap().channelFactory(() -> machinery.server.apply(family));
            if (machinery.reusePort()) {
                b.group(loop, loop).option(UnixChannelOption.SO_REUSEPORT, true).option(machinery.freeBind, freeBind);
            } else {
                b.group(acceptors, workers);
            }
            child.accept(b);
            readsFromRing(b);
            return b.handler(new AcceptPause(acceptFailures));
        });
    }

    /**
     * Binds a UDP socket on {@code address}, one per event loop with the native kinds
     * (SO_REUSEPORT): the kernel hashes each client address to one of them, so a client's
     * datagrams always reach the same loop and its flow needs no lock.
     *
     * @param freeBind as for {@link #listen}
     * @param handler the handler of each socket, one per socket and so per loop
     */
    public Listening listenDatagram(HostPort address, boolean freeBind, Supplier<ChannelHandler> handler) {
        InetSocketAddress where = address.toSocketAddress();
        SocketProtocolFamily family = familyOf(where.getAddress());
        if (machinery.reusePort()) {
            refuseIfTaken(where, new Bootstrap().group(workers.next())
                    .channelFactory(() -> machinery.datagram.apply(family))
                    .option(machinery.freeBind, freeBind)
                    .handler(new ChannelInboundHandlerAdapter()));
        }
        return bindOnEach(machinery.reusePort() ? workers : List.of(workers.next()), where, loop -> {
            Bootstrap b = new Bootstrap().group(loop)
                    .channelFactory(() -> machinery.datagram.apply(family))
                    .option(ChannelOption.RCVBUF_ALLOCATOR, WHOLE_DATAGRAMS)
                    .option(ChannelOption.ALLOCATOR, DATAGRAM_BUFFERS)
                    .handler(handler.get());
            if (machinery.reusePort()) {
                b.option(UnixChannelOption.SO_REUSEPORT, true).option(machinery.freeBind, freeBind);
            }
            return b;
        });
    }

    /** Binds what {@code bootstrap} makes for each loop; on a failure closes what was bound and fails. */
    private static Listening bindOnEach(Iterable<? extends EventExecutor> loops, InetSocketAddress where,
                                        Function<EventLoop, AbstractBootstrap<?, ?>> bootstrap) {
        List<Channel> bound = new ArrayList<>();
        try {
            for (EventExecutor loop : loops) {
                Channel ch = awaitBound(bootstrap.apply((EventLoop) loop).bind(where));
                bound.add(ch);
                // An ephemeral port (0) is chosen by the first bind; the others share it.
                where = (InetSocketAddress) ch.localAddress();
            }
        } catch (RuntimeException e) {
            new Listening(bound).close();
            throw e;
        }
        return new Listening(bound);
    }

    /** Accepted sockets get their group of provided buffers before they are registered. */
    private void readsFromRing(ServerBootstrap b) {
        if (machinery.providedBuffers.getAsBoolean()) {
            b.childOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, BUFFER_GROUP);
        }
    }

    /**
     * SO_REUSEPORT would let this process join another one's socket on the same address
     * (same user), and the kernel would split the clients between the two without a word.
     * A plain bind first ({@code probe}, without SO_REUSEPORT) fails when anyone holds the
     * address; closed again at once, it leaves the address to the group bound next.
     */
    private static void refuseIfTaken(InetSocketAddress where, AbstractBootstrap<?, ?> probe) {
        if (where.getPort() == 0) {
            return;
        }
        HostPort address = new HostPort(where.getAddress(), where.getPort());
        Channel ch = null;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RELEASE_WAIT_MILLIS);
        while (ch == null) {
            try {
                ch = awaitBound(probe.bind(where));
            } catch (IllegalStateException e) {
                if (!inUse(e) || System.nanoTime() > until) {
                    throw new IllegalStateException(e.getMessage() + " (another process holds " + address
                            + "; stop it or choose another address)", e);
                }
                sleepBriefly();
            }
        }
        if (!ch.close().awaitUninterruptibly(LOOP_WAIT_MILLIS)) {
            throw new IllegalStateException("closing a probe of " + address + " took longer than " + LOOP_WAIT_MILLIS
                    + " ms: an event loop is stuck");
        }
    }

    private static boolean inUse(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof BindException || c instanceof Errors.NativeIoException n && n.expectedErr() == EADDRINUSE) {
                return true;
            }
        }
        return false;
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an address to be released", e);
        }
    }

    private static Channel awaitBound(ChannelFuture f) {
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
     * A socket for a connection to an address of {@code target}'s family, not registered
     * yet: a proxied connection registers it on its client's event loop, with no bootstrap
     * built per connection.
     */
    public Channel socketTo(InetAddress target) {
        Channel ch = machinery.client.apply(familyOf(target));
        if (machinery.providedBuffers.getAsBoolean()) {
            ch.config().setOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, BUFFER_GROUP);
        }
        return ch;
    }

    /** A UDP socket for a flow to an address of {@code target}'s family, not registered yet. */
    public Channel datagramTo(InetAddress target) {
        Channel ch = machinery.datagram.apply(familyOf(target));
        ch.config().setRecvByteBufAllocator(WHOLE_DATAGRAMS);
        ch.config().setAllocator(DATAGRAM_BUFFERS);
        return ch;
    }

    /** A client bootstrap for connections to addresses of {@code target}'s family. */
    public Bootstrap client(EventLoopGroup group, InetAddress target) {
        SocketProtocolFamily family = familyOf(target);
        return new Bootstrap().group(group).channelFactory(() -> machinery.client.apply(family));
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
