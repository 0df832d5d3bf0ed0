package io.floatlb.dataplane.transport;

import io.floatlb.core.net.HostPort;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sockets bound for one listening address: one per event loop with epoll, one with NIO. */
public final class Listening implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Listening.class);
    private final List<Channel> channels;

    Listening(List<Channel> channels) {
        this.channels = List.copyOf(channels);
    }

    public HostPort address() {
        InetSocketAddress a = (InetSocketAddress) channels.get(0).localAddress();
        return new HostPort(a.getAddress(), a.getPort());
    }

    @Override
    public void close() {
        channels.forEach(Channel::close);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Transport.LOOP_WAIT_MILLIS);
        for (Channel c : channels) {
            long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
            if (!c.closeFuture().awaitUninterruptibly(Math.max(0, left))) {
                log.warn("listener {} not closed within {} ms: its event loop is stuck", c, Transport.LOOP_WAIT_MILLIS);
                return;
            }
        }
    }
}
