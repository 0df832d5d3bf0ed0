package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.PortMapping;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.dataplane.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service on this node: its listeners, its backend pool and its client connections,
 * which it admits up to the service's limit and drains on stop.
 */
public final class ServiceProxy {
    private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);

    private final ServiceConfig config;
    private final BackendPool pool;
    private final Transport transport;
    private final List<ProxyListener> listeners = new ArrayList<>();
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder rejected = new LongAdder();

    public ServiceProxy(ServiceConfig config, BackendPool pool, Transport transport) {
        this.config = config;
        this.pool = pool;
        this.transport = transport;
        for (PortMapping port : config.ports()) {
            listeners.add(new ProxyListener(this, port));
        }
    }

    /** Binds every port; fails with the address that could not be bound. */
    public void start() {
        for (ProxyListener l : listeners) {
            try {
                l.bind();
            } catch (IllegalStateException e) {
                listeners.forEach(ProxyListener::close);
                throw new IllegalStateException("cannot listen on " + l.address() + " for service " + config.name()
                        + ": " + e.getMessage(), e);
            }
        }
        log.info("service {}: listening on {}", config.name(), listeners.stream().map(ProxyListener::address).toList());
    }

    /** Counts the client in, or refuses it when the service is at its connection limit. */
    boolean admit(Channel client) {
        if (active.incrementAndGet() > config.limits().maxConnections()) {
            active.decrementAndGet();
            rejected.increment();
            return false;
        }
        clients.add(client);
        client.closeFuture().addListener(f -> active.decrementAndGet());
        return true;
    }

    /** Closes the listeners: new clients are refused, established ones carry on. */
    public void stopAccepting() {
        listeners.forEach(ProxyListener::close);
    }

    /**
     * Lets established connections finish until {@code untilNanos} ({@link System#nanoTime()}),
     * then closes what is left. Returns how many had to be closed.
     */
    public int drain(long untilNanos) {
        while (active.get() > 0 && System.nanoTime() < untilNanos) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = active.get();
        if (left > 0) {
            log.info("service {}: closing {} connections still open after draining", config.name(), left);
        }
        clients.close().awaitUninterruptibly();
        return left;
    }

    public int stop(Duration deadline) {
        stopAccepting();
        return drain(System.nanoTime() + deadline.toNanos());
    }

    public ServiceConfig config() {
        return config;
    }

    public BackendPool pool() {
        return pool;
    }

    Transport transport() {
        return transport;
    }

    public int activeConnections() {
        return active.get();
    }

    public long rejectedConnections() {
        return rejected.sum();
    }
}
