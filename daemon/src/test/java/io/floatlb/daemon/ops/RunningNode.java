package io.floatlb.daemon.ops;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.net.HostPort;
import io.floatlb.daemon.NodeService;
import io.floatlb.dataplane.echo.EchoServer;
import io.floatlb.dataplane.transport.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * A node as {@code floatlb run} starts it (config file, embedded ZooKeeper, admin API), in
 * this JVM, with echo backends echo-21..echo-24 on 127.0.0.21-24 and the VIP on 127.0.0.20
 * (policy {@code cluster} at start).
 */
final class RunningNode implements AutoCloseable {
    /** Where test ports start: above the ports services here commonly listen on. */
    private static final int LOWEST_TEST_PORT = 20_000;
    static final String VIP = "127.0.0.20";

    final Path dir;
    final Path file;
    final int vipPort;
    final int backendPort;
    final int adminPort;
    private final Transport backendLoops = Transport.create(1);
    private final List<EchoServer> backends = new ArrayList<>();
    final NodeService service;

    RunningNode(Path dir, int... endpoints) throws Exception {
        this.dir = dir;
        this.file = dir.resolve("floatlb.conf");
        this.vipPort = freePort();
        this.backendPort = freePort();
        this.adminPort = freePort();
        try {
            for (int i = 21; i <= 24; i++) {
                backends.add(EchoServer.start(backendLoops, new HostPort(InetAddress.getByName("127.0.0." + i),
                        backendPort), "echo-" + i, i <= 22 ? "node1" : "node2"));
            }
            Files.writeString(file, config("cluster", endpoints));
            service = NodeService.start(file, ConfigLoader.load(file).config());
        } catch (Exception e) {
            closeBackends();
            throw e;
        }
        try {
            awaitFirstChecks(java.util.Arrays.stream(endpoints).filter(e -> e <= 22).count());
            awaitVip();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /**
     * The config with these endpoints (last octets): 21 and 22 on node1 (this node), 23 and
     * 24 on node2 (a node that is not running); 21 with weight 3.
     */
    String config(String policy, int... endpoints) {
        String list = java.util.Arrays.stream(endpoints)
                .mapToObj(e -> "{ address = \"127.0.0." + e + "\", node = " + (e <= 22 ? "node1" : "node2")
                        + ", weight = " + (e == 21 ? 3 : 1) + " }")
                .collect(Collectors.joining("\n"));
        return """
                floatlb {
                  node.name = node1
                  drain-timeout = 2s
                  admin.listen = "127.0.0.1:%d"
                  services.echo {
                    vip = "%s"
                    ports = [{ port = %d, target-port = %d }]
                    anti-affinity = preferred
                    external-traffic-policy = %s
                    health-check { kind = tcp, interval = 200ms, timeout = 100ms }
                    endpoints = [
                %s
                    ]
                  }
                }
                """.formatted(adminPort, VIP, vipPort, backendPort, policy, list);
    }

    /** Endpoints count as healthy once they passed a check: wait for this node's to have had theirs. */
    private void awaitFirstChecks(long local) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (service.node().agent().memberState().healthyLocal("echo") < local && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    /**
     * Every node here has an endpoint of its own, so it wins the VIP. The election runs on its
     * own thread and the cluster view reads the VIP's znode from a cache: both may come after
     * the checks (CI saw {@code vips=0} in /drain-progress right after start).
     */
    private void awaitVip() throws Exception {
        InetAddress vip = InetAddress.getByName(VIP);
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!ownsVipInView(vip)) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("node1 did not own " + VIP + " (in its election and its cluster view)"
                        + " within 10 s of starting; its log says why");
            }
            Thread.sleep(10);
        }
    }

    private boolean ownsVipInView(InetAddress vip) {
        return service.node().election().ownedHere(vip) && service.node().view().nodes().stream()
                .anyMatch(n -> n.node().equals("node1") && n.vips().size() == 1);
    }

    /** Replaces the file the way config management does: write aside, then rename over it. */
    void replaceConfig(String content) throws IOException {
        Path next = dir.resolve("floatlb.conf.new");
        Files.writeString(next, content);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    HttpResponse<String> admin(String method, String path) throws Exception {
        return admin(method, path, Duration.ofSeconds(10));
    }

    /** A request that fails with HttpTimeoutException when no answer came within {@code within}. */
    HttpResponse<String> admin(String method, String path, Duration within) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(within).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(within).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Whether this JVM runs as root (tests that need namespaces or privileges skip otherwise). */
    static boolean isRoot() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
    }

    /**
     * A free loopback port below the kernel's ephemeral range. A port the kernel hands out
     * for a bind to port 0 is an ephemeral one, which any outgoing connection of any test
     * may take before the test binds it again (a clean-clone run saw "Address already in
     * use" for the admin API's port).
     */
    static int freePort() throws IOException {
        // Files.readString reads only the first byte of a /proc file on JDK 17; lines read it whole.
        String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
        int below = Integer.parseInt(range.split("\\s+")[0]);
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = LOWEST_TEST_PORT + ThreadLocalRandom.current().nextInt(below - LOWEST_TEST_PORT);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IOException("no free loopback port between " + LOWEST_TEST_PORT + " and " + below);
    }

    private void closeBackends() {
        backends.forEach(EchoServer::close);
        backendLoops.close();
    }

    @Override
    public void close() {
        service.close();
        closeBackends();
    }
}
