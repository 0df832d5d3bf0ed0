package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.Protocol;
import io.floatlb.core.config.VipPort;
import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.transport.Listening;

/** The socket(s) of one VIP port of a service; kept across reloads that keep the port. */
abstract sealed class PortListener permits ProxyListener, DatagramListener {
    final ServiceProxy service;
    final HostPort address;
    final VipPort port;
    Listening listening;

    PortListener(ServiceProxy service, HostPort address, Protocol protocol) {
        this.service = service;
        this.address = address;
        this.port = new VipPort(address.port(), protocol);
    }

    /** Binds; fails with the reason the address could not be bound. */
    abstract void bind();

    /** New clients are refused from now on; established ones carry on. */
    abstract void stopAdmitting();

    /** Whether clients of this port still need it: a UDP flow sent a datagram lately. */
    abstract boolean busy();

    /** Closes the sockets, once: what still depends on them ends. */
    void close() {
        if (listening != null) {
            listening.close();
            listening = null;
        }
    }

    @Override
    public String toString() {
        return service.config().name() + " " + address + "/" + port.protocol();
    }
}
