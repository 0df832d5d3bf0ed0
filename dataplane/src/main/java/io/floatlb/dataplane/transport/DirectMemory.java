package io.floatlb.dataplane.transport;

import io.netty.util.internal.PlatformDependent;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the process's direct memory (Netty's count, against the JVM's limit) runs short:
 * from three quarters of the limit until it is back under half for a while, reads shrink
 * to a few KiB ({@code Buffering}, {@link RingBuffers}) and a side is read again only once
 * its peer has written what it holds ({@code Relay}). A connection whose peer stopped
 * reading holds its last read until the peer drains: 1,500 stalled downloads held 375 MiB
 * of 256 MiB, and the allocation that failed there stopped the event loops (the ring's
 * refill runs outside any channel). Small reads hold little, so a process short of memory
 * slows its largest transfers instead. {@code DirectMemoryExhaustionTest} failed without
 * each of the three parts.
 */
public final class DirectMemory {
    private static final Logger log = LoggerFactory.getLogger(DirectMemory.class);
    private static final long LIMIT = PlatformDependent.maxDirectMemory();
    private static final long SHORT_ABOVE = LIMIT - LIMIT / 4;
    private static final long ENOUGH_BELOW = LIMIT / 2;
    /** A read's size while memory is short. */
    public static final int SCARCE_READ = 4 * 1024;
    private static final long HOLD_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final AtomicBoolean SHORT = new AtomicBoolean();
    private static volatile long lastAbove;

    private DirectMemory() {}

    /** In use now, by Netty's count (-1 where it does not count). */
    public static long used() {
        return PlatformDependent.usedDirectMemory();
    }

    public static long limit() {
        return LIMIT;
    }

    /** Whether reads are shrunk now, as last found. */
    public static boolean wasShort() {
        return SHORT.get();
    }

    /**
     * Short from three quarters of the limit until back under half and not above three
     * quarters for {@link #HOLD_NANOS}: held reads are freed and taken again within tens of
     * milliseconds while connections stall, and the state (and its log lines) would follow.
     */
    public static boolean scarce() {
        long used = PlatformDependent.usedDirectMemory(); // -1 where Netty does not count
        if (used > SHORT_ABOVE) {
            lastAbove = System.nanoTime();
            if (!SHORT.get() && SHORT.compareAndSet(false, true)) {
                log.warn("direct memory {} of {} MiB in use: reads shrink to {} KiB until it is back under {} MiB"
                        + " (at least 5 s; connections whose peers stopped reading?"
                        + " FLOATLB_JAVA_OPTS=-XX:MaxDirectMemorySize=... gives more)",
                        used >> 20, LIMIT >> 20, SCARCE_READ >> 10, ENOUGH_BELOW >> 20);
            }
            return true;
        }
        if (!SHORT.get()) {
            return false;
        }
        if (used < ENOUGH_BELOW && System.nanoTime() - lastAbove > HOLD_NANOS && SHORT.compareAndSet(true, false)) {
            log.info("direct memory {} of {} MiB in use: reads are full size again", used >> 20, LIMIT >> 20);
        }
        return SHORT.get();
    }
}
