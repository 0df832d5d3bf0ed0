package io.floatlb.dataplane.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loops and socket classes of one process: native epoll when it loads, NIO
 * otherwise. Everything that opens a socket takes its bootstrap from here.
 */
public final class Transport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    private final boolean epoll;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;

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

    public EventLoopGroup workers() {
        return workers;
    }

    public ServerBootstrap server() {
        return new ServerBootstrap().group(acceptors, workers).channel(serverChannelClass());
    }

    /**
     * A listener that may bind an address the host does not have yet: the VIP arrives on
     * an interface only when this node owns it, but the listener is ready before that.
     */
    public ServerBootstrap vipServer() {
        ServerBootstrap b = server();
        if (epoll) {
            b.option(EpollChannelOption.IP_FREEBIND, true);
        }
        return b;
    }

    public Bootstrap client(EventLoopGroup group) {
        return new Bootstrap().group(group).channel(channelClass());
    }

    private Class<? extends ServerChannel> serverChannelClass() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    private Class<? extends Channel> channelClass() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    @Override
    public void close() {
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
