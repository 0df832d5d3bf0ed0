package io.floatlb.core.select;

/**
 * Highest-random-weight hashing: each (key, candidate) pair gets a score that depends on
 * nothing else, so adding or removing a candidate only moves the keys it wins or won.
 * Used for source-hash balancing (key: client address) and for which node prefers a VIP.
 */
public final class Rendezvous {

    private Rendezvous() {}

    /** A well-mixed 64-bit hash of some bytes. */
    public static long hash(byte[] bytes, long seed) {
        long h = seed;
        for (byte b : bytes) {
            h = mix(h ^ (b & 0xff));
        }
        return h;
    }

    /** The score of a candidate for a key; the highest score wins. Weight scales the odds. */
    public static double score(long keyHash, long candidateHash, int weight) {
        long h = mix(keyHash ^ candidateHash);
        // uniform in (0,1); weight / -ln(u) makes P(win) proportional to weight
        double u = ((h >>> 11) + 0.5) / (1L << 53);
        return weight / -Math.log(u);
    }

    /** SplitMix64's finalizer: every input bit flips about half the output bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
