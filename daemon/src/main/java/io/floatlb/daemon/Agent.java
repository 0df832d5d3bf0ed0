package io.floatlb.daemon;

import io.floatlb.core.config.Endpoint;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.election.MemberState;
import io.floatlb.core.handover.Flow;
import io.floatlb.core.select.Target;
import io.floatlb.core.status.ClusterView;
import io.floatlb.dataplane.health.HealthChecker;
import io.floatlb.dataplane.proxy.BackendPool;
import io.floatlb.dataplane.proxy.ServiceProxy;
import io.floatlb.dataplane.transport.Transport;
import io.floatlb.failover.handover.FlowSource;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's services: for each, a backend pool, its health checks and its listeners.
 * The story of a node is {@link #start()}, any number of {@link #apply} (reloads), then
 * {@link #stop()}.
 *
 * <p>Threads: what the node serves is one immutable {@link Snapshot} behind a volatile
 * reference. Readers (event loops, the election, the admin API) take no lock. Writers
 * (start, reload, stop) take {@link #changing}, which no event loop ever takes, so a
 * reload may wait on an event loop (binding, closing) without any risk of that loop
 * waiting for the reload. Health changes only signal; whoever cares pulls
 * {@link #memberState()} on its own thread.
 */
public final class Agent implements ClusterView.LocalView, FlowSource {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final Transport transport;
    private final ReentrantLock changing = new ReentrantLock();
    private final List<Runnable> healthSignals = new CopyOnWriteArrayList<>();
    /** Services a reload removed, until their connections have drained. */
    private final Set<Running> retiring = ConcurrentHashMap.newKeySet();
    private volatile Snapshot snapshot;

    /** A service as it runs now; a reload replaces the record, never the proxy. */
    private record Running(ServiceConfig config, BackendPool pool, ServiceProxy proxy, HealthChecker checker) {}

    /** Everything a reader needs, consistent with itself: the config and the services it made. */
    private record Snapshot(FloatlbConfig config, Map<String, Running> services) {
        Snapshot {
            services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        }
    }

    public Agent(FloatlbConfig config, Transport transport) {
        this.transport = transport;
        Map<String, Running> services = new LinkedHashMap<>();
        for (ServiceConfig s : config.services()) {
            services.put(s.name(), fresh(s, config.nodeName()));
        }
        this.snapshot = new Snapshot(config, services);
    }

    private Running fresh(ServiceConfig s, String node) {
        BackendPool pool = new BackendPool(s, node);
        pool.onHealthChange(p -> healthSignals.forEach(Runnable::run));
        return running(s, pool, new ServiceProxy(s, pool, transport));
    }

    private Running running(ServiceConfig s, BackendPool pool, ServiceProxy proxy) {
        return new Running(s, pool, proxy, new HealthChecker(pool, s.healthCheck(), transport));
    }

    public FloatlbConfig config() {
        return snapshot.config();
    }

    /** What this node tells the cluster: per service, its own healthy and total endpoints. Takes no lock. */
    public MemberState memberState() {
        Snapshot now = snapshot;
        String node = now.config().nodeName();
        Map<String, MemberState.EndpointCount> counts = new LinkedHashMap<>();
        for (Running r : now.services().values()) {
            List<Endpoint> local = r.config().endpoints().stream().filter(e -> e.node().equals(node)).toList();
            int healthy = (int) local.stream().filter(e -> isUp(r.pool(), e)).count();
            counts.put(r.config().name(), new MemberState.EndpointCount(healthy, local.size()));
        }
        return new MemberState(node, now.config().digest(), counts);
    }

    /**
     * {@code signal} runs, on whichever thread saw it (often an event loop), whenever an
     * endpoint of any service goes up or down. It must only signal: never block, never wait.
     */
    public void onHealthChange(Runnable signal) {
        healthSignals.add(signal);
    }

    public void start() {
        changing.lock();
        try {
            List<Running> started = new ArrayList<>();
            for (Running r : snapshot.services().values()) {
                try {
                    r.proxy().start();
                } catch (RuntimeException e) {
                    started.forEach(s -> s.proxy().stop(Duration.ZERO));
                    throw e;
                }
                started.add(r);
                r.checker().start();
            }
            log.info("node {} serving {} service(s) on {} transport", config().nodeName(), started.size(),
                    transport.kind().label());
        } finally {
            changing.unlock();
        }
    }

    /**
     * A reload, applied as a diff. Everything that can fail happens first: new services are
     * started and the new ports of changed services bound; if any cannot bind, all of it is
     * undone and nothing has changed. Then changed services move to a successor pool (health
     * and counters carried over) under their open connections, the new snapshot is
     * published, and removed services stop accepting and drain in the background until the
     * drain timeout.
     */
    public Reload apply(FloatlbConfig next) {
        changing.lock();
        try {
            return applyLocked(next);
        } finally {
            changing.unlock();
        }
    }

    private Reload applyLocked(FloatlbConfig next) {
        Map<String, Running> services = snapshot.services();
        Map<String, Running> added = new LinkedHashMap<>();
        Map<String, ServiceProxy.Rebind> rebinds = new LinkedHashMap<>();
        try {
            for (ServiceConfig s : next.services()) {
                Running r = services.get(s.name());
                if (r == null) {
                    Running fresh = fresh(s, next.nodeName());
                    fresh.proxy().start();
                    added.put(s.name(), fresh);
                } else if (!r.config().equals(s)) {
                    rebinds.put(s.name(), r.proxy().bindFor(s));
                }
            }
        } catch (RuntimeException e) {
            added.values().forEach(a -> a.proxy().stop(Duration.ZERO));
            rebinds.forEach((name, rebind) -> services.get(name).proxy().abandon(rebind));
            throw e;
        }
        Map<String, Running> nextServices = new LinkedHashMap<>();
        for (ServiceConfig s : next.services()) {
            Running r = services.get(s.name());
            ServiceProxy.Rebind rebind = rebinds.get(s.name());
            if (added.containsKey(s.name())) {
                nextServices.put(s.name(), added.get(s.name()));
            } else if (rebind != null) {
                BackendPool pool = r.pool().successor(rebind.next(), next.nodeName());
                r.proxy().update(rebind, pool);
                r.checker().stop();
                nextServices.put(s.name(), running(s, pool, r.proxy()));
            } else {
                nextServices.put(s.name(), r);
            }
        }
        List<String> removed = services.keySet().stream().filter(n -> !nextServices.containsKey(n)).toList();
        List<Running> retired = removed.stream().map(services::get).toList();
        snapshot = new Snapshot(next, nextServices);
        rebinds.keySet().forEach(name -> nextServices.get(name).checker().start());
        added.values().forEach(r -> r.checker().start());
        drainInBackground(retired, next.drainTimeout());
        if (!removed.isEmpty()) {
            // The pools that went away may have held this node's only healthy endpoints.
            healthSignals.forEach(Runnable::run);
        }
        return new Reload(List.copyOf(added.keySet()), List.copyOf(rebinds.keySet()), removed);
    }

    /** What a reload did, by service name. */
    public record Reload(List<String> added, List<String> changed, List<String> removed) {

        public boolean changedAnything() {
            return !added.isEmpty() || !changed.isEmpty() || !removed.isEmpty();
        }

        @Override
        public String toString() {
            return changedAnything() ? "added " + added + ", changed " + changed + ", removed " + removed
                    : "services unchanged, node settings applied";
        }
    }

    private void drainInBackground(List<Running> retired, Duration timeout) {
        if (retired.isEmpty()) {
            return;
        }
        retiring.addAll(retired);
        retired.forEach(r -> {
            r.checker().stop();
            r.proxy().stopAccepting();
        });
        Thread t = new Thread(() -> {
            long until = System.nanoTime() + timeout.toNanos();
            retired.forEach(r -> {
                r.proxy().drain(until);
                retiring.remove(r);
            });
        }, "drain-removed");
        t.setDaemon(true);
        t.start();
    }

    /** Stops accepting everywhere at once, then drains every service against one deadline. */
    public void stop() {
        changing.lock();
        try {
            Snapshot now = snapshot;
            List<Running> all = List.copyOf(now.services().values());
            all.forEach(r -> r.checker().stop());
            all.forEach(r -> r.proxy().stopAccepting());
            long until = System.nanoTime() + now.config().drainTimeout().toNanos();
            int forced = all.stream().mapToInt(r -> r.proxy().drain(until)).sum();
            log.info("node {} stopped ({} connection(s) closed at the drain deadline)", now.config().nodeName(), forced);
        } finally {
            changing.unlock();
        }
    }

    @Override
    public Set<Flow> flows(InetAddress vip) {
        Set<Flow> flows = new HashSet<>();
        serving().forEach(p -> flows.addAll(p.flows(vip)));
        return flows;
    }

    @Override
    public void close(InetAddress vip) {
        serving().forEach(p -> p.closeClients(vip));
    }

    /** The addresses this node's open client connections reached, VIPs a reload removed included. */
    public Set<InetAddress> servedAddresses() {
        Set<InetAddress> served = new HashSet<>();
        serving().forEach(p -> served.addAll(p.servedAddresses()));
        return served;
    }

    /** Every proxy that may still hold client connections: the running ones and those a reload removed. */
    private List<ServiceProxy> serving() {
        List<ServiceProxy> all = new ArrayList<>(proxies());
        retiring.forEach(r -> all.add(r.proxy()));
        return all;
    }

    /** The running services' proxies, for status and metrics. */
    public List<ServiceProxy> proxies() {
        return snapshot.services().values().stream().map(Running::proxy).toList();
    }

    /** Open client connections and UDP flows: what this node serves of the service now. */
    @Override
    public int activeConnections(String service) {
        Running r = snapshot.services().get(service);
        return r == null ? 0 : r.proxy().activeConnections() + r.proxy().udp().flowsActive();
    }

    @Override
    public int healthyHere(String service, String node) {
        Running r = snapshot.services().get(service);
        if (r == null) {
            return -1;
        }
        List<Endpoint> checked = r.pool().targets().stream().map(Target::endpoint)
                .filter(e -> e.node().equals(node)).distinct().toList();
        return checked.isEmpty() ? -1 : (int) checked.stream().filter(e -> isUp(r.pool(), e)).count();
    }

    /** An endpoint counts as healthy when it is up on every port of the service. */
    private static boolean isUp(BackendPool pool, Endpoint e) {
        return pool.targets().stream().filter(t -> t.endpoint().equals(e)).allMatch(pool::isUp);
    }
}
