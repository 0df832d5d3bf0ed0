package io.floatlb.dataplane.proxy;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.WriteBufferWaterMark;

/**
 * How much a proxied connection may hold, the same on its client and backend side. A side
 * stops being read once one read takes its peer past the high-water mark ({@link Relay}),
 * so at most {@link #HIGH_WATER} plus one read of at most {@link #MAX_READ} waits in the
 * proxy per direction. Reads larger than the mark keep a bulk transfer's system calls few:
 * with reads of at most 64 KiB, iperf3 through the proxy fell from about 13.5 to 8.5
 * Gbit/s; with 256 KiB it keeps about 12 (README "Benchmarks").
 */
final class Buffering {
    static final int LOW_WATER = 32 * 1024;
    static final int HIGH_WATER = 64 * 1024;
    static final int MAX_READ = 256 * 1024;
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(LOW_WATER, HIGH_WATER);
    /** Only sizes: each channel keeps its own guess in the handle it asks this for. */
    private static final AdaptiveRecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ);

    private Buffering() {}

    /** A read size that adapts between 64 bytes and {@link #MAX_READ}, from 2 KiB. */
    static AdaptiveRecvByteBufAllocator reads() {
        return READS;
    }

    static void apply(ChannelConfig config) {
        config.setWriteBufferWaterMark(WATER_MARK);
        config.setRecvByteBufAllocator(reads());
    }
}
