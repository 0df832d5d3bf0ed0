package io.floatlb.core.select;

import java.net.InetAddress;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Weighted rendezvous (highest-random-weight) hashing of the client address. Each target's
 * score depends only on the client and that target, so removing one of N targets moves only
 * the clients that scored it highest (about 1/N of them) and nobody else; a failed target's
 * clients fall back to their second-best target, consistently.
 */
public final class SourceHashSelector implements EndpointSelector {

    @Override
    public Target pick(List<Target> candidates, InetAddress client, ToIntFunction<Target> active) {
        long clientHash = hash(client.getAddress(), 0x9E3779B97F4A7C15L);
        Target best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Target t : candidates) {
            long h = mix(clientHash ^ targetHash(t));
            // uniform in (0,1); weight / -ln(u) makes P(win) proportional to weight
            double u = ((h >>> 11) + 0.5) / (1L << 53);
            double score = t.weight() / -Math.log(u);
            if (score > bestScore) {
                best = t;
                bestScore = score;
            }
        }
        return best;
    }

    private static long targetHash(Target t) {
        return hash(t.endpoint().address().getAddress(), t.port());
    }

    private static long hash(byte[] bytes, long seed) {
        long h = seed;
        for (byte b : bytes) {
            h = mix(h ^ (b & 0xff));
        }
        return h;
    }

    /** SplitMix64's finalizer: every input bit flips about half the output bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
