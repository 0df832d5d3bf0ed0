package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.Protocol;
import io.floatlb.core.net.HostPort;

/** A VIP address and port over one protocol: what one {@link PortListener} binds. */
record ListenAddress(HostPort address, Protocol protocol) {

    @Override
    public String toString() {
        return address + "/" + protocol;
    }
}
