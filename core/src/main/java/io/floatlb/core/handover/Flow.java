package io.floatlb.core.handover;

import io.floatlb.core.net.IpAddresses;
import java.net.InetAddress;

/** One established client connection to a VIP: the client's address and port, and the VIP port it reached. */
public record Flow(InetAddress client, int clientPort, int vipPort) {

    public Flow {
        if (clientPort < 1 || clientPort > 65535 || vipPort < 1 || vipPort > 65535) {
            throw new IllegalArgumentException("port out of range in flow " + IpAddresses.format(client) + ":"
                    + clientPort + " -> " + vipPort);
        }
    }

    @Override
    public String toString() {
        return IpAddresses.format(client) + " " + clientPort + " " + vipPort;
    }
}
