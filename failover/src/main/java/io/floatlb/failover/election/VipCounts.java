package io.floatlb.failover.election;

import io.floatlb.failover.VipOwnership;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** How often this node took and gave up each VIP, for metrics: a subscriber like any other. */
public final class VipCounts implements VipOwnership.Listener {
    private final Map<InetAddress, LongAdder> won = new ConcurrentHashMap<>();
    private final Map<InetAddress, LongAdder> lost = new ConcurrentHashMap<>();

    @Override
    public void onAcquired(InetAddress vip) {
        won.computeIfAbsent(vip, v -> new LongAdder()).increment();
    }

    @Override
    public void onLost(InetAddress vip) {
        lost.computeIfAbsent(vip, v -> new LongAdder()).increment();
    }

    /** Times this node took the VIP. */
    public long won(InetAddress vip) {
        return count(won, vip);
    }

    /** Times this node stopped owning the VIP: handed over, released, or its session lost. */
    public long lost(InetAddress vip) {
        return count(lost, vip);
    }

    private static long count(Map<InetAddress, LongAdder> counts, InetAddress vip) {
        LongAdder c = counts.get(vip);
        return c == null ? 0 : c.sum();
    }
}
