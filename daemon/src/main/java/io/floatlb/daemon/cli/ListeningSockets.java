package io.floatlb.daemon.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The TCP sockets listening on this host now, from {@code /proc/net/tcp} and {@code tcp6}. */
final class ListeningSockets {
    private static final String LISTEN = "0A";

    /** A listening address and port. */
    record Listener(InetAddress address, int port) {
        boolean takes(InetAddress vip, int p) {
            return port == p && (address.isAnyLocalAddress() || address.equals(vip));
        }
    }

    private ListeningSockets() {}

    static Set<Listener> now() {
        Set<Listener> all = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                Files.readAllLines(Path.of(table)).stream().skip(1).map(String::trim).map(l -> l.split("\\s+"))
                        .filter(f -> f.length > 3 && f[3].equals(LISTEN))
                        .forEach(f -> parse(f[1], all));
            } catch (IOException | RuntimeException e) {
                // no such table (no IPv6) or an unexpected format: nothing known to be taken
            }
        }
        return all;
    }

    /** {@code 0100007F:1F90}: the address in the kernel's byte order per 32-bit word, the port in hex. */
    private static void parse(String field, Set<Listener> into) {
        String[] parts = field.split(":");
        byte[] raw = new byte[parts[0].length() / 2];
        for (int word = 0; word < raw.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                raw[word * 4 + b] = (byte) Integer.parseInt(parts[0].substring(at, at + 2), 16);
            }
        }
        try {
            into.add(new Listener(InetAddress.getByAddress(raw), Integer.parseInt(parts[1], 16)));
        } catch (UnknownHostException e) {
            // not an address length the JDK knows: skip
        }
    }
}
