package io.floatlb.lab;

/** What every lab service has in common: fast checks and connects, so that faults show quickly. */
final class LabConfigs {

    private LabConfigs() {}

    /** The body of a service on the lab LAN (without its VIP). */
    static String service(String ports, String policy, String endpoints) {
        return """
                ports = [%s]
                external-traffic-policy = %s
                anti-affinity = preferred
                proxy-protocol = v2
                health-check { kind = tcp, interval = 200ms, timeout = 100ms, rise = 2, fall = 2 }
                connect-timeout = 200ms
                endpoints = [%s]
                """.formatted(ports, policy, endpoints);
    }
}
