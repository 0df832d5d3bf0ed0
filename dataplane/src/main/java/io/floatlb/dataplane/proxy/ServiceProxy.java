package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.Protocol;
import io.floatlb.core.config.ProtocolAddress;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.handover.Flow;
import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service on this node: its listeners, its backend pool and its client connections,
 * which it admits up to the service's limit and drains on stop. A reload
 * ({@link #update}) swaps config and pool under running connections.
 */
public final class ServiceProxy {
    private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);

    private volatile Route route;
    private final Transport transport;
    private final Map<ProtocolAddress, PortListener> listeners = new LinkedHashMap<>();
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final UdpCounters udp = new UdpCounters();

    public ServiceProxy(ServiceConfig config, BackendPool pool, Transport transport) {
        this.route = new Route(config, pool);
        this.transport = transport;
    }

    /** Binds every port; fails with the address that could not be bound. */
    public synchronized void start() {
        listeners.putAll(bind(addresses(config())));
        log.info("service {}: listening on {}", config().name(), listeners.keySet());
    }

    /** The listeners a reload needs, bound before anything changes, so that a reload can still be abandoned. */
    public record Rebind(ServiceConfig next, Map<ProtocolAddress, PortListener> added) {}

    /** Binds the ports {@code next} adds; fails with the address that could not be bound, leaving nothing bound. */
    public synchronized Rebind bindFor(ServiceConfig next) {
        List<ProtocolAddress> wanted = addresses(next);
        return new Rebind(next, bind(wanted.stream().filter(a -> !listeners.containsKey(a)).toList()));
    }

    /** Closes what {@link #bindFor} bound, for a reload that will not happen. */
    public void abandon(Rebind r) {
        r.added().values().forEach(PortListener::close);
    }

    /**
     * Moves the service to a reloaded config and its pool: listeners on kept addresses stay
     * open (no client sees a refused connect), removed ones close, established connections
     * go on with their backends.
     */
    public synchronized void update(Rebind r, BackendPool nextPool) {
        List<ProtocolAddress> wanted = addresses(r.next());
        this.route = new Route(r.next(), nextPool);
        listeners.keySet().stream().filter(a -> !wanted.contains(a)).toList()
                .forEach(a -> listeners.remove(a).close());
        listeners.putAll(r.added());
        if (!r.added().isEmpty()) {
            log.info("service {}: now also listening on {}", r.next().name(), r.added().keySet());
        }
    }

    private static List<ProtocolAddress> addresses(ServiceConfig s) {
        return s.ports().stream().map(p -> new ProtocolAddress(new HostPort(s.vip(), p.port()), p.protocol())).toList();
    }

    private Map<ProtocolAddress, PortListener> bind(List<ProtocolAddress> addresses) {
        Map<ProtocolAddress, PortListener> bound = new LinkedHashMap<>();
        for (ProtocolAddress a : addresses) {
            PortListener l = a.protocol() == Protocol.TCP ? new ProxyListener(this, a.address())
                    : new DatagramListener(this, a.address());
            try {
                l.bind();
            } catch (IllegalStateException e) {
                bound.values().forEach(PortListener::close);
                throw new IllegalStateException("cannot listen on " + a + " for service " + config().name()
                        + ": " + e.getMessage(), e);
            }
            bound.put(a, l);
        }
        return bound;
    }

    /** Counts the client in, or refuses it when the service is at its connection limit. */
    boolean admit(Channel client, Route at) {
        if (active.incrementAndGet() > at.config().limits().maxConnections()) {
            active.decrementAndGet();
            rejected.increment();
            return false;
        }
        accepted.increment();
        clients.add(client);
        return true;
    }

    /** An admitted client's connection ended. */
    void left() {
        active.decrementAndGet();
    }

    /** Counts a new UDP flow in, or drops its datagram when the service has its most flows. */
    boolean admitFlow(Route at) {
        if (udp.flows.incrementAndGet() > at.config().udp().maxFlows()) {
            udp.flows.decrementAndGet();
            udp.drop(UdpCounters.Drop.MAX_FLOWS);
            return false;
        }
        udp.flowsTotal.increment();
        return true;
    }

    /**
     * New clients are refused from now on: TCP listeners close, UDP sockets stay open for
     * the replies of established flows but start no new flow. Established connections and
     * flows carry on.
     */
    public synchronized void stopAccepting() {
        listeners.values().forEach(PortListener::stopAdmitting);
    }

    /**
     * Lets established connections finish, and UDP flows go on while their clients still
     * send, until {@code untilNanos} ({@link System#nanoTime()}); then closes what is left.
     * Returns how many connections and flows had to be closed.
     */
    public int drain(long untilNanos) {
        while ((active.get() > 0 || udpBusy()) && System.nanoTime() < untilNanos) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = active.get() + udp.flowsActive();
        if (left > 0) {
            log.info("service {}: closing {} connection(s) and flow(s) still open after draining", config().name(), left);
        }
        if (!clients.close().awaitUninterruptibly(Transport.LOOP_WAIT_MILLIS)) {
            log.warn("service {}: connections not closed within {} ms: an event loop is stuck", config().name(),
                    Transport.LOOP_WAIT_MILLIS);
        }
        closeListeners();
        return left;
    }

    private synchronized boolean udpBusy() {
        return listeners.values().stream().anyMatch(PortListener::busy);
    }

    private synchronized void closeListeners() {
        listeners.values().forEach(PortListener::close);
    }

    /**
     * The established client connections to {@code vip}, as a planned hand-over offers them
     * to a successor (a reload may have moved the service to another VIP under them).
     */
    public Set<Flow> flows(InetAddress vip) {
        Set<Flow> flows = new HashSet<>();
        for (Channel c : clients) {
            if (c.isActive() && c.remoteAddress() instanceof InetSocketAddress client
                    && c.localAddress() instanceof InetSocketAddress local && local.getAddress().equals(vip)) {
                flows.add(new Flow(client.getAddress(), client.getPort(), local.getPort()));
            }
        }
        return flows;
    }

    /** The addresses this service's open client connections reached. */
    public Set<InetAddress> servedAddresses() {
        Set<InetAddress> served = new HashSet<>();
        for (Channel c : clients) {
            if (c.localAddress() instanceof InetSocketAddress local) {
                served.add(local.getAddress());
            }
        }
        return served;
    }

    /** Closes the client connections to {@code vip} now, without waiting (their hand-over timed out). */
    public void closeClients(InetAddress vip) {
        clients.close(c -> c.localAddress() instanceof InetSocketAddress local && local.getAddress().equals(vip));
    }

    public int stop(Duration deadline) {
        stopAccepting();
        return drain(System.nanoTime() + deadline.toNanos());
    }

    public ServiceConfig config() {
        return route.config();
    }

    public BackendPool pool() {
        return route.pool();
    }

    /** The config and pool of this instant, for a connection to read once. */
    Route route() {
        return route;
    }

    Transport transport() {
        return transport;
    }

    public int activeConnections() {
        return active.get();
    }

    public long acceptedConnections() {
        return accepted.sum();
    }

    public long rejectedConnections() {
        return rejected.sum();
    }

    public UdpCounters udp() {
        return udp;
    }
}
