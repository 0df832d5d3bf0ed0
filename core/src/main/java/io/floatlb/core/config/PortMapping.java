package io.floatlb.core.config;

/** A port the VIP listens on and the port of the endpoints it forwards to, over one protocol. */
public record PortMapping(int port, int targetPort, Protocol protocol) {

    public static PortMapping tcp(int port, int targetPort) {
        return new PortMapping(port, targetPort, Protocol.TCP);
    }

    public VipPort vipPort() {
        return new VipPort(port, protocol);
    }

    /** As the status table's PORTS column shows it, kubectl's way: {@code 53:5353/UDP}. */
    public String label() {
        return port + ":" + targetPort + "/" + protocol;
    }
}
