package io.floatlb.core.select;

import io.floatlb.core.config.Endpoint;
import io.floatlb.core.net.HostPort;

/** Where one service port forwards to: an endpoint's address at the port's target port. */
public record Target(Endpoint endpoint, int port) {

    public HostPort hostPort() {
        return new HostPort(endpoint.address(), port);
    }

    public String node() {
        return endpoint.node();
    }

    public int weight() {
        return endpoint.weight();
    }

    @Override
    public String toString() {
        return hostPort() + "@" + endpoint.node();
    }
}
