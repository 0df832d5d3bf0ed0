package io.floatlb.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.net.HostPort;
import io.floatlb.core.status.StatusTable;
import io.floatlb.dataplane.echo.EchoServer;
import io.floatlb.dataplane.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class NodeRuntimeTest {

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.10"))) {
            return s.getLocalPort();
        }
    }

    private static String get(String host, int port) throws IOException {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesTheDemoShapeThroughAnElectedVipFromFourBackendsOnTwoNodes() throws Exception {
        int vipPort = freePort();
        int backendPort = freePort();
        FloatlbConfig config = ConfigLoader.parseString("""
                floatlb {
                  node.name = node1
                  drain-timeout = 1s
                  services.echo-service {
                    vip = "127.0.0.10"
                    ports = [{ port = %d, target-port = %d }]
                    endpoints = [
                      { address = "127.0.0.11", node = node1 }
                      { address = "127.0.0.12", node = node1 }
                      { address = "127.0.0.13", node = node2 }
                      { address = "127.0.0.14", node = node2 }
                    ]
                  }
                }
                """.formatted(vipPort, backendPort), "agent-test.conf").config();
        List<EchoServer> backends = new ArrayList<>();
        try (Transport transport = Transport.create(1)) {
            for (int i = 11; i <= 14; i++) {
                backends.add(EchoServer.start(transport, new HostPort(InetAddress.getByName("127.0.0." + i), backendPort),
                        "echo-" + i, i <= 12 ? "node1" : "node2"));
            }
            NodeRuntime node = NodeRuntime.start(config);
            try {
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < 8; i++) {
                    String reply = get("127.0.0.10", vipPort);
                    seen.add(reply.lines().filter(l -> l.startsWith("backend: ")).findFirst().orElseThrow());
                }
                assertThat(seen).hasSize(4);
                long until = System.nanoTime() + 10_000_000_000L;
                // Endpoints count as healthy once their first check passed (within a quarter interval).
                while ((node.view().services().get(0).owner() == null
                        || !StatusTable.render(node.view(), false).contains("node1=2/2 node2=2/2"))
                        && System.nanoTime() < until) {
                    Thread.sleep(10);
                }
                String table = StatusTable.render(node.view(), false);
                assertThat(table).contains("echo-service", "127.0.0.10", vipPort + ":" + backendPort + "/TCP",
                        "cluster", "node1", "node1=2/2 node2=2/2");
                assertThat(node.view().services().get(0).owner()).as("elected through the embedded ZooKeeper")
                        .isEqualTo("node1");
            } finally {
                node.close();
                backends.forEach(EchoServer::close);
            }
        }
    }
}
