package io.floatlb.failover.election;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback between one node and ZooKeeper that a test can cut, as a network
 * partition would: established connections die and new ones are refused.
 */
final class CuttableLink implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    CuttableLink(String targetHostPort) throws IOException {
        int colon = targetHostPort.lastIndexOf(':');
        this.target = new InetSocketAddress(targetHostPort.substring(0, colon),
                Integer.parseInt(targetHostPort.substring(colon + 1)));
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "link-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String connectString() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket in = listener.accept();
                Socket out = new Socket();
                out.connect(target, 2000);
                sockets.add(in);
                sockets.add(out);
                pump(in, out);
                pump(out, in);
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
                i.transferTo(o);
            } catch (IOException ignored) {
                // the link was cut
            }
        }, "link-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Drops every connection and refuses new ones. */
    void cut() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
