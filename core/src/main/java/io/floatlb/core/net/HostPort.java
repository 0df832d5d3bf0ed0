package io.floatlb.core.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A literal address and a port, written "198.18.0.1:80" or "[2001:db8::1]:80". */
public record HostPort(InetAddress address, int port) {

    public HostPort {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (0-65535)");
        }
    }

    public static HostPort parse(String text) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (for example 127.0.0.1:9180)");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress address = IpAddresses.parse(host).orElseThrow(() -> new IllegalArgumentException(
                "'" + text + "' needs an IP address before the port, not a host name"));
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port after the colon");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " in '" + text + "' is out of range (1-65535)");
        }
        return new HostPort(address, port);
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(address, port);
    }

    @Override
    public String toString() {
        String host = IpAddresses.format(address);
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
