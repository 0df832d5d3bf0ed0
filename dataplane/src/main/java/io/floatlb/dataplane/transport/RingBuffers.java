package io.floatlb.dataplane.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.uring.AbstractIoUringBufferRingAllocator;

/**
 * The buffers an io_uring loop puts in its ring when the kernel consumes one a read at a
 * time: each as large as the largest read (a read that reaches a buffer's end ends short,
 * and its rest goes out as a segment of its own), or a few KiB while direct memory runs
 * short ({@link DirectMemory}): the ring is refilled as reads use it up, so a read held
 * behind a stalled peer then keeps a small buffer, not a whole large one.
 */
final class RingBuffers extends AbstractIoUringBufferRingAllocator {
    private final int size;

    RingBuffers(ByteBufAllocator allocator, int size) {
        super(allocator, false);
        this.size = size;
    }

    @Override
    protected int nextBufferSize() {
        return DirectMemory.scarce() ? DirectMemory.SCARCE_READ : size;
    }
}
