package io.floatlb.core.config;

import java.net.InetAddress;
import java.util.List;

/** One load-balanced service: a VIP, its ports and the endpoints behind it. */
public record ServiceConfig(
        String name,
        InetAddress vip,
        String addressPool,
        List<PortMapping> ports,
        TrafficPolicy trafficPolicy,
        Balance balance,
        ProxyProtocol proxyProtocol,
        AntiAffinity antiAffinity,
        HealthCheck healthCheck,
        ProxyLimits limits,
        UdpLimits udp,
        List<Endpoint> endpoints) {

    public ServiceConfig {
        ports = List.copyOf(ports);
        endpoints = List.copyOf(endpoints);
    }

    public ServiceConfig withVip(InetAddress address) {
        return new ServiceConfig(name, address, addressPool, ports, trafficPolicy, balance, proxyProtocol, antiAffinity,
                healthCheck, limits, udp, endpoints);
    }
}
