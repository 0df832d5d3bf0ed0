package io.floatlb.lab;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The lab's client: one HTTP request to the VIP every interval, on a fresh connection, so
 * each probe also resolves the VIP with the kernel's ARP. Prints one line per probe,
 * "{@code <millis since start> <backend>|FAIL}", for at most {@code count} probes.
 */
public final class Prober {

    private Prober() {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long intervalMillis = Long.parseLong(args[2]);
        int count = Integer.parseInt(args[3]);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = start + i * intervalMillis * 1_000_000;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            String result = probe(host, port, (int) Math.max(50, intervalMillis * 5));
            System.out.println((System.nanoTime() - start) / 1_000_000 + " " + result);
            System.out.flush();
        }
    }

    private static String probe(String host, int port, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : reply.split("\n")) {
                if (line.startsWith("backend: ")) {
                    return line.substring(9).trim();
                }
            }
            return "FAIL";
        } catch (Exception e) {
            return "FAIL";
        }
    }
}
