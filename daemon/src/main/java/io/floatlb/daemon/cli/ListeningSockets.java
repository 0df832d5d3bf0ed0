package io.floatlb.daemon.cli;

import io.floatlb.core.config.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The sockets that hold a port on this host now: TCP listeners from {@code /proc/net/tcp}
 * and {@code tcp6}, bound unconnected UDP sockets from {@code /proc/net/udp} and {@code udp6}.
 */
final class ListeningSockets {
    /** The kernel's state column: LISTEN for TCP, and for UDP the state of a socket that receives from anyone. */
    private static final Map<Protocol, String> HOLDING = Map.of(Protocol.TCP, "0A", Protocol.UDP, "07");

    /** A listening address and port. */
    record Listener(InetAddress address, int port, Protocol protocol) {
        boolean takes(InetAddress vip, int p, Protocol proto) {
            return port == p && protocol == proto && (address.isAnyLocalAddress() || address.equals(vip));
        }
    }

    private ListeningSockets() {}

    static Set<Listener> now() {
        Set<Listener> all = new HashSet<>();
        for (Protocol protocol : Protocol.values()) {
            String name = protocol.name().toLowerCase(Locale.ROOT);
            for (String table : List.of("/proc/net/" + name, "/proc/net/" + name + "6")) {
                read(table, protocol, all);
            }
        }
        return all;
    }

    private static void read(String table, Protocol protocol, Set<Listener> into) {
        try {
            Files.readAllLines(Path.of(table)).stream().skip(1).map(String::trim).map(l -> l.split("\\s+"))
                    .filter(f -> f.length > 3 && f[3].equals(HOLDING.get(protocol)))
                    .forEach(f -> parse(f[1], protocol, into));
        } catch (IOException | RuntimeException e) {
            // no such table (no IPv6) or an unexpected format: nothing known to be taken
        }
    }

    /** {@code 0100007F:1F90}: the address in the kernel's byte order per 32-bit word, the port in hex. */
    private static void parse(String field, Protocol protocol, Set<Listener> into) {
        String[] parts = field.split(":");
        byte[] raw = new byte[parts[0].length() / 2];
        for (int word = 0; word < raw.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                raw[word * 4 + b] = (byte) Integer.parseInt(parts[0].substring(at, at + 2), 16);
            }
        }
        try {
            into.add(new Listener(InetAddress.getByAddress(raw), Integer.parseInt(parts[1], 16), protocol));
        } catch (UnknownHostException e) {
            // not an address length the JDK knows: skip
        }
    }
}
