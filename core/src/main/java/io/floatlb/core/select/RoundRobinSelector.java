package io.floatlb.core.select;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * Weighted round-robin over whatever the candidates are right now. One shared counter is
 * all the state, so targets coming and going need no bookkeeping and event loops never lock.
 */
public final class RoundRobinSelector implements EndpointSelector {
    private final AtomicLong next = new AtomicLong();

    @Override
    public Target pick(List<Target> candidates, InetAddress client, ToIntFunction<Target> active) {
        int total = 0;
        for (Target t : candidates) {
            total += t.weight();
        }
        long slot = Math.floorMod(next.getAndIncrement(), total);
        for (Target t : candidates) {
            slot -= t.weight();
            if (slot < 0) {
                return t;
            }
        }
        return candidates.get(candidates.size() - 1);
    }
}
