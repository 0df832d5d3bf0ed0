package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.HealthCheck;
import io.floatlb.core.config.PortMapping;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.health.HealthState;
import io.floatlb.core.select.EndpointSelector;
import io.floatlb.core.select.ForwardingPolicy;
import io.floatlb.core.select.Target;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
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

    private final ServiceConfig service;
    private final EndpointSelector selector;
    private final Map<PortMapping, List<Target>> targetsByPort = new LinkedHashMap<>();
    private final Map<Target, TargetStats> stats = new LinkedHashMap<>();
    private final List<Consumer<BackendPool>> healthListeners = new CopyOnWriteArrayList<>();

    public BackendPool(ServiceConfig service, String node) {
        this.service = service;
        this.selector = EndpointSelector.of(service.balance());
        for (PortMapping port : service.ports()) {
            List<Target> targets = ForwardingPolicy.targets(service, port, node);
            targetsByPort.put(port, targets);
            targets.forEach(t -> stats.put(t, new TargetStats()));
        }
    }

    public ServiceConfig service() {
        return service;
    }

    /** Every target of every port, for health checking and status. */
    public Collection<Target> targets() {
        return stats.keySet();
    }

    /** The next target for a client, never one of {@code exclude} (targets that already failed it). */
    public Optional<Target> choose(PortMapping port, InetAddress client, Collection<Target> exclude) {
        List<Target> all = targetsByPort.getOrDefault(port, List.of());
        List<Target> usable = new ArrayList<>(all.size());
        for (Target t : all) {
            if (stats.get(t).health.get().up() && !exclude.contains(t)) {
                usable.add(t);
            }
        }
        if (usable.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(selector.pick(usable, client, t -> stats.get(t).active.get()));
    }

    public void opened(Target t) {
        stats.get(t).active.incrementAndGet();
    }

    public void closed(Target t) {
        stats.get(t).active.decrementAndGet();
    }

    /** One check outcome, active or passive; logs and notifies when the target changes state. */
    public void report(Target t, boolean success, String detail) {
        TargetStats s = stats.get(t);
        if (s == null) {
            return;
        }
        if (!success) {
            s.failures.increment();
        }
        HealthCheck hc = service.healthCheck();
        HealthState before = s.health.getAndUpdate(h -> h.after(success, hc.rise(), hc.fall()));
        HealthState after = before.after(success, hc.rise(), hc.fall());
        if (before.up() != after.up()) {
            log.info("service {}: endpoint {} is {} ({})", service.name(), t, after.up() ? "UP" : "DOWN", detail);
            healthListeners.forEach(l -> l.accept(this));
        }
    }

    public boolean isUp(Target t) {
        return stats.get(t).health.get().up();
    }

    public int active(Target t) {
        return stats.get(t).active.get();
    }

    public long failures(Target t) {
        return stats.get(t).failures.sum();
    }

    /** Called (on whichever thread saw the change) when any target goes up or down. */
    public void onHealthChange(Consumer<BackendPool> listener) {
        healthListeners.add(listener);
    }

    private static final class TargetStats {
        final AtomicReference<HealthState> health = new AtomicReference<>(HealthState.INITIAL);
        final AtomicInteger active = new AtomicInteger();
        final LongAdder failures = new LongAdder();
    }
}
