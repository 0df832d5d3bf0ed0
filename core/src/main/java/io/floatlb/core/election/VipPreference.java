package io.floatlb.core.election;

import io.floatlb.core.select.Rendezvous;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which nodes prefer to own a VIP: rendezvous hashing of VIP and node name, so
 * several VIPs spread over the nodes and every node computes the same order on its own.
 */
public final class VipPreference {
    private static final long VIP_SEED = 0x2545F4914F6CDD1DL;

    private VipPreference() {}

    public static List<String> rank(InetAddress vip, Collection<String> nodes) {
        long vipHash = Rendezvous.hash(vip.getAddress(), VIP_SEED);
        return nodes.stream()
                .sorted(Comparator.comparingDouble((String n) -> -score(vipHash, n)).thenComparing(n -> n))
                .toList();
    }

    private static double score(long vipHash, String node) {
        return Rendezvous.score(vipHash, Rendezvous.hash(node.getBytes(StandardCharsets.UTF_8), 0), 1);
    }
}
