package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.HealthCheck;
import io.floatlb.core.config.PortMapping;
import io.floatlb.core.config.ProtocolAddress;
import io.floatlb.core.config.ProxyProtocol;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.config.VipPort;
import io.floatlb.core.health.HealthState;
import io.floatlb.core.select.EndpointSelector;
import io.floatlb.core.select.ForwardingPolicy;
import io.floatlb.core.select.Target;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The targets one service may forward to from this node, with their health and load. Active
 * checks and the proxy's own connect failures both report here; new connections only ever
 * go to targets that are up.
 */
public final class BackendPool {
    private static final Logger log = LoggerFactory.getLogger(BackendPool.class);
    static final int SILENT_IN_A_ROW = 5;

    private final ServiceConfig service;
    private final EndpointSelector selector;
    /** By the VIP port a client came in on, so a listener kept across a reload finds its new targets. */
    private final Map<VipPort, List<Target>> targetsByPort = new LinkedHashMap<>();
    private final Map<Target, TargetStats> stats = new LinkedHashMap<>();
    /** Made once per target, so a proxied connection allocates nothing to be counted and heard. */
    private final Map<Target, Relay.Side> sides = new HashMap<>();
    private final List<Consumer<BackendPool>> healthListeners = new CopyOnWriteArrayList<>();

    public BackendPool(ServiceConfig service, String node) {
        this(service, node, Map.of());
    }

    private BackendPool(ServiceConfig service, String node, Map<ProtocolAddress, TargetStats> carried) {
        this.service = service;
        this.selector = EndpointSelector.of(service.balance());
        for (PortMapping port : service.ports()) {
            List<Target> targets = ForwardingPolicy.targets(service, port, node);
            targetsByPort.put(port.vipPort(), targets);
            for (Target t : targets) { // two VIP ports may forward to one target
                TargetStats s = stats.computeIfAbsent(t, k -> carried.getOrDefault(k.address(), new TargetStats()));
                sides.computeIfAbsent(t, k -> new TargetSide(k, s));
            }
        }
    }

    /**
     * The pool for a reloaded service: targets at an address and port this pool already has
     * keep their stats (health, open connections, counters), whatever their new weight;
     * health listeners carry over. Connections open now keep reporting to their old target,
     * whose stats are the same object.
     */
    public BackendPool successor(ServiceConfig next, String node) {
        Map<ProtocolAddress, TargetStats> carried = new HashMap<>();
        stats.forEach((t, s) -> carried.put(t.address(), s));
        BackendPool p = new BackendPool(next, node, carried);
        p.healthListeners.addAll(healthListeners);
        return p;
    }

    public ServiceConfig service() {
        return service;
    }

    /** Every target of every port, for health checking and status. */
    public Collection<Target> targets() {
        return stats.keySet();
    }

    /**
     * The next target for a client, never one of {@code exclude} (targets that already failed
     * it), never one that is down. A target not checked yet is used, as HAProxy uses a server
     * before its first check: a node that just started, or endpoints a reload just added,
     * serve at once, and a failed connect marks such a target down and retries the next.
     * (Eligibility for a VIP is stricter: it counts only targets that passed a check.)
     */
    public Optional<Target> choose(VipPort vipPort, InetAddress client, Collection<Target> exclude) {
        List<Target> all = targetsByPort.getOrDefault(vipPort, List.of());
        List<Target> usable = new ArrayList<>(all.size());
        for (Target t : all) {
            if (!stats.get(t).down() && !exclude.contains(t)) {
                usable.add(t);
            }
        }
        if (usable.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(selector.pick(usable, client, t -> stats.get(t).active.get()));
    }

    /**
     * The stats of one of this pool's targets. Connections keep the pool they were opened
     * with, so a target a reload removed still finds its stats in that pool.
     */
    public TargetStats stats(Target t) {
        return stats.get(t);
    }

    /**
     * The target closed a proxied connection before sending a byte, while the client still
     * talked: what a server does that does not expect the PROXY header, or refuses the
     * proxy's address. Health checks cannot see it, so it is counted, and said in one line
     * when it happens {@link #SILENT_IN_A_ROW} times in a row (then every 1000th time).
     */
    private void closedSilently(Target t, TargetStats s) {
        s.closedSilently.increment();
        int inARow = s.silentInARow.incrementAndGet();
        if (inARow == SILENT_IN_A_ROW || inARow % 1000 == 0) {
            log.warn("service {}: endpoint {} closed {} proxied connections in a row before sending a byte{}",
                    service.name(), t, inARow, service.proxyProtocol() != ProxyProtocol.OFF
                            ? "; does it expect the PROXY header floatlb sends (proxy-protocol)?"
                            : "; does it refuse connections from this node?");
        }
    }

    /** How a relay from the target counts its connections and tells whether it heard from it. */
    Relay.Side side(Target t) {
        return sides.get(t);
    }

    /** One target's side of its proxied connections, holding its stats so a connection looks nothing up. */
    private final class TargetSide implements Relay.Side {
        private final Target target;
        private final TargetStats stats;

        TargetSide(Target target, TargetStats stats) {
            this.target = target;
            this.stats = stats;
        }

        @Override
        public void opened() {
            stats.active.incrementAndGet();
            stats.connections.increment();
        }

        @Override
        public void closed() {
            stats.active.decrementAndGet();
        }

        @Override
        public void heard() {
            if (stats.silentInARow.get() != 0) {
                stats.silentInARow.set(0); // written only when it changes: read on every connection, from every loop
            }
        }

        @Override
        public void closedSilently() {
            BackendPool.this.closedSilently(target, stats);
        }
    }

    /** The proxy could not connect: counted apart from checks, and a failed check too (passive marking). */
    public void connectFailed(Target t, String detail) {
        stats(t).connectFailures.increment();
        report(t, false, detail);
    }

    /** One check outcome, active or passive; logs and notifies when the target changes state. */
    public void report(Target t, boolean success, String detail) {
        TargetStats s = stats.get(t);
        if (s == null) {
            return;
        }
        if (!success) {
            s.checkFailures.increment();
        }
        HealthCheck hc = service.healthCheck();
        HealthState before = s.health.getAndUpdate(h -> h.after(success, hc.rise(), hc.fall()));
        HealthState after = before.after(success, hc.rise(), hc.fall());
        if (before.status() != after.status()) {
            log.info("service {}: endpoint {} is {} ({})", service.name(), t, after.status(), detail);
        }
        if (before.up() != after.up()) {
            healthListeners.forEach(l -> l.accept(this));
        }
    }

    public HealthState health(Target t) {
        return stats(t).health.get();
    }

    public boolean isUp(Target t) {
        return stats(t).up();
    }


    /** Called (on whichever thread saw the change) when any target goes up or down. */
    public void onHealthChange(Consumer<BackendPool> listener) {
        healthListeners.add(listener);
    }
}
