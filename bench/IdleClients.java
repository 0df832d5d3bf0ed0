import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens N idle TCP connections to HOST:PORT, prints "ready N", and holds them until its
 * standard input closes. Run with `java bench/IdleClients.java HOST PORT N`.
 */
public final class IdleClients {
    public static void main(String[] args) throws IOException {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        List<Socket> open = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), 5000);
            open.add(s);
        }
        System.out.println("ready " + open.size());
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold the connections until the harness closes our stdin
        }
        for (Socket s : open) {
            s.close();
        }
    }
}
