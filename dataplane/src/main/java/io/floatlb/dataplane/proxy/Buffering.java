package io.floatlb.dataplane.proxy;

import io.floatlb.dataplane.transport.DirectMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * How much a proxied connection may hold, the same on its client and backend side. A side
 * stops being read once one read takes its peer past the high-water mark ({@link Relay}),
 * so at most {@link #HIGH_WATER} plus one read of at most {@link #MAX_READ} waits in the
 * proxy per direction. Reads larger than the mark keep a bulk transfer's system calls few:
 * with reads of at most 64 KiB, iperf3 through the proxy fell from about 13.5 to 8.5
 * Gbit/s; with 256 KiB it kept about 12, and 512 KiB reads moved 12.8-14.1 against 10.3-11.2
 * (io_uring, where a read waits for the send before it: README "Benchmarks"). While direct
 * memory runs short, a read takes a few KiB ({@link DirectMemory}), so the largest reads
 * cannot add up past the process's limit.
 */
final class Buffering {
    static final int LOW_WATER = 32 * 1024;
    static final int HIGH_WATER = 64 * 1024;
    static final int MAX_READ = 512 * 1024;
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(LOW_WATER, HIGH_WATER);
    private static final RecvByteBufAllocator READS = new Reads();

    private Buffering() {}

    /** A read size that adapts between 64 bytes and {@link #MAX_READ}, from 2 KiB. */
    static RecvByteBufAllocator reads() {
        return READS;
    }

    static void apply(ChannelConfig config) {
        config.setWriteBufferWaterMark(WATER_MARK);
        config.setRecvByteBufAllocator(reads());
    }

    /** Only sizes: each channel keeps its own guess in the handle it asks this for. */
    private static final class Reads implements RecvByteBufAllocator {
        private final AdaptiveRecvByteBufAllocator sizes = new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ);

        @Override
        public Handle newHandle() {
            return new Sized((ExtendedHandle) sizes.newHandle());
        }
    }

    private static final class Sized extends RecvByteBufAllocator.DelegatingHandle
            implements RecvByteBufAllocator.ExtendedHandle {
        Sized(RecvByteBufAllocator.ExtendedHandle sizes) {
            super(sizes);
        }

        @Override
        public int guess() {
            int guess = delegate().guess();
            return guess > DirectMemory.SCARCE_READ && DirectMemory.scarce() ? DirectMemory.SCARCE_READ : guess;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(guess());
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return ((RecvByteBufAllocator.ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
        }
    }
}
