package io.floatlb.daemon;

import io.floatlb.core.config.Endpoint;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.election.MemberState;
import io.floatlb.core.select.Target;
import io.floatlb.core.status.ClusterView;
import io.floatlb.dataplane.health.HealthChecker;
import io.floatlb.dataplane.proxy.BackendPool;
import io.floatlb.dataplane.proxy.ServiceProxy;
import io.floatlb.dataplane.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's services: for each, a backend pool, its health checks and its listeners.
 * The story of a node is {@link #start()}, any number of {@link #apply} (reloads), then
 * {@link #stop()}.
 */
public final class Agent implements ClusterView.LocalView {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final Transport transport;
    private final Map<String, Running> services = new LinkedHashMap<>();
    private final List<Consumer<MemberState>> healthListeners = new ArrayList<>();
    private volatile FloatlbConfig config;

    /** A service as it runs now; a reload replaces the record, never the proxy. */
    private record Running(ServiceProxy proxy, HealthChecker checker) {}

    public Agent(FloatlbConfig config, Transport transport) {
        this.config = config;
        this.transport = transport;
        for (ServiceConfig s : config.services()) {
            services.put(s.name(), running(s, new BackendPool(s, config.nodeName())));
        }
    }

    private Running running(ServiceConfig s, BackendPool pool) {
        return new Running(new ServiceProxy(s, pool, transport), new HealthChecker(pool, transport));
    }

    public FloatlbConfig config() {
        return config;
    }

    /** What this node tells the cluster: per service, its own healthy and total endpoints. */
    public synchronized MemberState memberState() {
        Map<String, MemberState.EndpointCount> counts = new LinkedHashMap<>();
        for (Running r : services.values()) {
            ServiceConfig s = r.proxy().config();
            List<Endpoint> local = s.endpoints().stream().filter(e -> e.node().equals(config.nodeName())).toList();
            int healthy = (int) local.stream().filter(e -> isUp(r.proxy().pool(), e)).count();
            counts.put(s.name(), new MemberState.EndpointCount(healthy, local.size()));
        }
        return new MemberState(config.nodeName(), config.digest(), counts);
    }

    /** Called, on a health-check thread, whenever an endpoint of any service goes up or down. */
    public synchronized void onHealthChange(Consumer<MemberState> listener) {
        healthListeners.add(listener);
        services.values().forEach(r -> listenTo(r.proxy().pool(), listener));
    }

    private void listenTo(BackendPool pool, Consumer<MemberState> listener) {
        pool.onHealthChange(p -> listener.accept(memberState()));
    }

    public synchronized void start() {
        List<Running> started = new ArrayList<>();
        for (Running r : services.values()) {
            try {
                r.proxy().start();
            } catch (RuntimeException e) {
                started.forEach(s -> s.proxy().stop(Duration.ZERO));
                throw e;
            }
            started.add(r);
            r.checker().start();
        }
        log.info("node {} serving {} service(s) on {} transport", config.nodeName(), services.size(),
                transport.isEpoll() ? "epoll" : "NIO");
    }

    /**
     * A reload, applied as a diff. Everything that can fail happens first: new services are
     * started and the new ports of changed services bound; if any cannot bind, all of it is
     * undone and nothing has changed. Then changed services move to a successor pool (health
     * and counters carried over) under their open connections, and removed services stop
     * accepting and drain in the background until the drain timeout.
     */
    public synchronized Reload apply(FloatlbConfig next) {
        Map<String, Running> added = new LinkedHashMap<>();
        Map<String, ServiceProxy.Rebind> rebinds = new LinkedHashMap<>();
        try {
            for (ServiceConfig s : next.services()) {
                Running r = services.get(s.name());
                if (r == null) {
                    Running fresh = running(s, new BackendPool(s, next.nodeName()));
                    fresh.proxy().start();
                    added.put(s.name(), fresh);
                } else if (!r.proxy().config().equals(s)) {
                    rebinds.put(s.name(), r.proxy().bindFor(s));
                }
            }
        } catch (RuntimeException e) {
            added.values().forEach(a -> a.proxy().stop(Duration.ZERO));
            rebinds.forEach((name, rebind) -> services.get(name).proxy().abandon(rebind));
            throw e;
        }
        rebinds.forEach((name, rebind) -> {
            Running r = services.get(name);
            BackendPool pool = r.proxy().pool().successor(rebind.next(), next.nodeName());
            r.proxy().update(rebind, pool);
            r.checker().stop();
            Running moved = new Running(r.proxy(), new HealthChecker(pool, transport));
            moved.checker().start();
            services.put(name, moved);
        });
        List<String> removed = services.keySet().stream().filter(n -> next.service(n).isEmpty()).toList();
        List<Running> retired = removed.stream().map(services::remove).toList();
        added.forEach((name, r) -> {
            healthListeners.forEach(l -> listenTo(r.proxy().pool(), l));
            r.checker().start();
            services.put(name, r);
        });
        this.config = next;
        drainInBackground(retired, next.drainTimeout());
        return new Reload(List.copyOf(added.keySet()), List.copyOf(rebinds.keySet()), removed);
    }

    /** What a reload did, by service name. */
    public record Reload(List<String> added, List<String> changed, List<String> removed) {

        public boolean changedAnything() {
            return !added.isEmpty() || !changed.isEmpty() || !removed.isEmpty();
        }

        @Override
        public String toString() {
            return "added " + added + ", changed " + changed + ", removed " + removed;
        }
    }

    private static void drainInBackground(List<Running> retired, Duration timeout) {
        if (retired.isEmpty()) {
            return;
        }
        retired.forEach(r -> {
            r.checker().stop();
            r.proxy().stopAccepting();
        });
        Thread t = new Thread(() -> {
            long until = System.nanoTime() + timeout.toNanos();
            retired.forEach(r -> r.proxy().drain(until));
        }, "drain-removed");
        t.setDaemon(true);
        t.start();
    }

    /** Stops accepting everywhere at once, then drains every service against one deadline. */
    public void stop() {
        Collection<Running> all;
        synchronized (this) {
            all = List.copyOf(services.values());
        }
        all.forEach(r -> r.checker().stop());
        all.forEach(r -> r.proxy().stopAccepting());
        long until = System.nanoTime() + config.drainTimeout().toNanos();
        int forced = all.stream().mapToInt(r -> r.proxy().drain(until)).sum();
        log.info("node {} stopped ({} connection(s) closed at the drain deadline)", config.nodeName(), forced);
    }

    /** The running services' proxies, for status and metrics. */
    public synchronized List<ServiceProxy> proxies() {
        return services.values().stream().map(Running::proxy).toList();
    }

    @Override
    public int activeConnections(String service) {
        return proxies().stream().filter(p -> p.config().name().equals(service))
                .mapToInt(ServiceProxy::activeConnections).sum();
    }

    @Override
    public int healthyHere(String service, String node) {
        for (ServiceProxy p : proxies()) {
            if (p.config().name().equals(service)) {
                BackendPool pool = p.pool();
                List<Endpoint> checked = pool.targets().stream().map(Target::endpoint)
                        .filter(e -> e.node().equals(node)).distinct().toList();
                return checked.isEmpty() ? -1 : (int) checked.stream().filter(e -> isUp(pool, e)).count();
            }
        }
        return -1;
    }

    /** An endpoint counts as healthy when it is up on every port of the service. */
    private static boolean isUp(BackendPool pool, Endpoint e) {
        return pool.targets().stream().filter(t -> t.endpoint().equals(e)).allMatch(pool::isUp);
    }
}
