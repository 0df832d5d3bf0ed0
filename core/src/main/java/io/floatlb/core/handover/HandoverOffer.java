package io.floatlb.core.handover;

import io.floatlb.core.net.IpAddresses;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a node giving up a VIP in a planned move tells its successor: who it is, the
 * addresses on its advertised interfaces that the successor may forward to (with their
 * prefix lengths, so the successor picks the one on its own subnet), and the VIP's
 * established client flows. Kept in a znode as plain lines; anything that does not parse
 * is refused whole, never half trusted.
 */
public record HandoverOffer(String from, List<Interfaced> forwardTo, Set<Flow> flows) {
    /** ZooKeeper's default znode limit is 1 MiB; at about 30 bytes a flow this stays well under it. */
    public static final int MAX_FLOWS = 20_000;

    public HandoverOffer {
        forwardTo = List.copyOf(forwardTo);
        flows = Set.copyOf(flows);
    }

    /** An address of the old owner and the prefix length of its subnet. */
    public record Interfaced(InetAddress address, int prefixLength) {

        /** Whether {@code other} is on this address's subnet. */
        public boolean sameSubnet(InetAddress other, int otherPrefix) {
            if (address.getClass() != other.getClass()) {
                return false;
            }
            int bits = Math.min(prefixLength, otherPrefix);
            byte[] a = address.getAddress();
            byte[] b = other.getAddress();
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return IpAddresses.format(address) + "/" + prefixLength;
        }
    }

    public byte[] encode() {
        StringBuilder b = new StringBuilder("from ").append(from).append('\n');
        forwardTo.forEach(a -> b.append("forward ").append(a).append('\n'));
        flows.forEach(f -> b.append("flow ").append(f).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static Optional<HandoverOffer> decode(byte[] data) {
        if (data == null) {
            return Optional.empty();
        }
        String from = null;
        List<Interfaced> forward = new ArrayList<>();
        Set<Flow> flows = new LinkedHashSet<>();
        try {
            for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "from" -> from = f.length == 2 && !f[1].isEmpty() ? f[1] : null;
                    case "forward" -> forward.add(interfaced(f));
                    case "flow" -> flows.add(flow(f));
                    default -> {
                        return Optional.empty();
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return from == null || flows.size() > MAX_FLOWS ? Optional.empty()
                : Optional.of(new HandoverOffer(from, forward, flows));
    }

    private static Interfaced interfaced(String[] f) {
        String[] parts = f.length == 2 ? f[1].split("/") : new String[0];
        if (parts.length != 2) {
            throw new IllegalArgumentException("bad forward line");
        }
        InetAddress a = address(parts[0]);
        int prefix = Integer.parseInt(parts[1]);
        if (prefix < 0 || prefix > a.getAddress().length * 8) {
            throw new IllegalArgumentException("bad prefix");
        }
        return new Interfaced(a, prefix);
    }

    private static Flow flow(String[] f) {
        if (f.length != 4) {
            throw new IllegalArgumentException("bad flow line");
        }
        return new Flow(address(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]));
    }

    private static InetAddress address(String text) {
        return IpAddresses.parse(text).orElseThrow(() -> new IllegalArgumentException("not an address: " + text));
    }
}
