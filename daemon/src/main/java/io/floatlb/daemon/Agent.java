package io.floatlb.daemon;

import io.floatlb.core.config.Endpoint;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.config.TrafficPolicy;
import io.floatlb.core.election.MemberState;
import io.floatlb.core.status.ServiceStatus;
import io.floatlb.dataplane.health.HealthChecker;
import io.floatlb.dataplane.proxy.BackendPool;
import io.floatlb.dataplane.proxy.ServiceProxy;
import io.floatlb.dataplane.transport.Transport;
import io.floatlb.failover.VipOwnership;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's services: for each, a backend pool, its health checks and its listeners.
 * The story of a node is {@link #start(VipOwnership)} then {@link #stop()}.
 */
public final class Agent {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final FloatlbConfig config;
    private final Transport transport;
    private final List<Running> services = new ArrayList<>();
    private VipOwnership ownership;

    private record Running(ServiceProxy proxy, HealthChecker checker) {}

    public Agent(FloatlbConfig config, Transport transport) {
        this.config = config;
        this.transport = transport;
        for (ServiceConfig s : config.services()) {
            BackendPool pool = new BackendPool(s, config.nodeName());
            services.add(new Running(new ServiceProxy(s, pool, transport), new HealthChecker(pool, transport)));
        }
    }

    /** What this node tells the cluster: per service, its own healthy and total endpoints. */
    public MemberState memberState() {
        Map<String, MemberState.EndpointCount> counts = new LinkedHashMap<>();
        for (Running r : services) {
            ServiceConfig s = r.proxy().config();
            List<Endpoint> local = s.endpoints().stream().filter(e -> e.node().equals(config.nodeName())).toList();
            int healthy = (int) local.stream().filter(e -> isUp(r.proxy().pool(), e)).count();
            counts.put(s.name(), new MemberState.EndpointCount(healthy, local.size()));
        }
        return new MemberState(config.nodeName(), config.digest(), counts);
    }

    /** Called, on a health-check thread, whenever an endpoint of any service goes up or down. */
    public void onHealthChange(Consumer<MemberState> listener) {
        services.forEach(r -> r.proxy().pool().onHealthChange(pool -> listener.accept(memberState())));
    }

    public void start(VipOwnership vipOwnership) {
        this.ownership = vipOwnership;
        List<Running> started = new ArrayList<>();
        for (Running r : services) {
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

    /** Stops accepting everywhere at once, then drains every service against one deadline. */
    public void stop() {
        services.forEach(r -> r.checker().stop());
        services.forEach(r -> r.proxy().stopAccepting());
        long until = System.nanoTime() + config.drainTimeout().toNanos();
        int forced = services.stream().mapToInt(r -> r.proxy().drain(until)).sum();
        log.info("node {} stopped ({} connection(s) closed at the drain deadline)", config.nodeName(), forced);
    }

    public List<ServiceStatus> status() {
        return services.stream().map(r -> status(r.proxy())).toList();
    }

    private ServiceStatus status(ServiceProxy proxy) {
        ServiceConfig s = proxy.config();
        BackendPool pool = proxy.pool();
        Map<String, int[]> byNode = new LinkedHashMap<>();
        for (Endpoint e : s.endpoints()) {
            boolean checkedHere = s.trafficPolicy() == TrafficPolicy.CLUSTER || e.node().equals(config.nodeName());
            int[] counts = byNode.computeIfAbsent(e.node(), n -> new int[] {checkedHere ? 0 : -1, 0});
            counts[1]++;
            if (checkedHere && isUp(pool, e)) {
                counts[0]++;
            }
        }
        List<ServiceStatus.NodeEndpoints> endpoints = byNode.entrySet().stream()
                .map(en -> new ServiceStatus.NodeEndpoints(en.getKey(), en.getValue()[0], en.getValue()[1]))
                .toList();
        return new ServiceStatus(s.name(), s.vip(), s.ports(), s.trafficPolicy(), s.balance(), s.proxyProtocol(),
                ownership == null ? null : ownership.owner(s.vip()).orElse(null), endpoints, proxy.activeConnections());
    }

    /** An endpoint counts as healthy when it is up on every port of the service. */
    private static boolean isUp(BackendPool pool, Endpoint e) {
        return pool.targets().stream().filter(t -> t.endpoint().equals(e)).allMatch(pool::isUp);
    }
}
