package io.floatlb.core.select;

import io.floatlb.core.config.Endpoint;
import io.floatlb.core.config.Protocol;
import io.floatlb.core.config.ProtocolAddress;
import io.floatlb.core.net.HostPort;

/**
 * Where one service port forwards to: an endpoint's address at the port's target port,
 * over the port's protocol (an endpoint's TCP 53 and UDP 53 are two targets, up or down
 * apart).
 */
public record Target(Endpoint endpoint, int port, Protocol protocol) {

    public HostPort hostPort() {
        return new HostPort(endpoint.address(), port);
    }

    public String node() {
        return endpoint.node();
    }

    public int weight() {
        return endpoint.weight();
    }

    /** What a reloaded pool recognises a target by: not its weight, which a reload may change. */
    public ProtocolAddress address() {
        return new ProtocolAddress(hostPort(), protocol);
    }

    /** Address and port, with {@code /udp} for a UDP target: what metrics label it by. */
    public String where() {
        return hostPort() + (protocol == Protocol.UDP ? "/udp" : "");
    }

    @Override
    public String toString() {
        return where() + "@" + endpoint.node();
    }
}
