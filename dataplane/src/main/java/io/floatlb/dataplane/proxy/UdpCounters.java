package io.floatlb.dataplane.proxy;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What one service's UDP ports have carried and dropped on this node, for metrics. */
public final class UdpCounters {

    /** Why a datagram was dropped rather than relayed. */
    public enum Drop {
        /** A new client while the service already had {@code udp.max-flows} flows. */
        MAX_FLOWS,
        /** No endpoint is up for a new flow (or all failed it). */
        NO_ENDPOINT,
        /** Datagrams of a flow whose socket to its endpoint is not connected yet, past the few that wait. */
        CONNECTING,
        /** The socket to the endpoint could not take more: the endpoint or the path to it is slower than the client. */
        CONGESTED_TO_BACKEND,
        /** The VIP socket could not take more replies. */
        CONGESTED_TO_CLIENT,
        /** A new client while the service is stopping. */
        DRAINING;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    final AtomicInteger flows = new AtomicInteger();
    final LongAdder flowsTotal = new LongAdder();
    final LongAdder datagramsToBackend = new LongAdder();
    final LongAdder datagramsToClient = new LongAdder();
    final LongAdder bytesToBackend = new LongAdder();
    final LongAdder bytesToClient = new LongAdder();
    private final Map<Drop, LongAdder> dropped = new EnumMap<>(Drop.class);

    UdpCounters() {
        for (Drop d : Drop.values()) {
            dropped.put(d, new LongAdder());
        }
    }

    void drop(Drop reason) {
        dropped.get(reason).increment();
    }

    public int flowsActive() {
        return flows.get();
    }

    public long flowsTotal() {
        return flowsTotal.sum();
    }

    public long datagramsToBackend() {
        return datagramsToBackend.sum();
    }

    public long datagramsToClient() {
        return datagramsToClient.sum();
    }

    public long bytesToBackend() {
        return bytesToBackend.sum();
    }

    public long bytesToClient() {
        return bytesToClient.sum();
    }

    public long dropped(Drop reason) {
        return dropped.get(reason).sum();
    }
}
