package io.floatlb.dataplane.transport;

import io.netty.channel.unix.Socket;

/**
 * Whether floatlb's build of six of Netty's io_uring classes (module {@code netty-patch}) is
 * the one loaded. Its classes replace Netty's own only from before Netty's jars on the class
 * path; without them each proxied connection makes about ten more system calls (README
 * "Benchmarks").
 */
public final class NettyPatch {
    private static final boolean IN_USE = probe();

    private NettyPatch() {}

    public static boolean inUse() {
        return IN_USE;
    }

    private static boolean probe() {
        try {
            Socket.class.getMethod("markInputShutdown");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
