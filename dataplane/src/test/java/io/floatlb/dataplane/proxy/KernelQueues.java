package io.floatlb.dataplane.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** What the kernel holds in the send and receive queues of TCP sockets, from /proc/net/tcp and tcp6. */
final class KernelQueues {
    private static final String ESTABLISHED = "01";

    private KernelQueues() {}

    /** The bytes queued on every established socket with {@code ports} at either end. */
    static long bytes(int... ports) throws IOException {
        Set<Integer> wanted = java.util.Arrays.stream(ports).boxed().collect(java.util.stream.Collectors.toSet());
        long sum = 0;
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (String line : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                // sl local_address rem_address st tx_queue:rx_queue ...
                String[] f = line.trim().split("\\s+");
                if (!f[3].equals(ESTABLISHED)
                        || !(wanted.contains(port(f[1])) || wanted.contains(port(f[2])))) {
                    continue;
                }
                String[] queues = f[4].split(":");
                sum += Long.parseLong(queues[0], 16) + Long.parseLong(queues[1], 16);
            }
        }
        return sum;
    }

    private static int port(String hexAddress) {
        return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
    }
}
