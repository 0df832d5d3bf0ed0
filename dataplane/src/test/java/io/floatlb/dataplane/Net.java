package io.floatlb.dataplane;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Small real-socket helpers for tests: loopback only, every call bounded in time. */
public final class Net {
    private Net() {}

    public static InetAddress loopback(int last) {
        try {
            return InetAddress.getByName("127.0.0." + last);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A port that is free on every address passed, found by the kernel. */
    public static int freePort(InetAddress... on) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, on[0])) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            if (freeOnAll(port, on)) {
                return port;
            }
        }
        throw new IllegalStateException("no common free port");
    }

    private static boolean freeOnAll(int port, InetAddress... on) {
        for (InetAddress a : on) {
            try (ServerSocket s = new ServerSocket(port, 1, a)) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** One HTTP/1.0 request on a fresh connection; the whole response, or the exception. */
    public static String get(InetSocketAddress to, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(to, 3000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(readAll(s.getInputStream()), StandardCharsets.UTF_8);
        }
    }

    public static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /** The value of a "key: value" line of an echo reply. */
    public static String field(String reply, String key) {
        for (String line : reply.split("\n")) {
            if (line.startsWith(key + ": ")) {
                return line.substring(key.length() + 2).trim();
            }
        }
        return null;
    }

    /** Polls a condition every 10 ms until it holds or the time is up. */
    public static boolean await(Duration max, BooleanSupplier condition) {
        long until = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < until) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
