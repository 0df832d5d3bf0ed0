package io.floatlb.daemon;

import io.floatlb.core.config.Endpoint;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.config.TrafficPolicy;
import io.floatlb.core.status.ServiceStatus;
import io.floatlb.dataplane.health.HealthChecker;
import io.floatlb.dataplane.proxy.BackendPool;
import io.floatlb.dataplane.proxy.ServiceProxy;
import io.floatlb.dataplane.transport.Transport;
import io.floatlb.failover.VipOwnership;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's services: for each, a backend pool, its health checks and its listeners. The
 * story of a node is {@link #start()} then {@link #stop()}.
 */
public final class Agent {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final FloatlbConfig config;
    private final Transport transport;
    private final VipOwnership ownership;
    private final List<Running> services = new ArrayList<>();

    private record Running(ServiceProxy proxy, HealthChecker checker) {}

    public Agent(FloatlbConfig config, Transport transport, VipOwnership ownership) {
        this.config = config;
        this.transport = transport;
        this.ownership = ownership;
    }

    public void start() {
        for (ServiceConfig s : config.services()) {
            BackendPool pool = new BackendPool(s, config.nodeName());
            ServiceProxy proxy = new ServiceProxy(s, pool, transport);
            try {
                proxy.start();
            } catch (RuntimeException e) {
                stop();
                throw e;
            }
            HealthChecker checker = new HealthChecker(pool, transport);
            checker.start();
            services.add(new Running(proxy, checker));
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
        services.clear();
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
                .collect(Collectors.toList());
        return new ServiceStatus(s.name(), s.vip(), s.ports(), s.trafficPolicy(), s.balance(), s.proxyProtocol(),
                ownership.owner(s.vip()).orElse(null), endpoints, proxy.activeConnections());
    }

    /** An endpoint counts as healthy when it is up on every port of the service. */
    private static boolean isUp(BackendPool pool, Endpoint e) {
        return pool.targets().stream().filter(t -> t.endpoint().equals(e)).allMatch(pool::isUp);
    }

    public FloatlbConfig config() {
        return config;
    }
}
