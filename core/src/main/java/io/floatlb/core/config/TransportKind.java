package io.floatlb.core.config;

/**
 * The node's socket machinery ({@code transport}): {@code auto} takes the fastest that loads
 * here, by measurement (bench/run), else the next one.
 */
public enum TransportKind {
    AUTO,
    IO_URING,
    EPOLL,
    NIO;

    /** As written in the config and in logs: io-uring, epoll, nio. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
