package io.floatlb.failover.handover;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hand-overs by result and flows handed over, for metrics. A node counts {@code clean} and
 * {@code timed_out} for the hand-overs it gives, {@code unsupported} for those it could not
 * take (no {@code nft}, no capability, no common subnet).
 */
public final class HandoverCounts {

    public enum Result {
        CLEAN, TIMED_OUT, UNSUPPORTED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Map<Result, LongAdder> results = new EnumMap<>(Result.class);
    private final LongAdder flowsOffered = new LongAdder();

    public HandoverCounts() {
        for (Result r : Result.values()) {
            results.put(r, new LongAdder());
        }
    }

    void count(Result r) {
        results.get(r).increment();
    }

    void offered(int flows) {
        flowsOffered.add(flows);
    }

    public long handovers(Result r) {
        return results.get(r).sum();
    }

    /** Flows this node offered to a successor, over all its hand-overs. */
    public long flowsOffered() {
        return flowsOffered.sum();
    }
}
