package io.floatlb.dataplane.transport;

import io.floatlb.core.net.HostPort;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;

/** The sockets bound for one listening address: one per event loop with epoll, one with NIO. */
public final class Listening implements AutoCloseable {
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
        channels.forEach(c -> c.closeFuture().awaitUninterruptibly());
    }
}
