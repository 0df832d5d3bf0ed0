package io.floatlb.daemon.ops;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One persistent HTTP/1.1 connection to the VIP: a request at a time, answered by the backend's name. */
final class KeepAliveClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    KeepAliveClient(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** The backend that answered; throws if the connection is gone. */
    String request() throws IOException {
        out.write("GET / HTTP/1.1\r\nHost: vip\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int length = -1;
        String line;
        while (!(line = readLine()).isEmpty()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        if (length < 0) {
            throw new IOException("no content-length in the reply");
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("connection closed in the middle of a reply");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return text.lines().filter(l -> l.startsWith("backend: ")).findFirst().orElseThrow().substring(9);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed by the proxy");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** One request on a fresh connection. */
    static String once(String host, int port) throws IOException {
        try (KeepAliveClient c = new KeepAliveClient(host, port)) {
            return c.request();
        }
    }

    /** One request on a fresh connection; null when it fails. */
    static String onceOrNull(String host, int port) {
        try {
            return once(host, port);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
