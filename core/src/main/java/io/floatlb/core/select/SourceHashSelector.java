package io.floatlb.core.select;

import java.net.InetAddress;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Weighted rendezvous hashing of the client address. Removing one of N targets moves only
 * the clients that scored it highest (about 1/N of them) and nobody else; a failed
 * target's clients fall back to their second-best target, consistently.
 */
public final class SourceHashSelector implements EndpointSelector {
    private static final long CLIENT_SEED = 0x9E3779B97F4A7C15L;

    @Override
    public Target pick(List<Target> candidates, InetAddress client, ToIntFunction<Target> active) {
        long clientHash = Rendezvous.hash(client.getAddress(), CLIENT_SEED);
        Target best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Target t : candidates) {
            double score = Rendezvous.score(clientHash,
                    Rendezvous.hash(t.endpoint().address().getAddress(), t.port()), t.weight());
            if (score > bestScore) {
                best = t;
                bestScore = score;
            }
        }
        return best;
    }
}
