package io.floatlb.core.select;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * The target with the fewest open connections per unit of weight. Ties rotate, so that a
 * burst of new connections on an idle service spreads instead of piling on the first target.
 */
public final class LeastConnectionsSelector implements EndpointSelector {
    private final AtomicInteger rotation = new AtomicInteger();

    @Override
    public Target pick(List<Target> candidates, InetAddress client, ToIntFunction<Target> active) {
        int n = candidates.size();
        int start = Math.floorMod(rotation.getAndIncrement(), n);
        Target best = null;
        long bestLoad = 0;
        long bestWeight = 1;
        for (int i = 0; i < n; i++) {
            Target t = candidates.get((start + i) % n);
            long load = active.applyAsInt(t);
            // load/weight < bestLoad/bestWeight, without division
            if (best == null || load * bestWeight < bestLoad * t.weight()) {
                best = t;
                bestLoad = load;
                bestWeight = t.weight();
            }
        }
        return best;
    }
}
