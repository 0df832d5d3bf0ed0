package io.floatlb.lab;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hand-over lab's client: {@code connections} long-lived HTTP keep-alive connections to
 * the VIP, each sending a request every {@code intervalMillis} for {@code exchanges}
 * requests. Prints "ready" once all are open, then at the end one line per connection
 * ("{@code conn <i> <backend> <exchanges done> ok|reset|error:<what>}") and a summary
 * ("{@code summary completed=<n> reset=<n> failed=<n>}"). Every read is bounded.
 */
public final class LongClient {
    private static final int TIMEOUT_MILLIS = 5_000;

    private LongClient() {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int connections = Integer.parseInt(args[2]);
        int exchanges = Integer.parseInt(args[3]);
        long interval = Long.parseLong(args[4]);
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            sockets.add(s);
        }
        System.out.println("ready");
        System.out.flush();
        String[] results = new String[connections];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            int n = i;
            Thread t = new Thread(() -> results[n] = converse(n, sockets.get(n), host, exchanges, interval));
            t.start();
            threads.add(t);
        }
        int completed = 0;
        int reset = 0;
        for (int i = 0; i < connections; i++) {
            threads.get(i).join(exchanges * (interval + TIMEOUT_MILLIS) + 10_000);
            String r = results[i] == null ? "conn " + i + " - 0 error:hung" : results[i];
            System.out.println(r);
            if (r.endsWith(" ok")) {
                completed++;
            } else if (r.endsWith(" reset")) {
                reset++;
            }
        }
        System.out.println("summary completed=" + completed + " reset=" + reset + " failed=" + (connections - completed - reset));
        System.out.flush();
        System.exit(0);
    }

    private static String converse(int n, Socket s, String host, int exchanges, long interval) {
        String backend = "-";
        int done = 0;
        try (s) {
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (; done < exchanges; done++) {
                out.write(("GET /" + n + "/" + done + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                backend = readResponse(in);
                Thread.sleep(interval);
            }
            return "conn " + n + " " + backend + " " + done + " ok";
        } catch (SocketException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            return "conn " + n + " " + backend + " " + done + (m.contains("reset") ? " reset" : " error:" + e.getMessage());
        } catch (IOException | InterruptedException e) {
            return "conn " + n + " " + backend + " " + done + " error:" + e;
        }
    }

    /** Reads one response (headers, then a Content-Length body); returns its X-Backend. */
    private static String readResponse(InputStream in) throws IOException {
        String backend = "?";
        int length = 0;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-backend:")) {
                backend = line.substring(10).trim();
            } else if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        if (in.readNBytes(length).length != length) {
            throw new IOException("closed mid-response");
        }
        return backend;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("closed by the server");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
