package io.floatlb.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.daemon.NodeService;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A UDP VIP in front of two real DNS servers (Debian's dnsmasq on 127.0.0.41 and .42, each
 * answering {@code who.test} with its own address), queried with dig through a node as
 * {@code floatlb run} starts it. dig takes an answer only from the address it asked, so
 * every answer it prints also came from the VIP.
 */
@Timeout(120)
class DnsThroughUdpVipTest {
    private static final String VIP = "127.0.0.40";
    private static final int[] SERVERS = {41, 42};
    private static final String DNSMASQ = executable("dnsmasq");
    private static final String DIG = executable("dig");

    @TempDir
    Path dir;
    private final Map<Integer, Process> dns = new HashMap<>();
    private int vipPort;
    private int dnsPort;
    private int adminPort;
    private Path file;
    private NodeService node;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(DNSMASQ != null && DIG != null, "needs dnsmasq and dig (Debian's dnsmasq-base and"
                + " bind9-dnsutils; bin/install-test-deps installs them as root)");
        vipPort = freeUdpPort(VIP);
        dnsPort = freeUdpPort("127.0.0.41", "127.0.0.42");
        adminPort = RunningNode.freePort();
        for (int s : SERVERS) {
            startDns(s);
        }
        file = dir.resolve("floatlb.conf");
        Files.writeString(file, config(""));
        node = NodeService.start(file, ConfigLoader.load(file).config());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (query() == null && System.nanoTime() < until) {
            Thread.sleep(50);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (node != null) {
            node.close();
        }
        for (Process p : dns.values()) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void queriesSpreadOverBothServersAndTheMetricsCountThem() throws Exception {
        Map<String, Integer> answers = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            String a = query();
            assertThat(a).as("query %d answered", i).isNotNull();
            answers.merge(a, 1, Integer::sum);
        }
        assertThat(answers.keySet()).containsExactlyInAnyOrder("198.18.0.41", "198.18.0.42");
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + adminPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metric(metrics, "floatlb_service_udp_datagrams_total{direction=\"to_client\",service=\"dns\"}"))
                .isGreaterThanOrEqualTo(20);
        assertThat(metric(metrics, "floatlb_service_udp_flows_total{service=\"dns\"}")).isGreaterThanOrEqualTo(20);
        assertThat(metrics).contains("floatlb_service_udp_datagrams_dropped_total{reason=\"max_flows\",service=\"dns\"} 0.0");
        String table = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + adminPort + "/status?o=wide")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(table).as("CONNECTIONS-HERE counts the flows: %s", table).containsPattern("(?m)^dns\\s+"
                + VIP.replace(".", "\\.") + "\\s+" + vipPort + ":" + dnsPort + "/UDP\\s+.*\\s\\d{2,}\\s*$");
    }

    @Test
    void aServerKilledMidRunStopsGettingFlowsAndNoQueryAfterTheCheckBoundsFails() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(query()).isNotNull();
        }
        Process killed = dns.get(42);
        killed.destroy();
        assertThat(killed.waitFor(5, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.nanoTime();
        // Checks every 200 ms, down after 2 failures with a 100 ms timeout: well within a second.
        long bound = TimeUnit.MILLISECONDS.toNanos(1000);
        List<String> lateFailures = new ArrayList<>();
        int late = 0;
        while (late < 40 && System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(30)) {
            long started = System.nanoTime();
            String a = query();
            if (started - killedAt > bound) {
                late++;
                if (!"198.18.0.41".equals(a)) {
                    lateFailures.add((started - killedAt) / 1_000_000 + " ms after the kill: " + a);
                }
            }
        }
        assertThat(late).isEqualTo(40);
        assertThat(lateFailures).as("queries after the health-check bounds").isEmpty();
    }

    @Test
    void aReloadUnderARunningQueryStreamLosesNoReply() throws Exception {
        List<String> failures = new ArrayList<>();
        int asked = 0;
        long reloadsBefore = node.reloader().applied();
        boolean reloaded = false;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until && (asked < 60 || node.reloader().applied() == reloadsBefore)) {
            if (asked == 20 && !reloaded) {
                replaceConfig(config("udp.idle-timeout = 5s\n    max-connections = 500"));
                reloaded = true;
            }
            String a = query();
            asked++;
            if (a == null) {
                failures.add("query " + asked);
            }
        }
        assertThat(node.reloader().applied()).as("the reload was applied").isGreaterThan(reloadsBefore);
        assertThat(failures).as("of %d queries", asked).isEmpty();
    }

    /** One query through the VIP with a new client port (a new flow); the answer, or null. */
    private String query() throws IOException, InterruptedException {
        Process dig = new ProcessBuilder(DIG, "@" + VIP, "-p", String.valueOf(vipPort), "who.test", "A", "+short",
                "+tries=1", "+time=1").redirectErrorStream(true).start();
        if (!dig.waitFor(5, TimeUnit.SECONDS)) {
            dig.destroyForcibly();
            return null;
        }
        String out = new String(dig.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return dig.exitValue() == 0 && out.matches("198\\.18\\.0\\.4[12]") ? out : null;
    }

    private void startDns(int lastOctet) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(DNSMASQ, "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
                "--no-hosts", "--listen-address=127.0.0." + lastOctet, "--bind-interfaces", "--port=" + dnsPort,
                "--host-record=who.test,198.18.0." + lastOctet, "--pid-file=", "--log-facility=-")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq-" + lastOctet + ".log").toFile()).start();
        dns.put(lastOctet, p);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (p.isAlive() && !Files.readString(dir.resolve("dnsmasq-" + lastOctet + ".log")).contains("started")
                && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(p.isAlive()).as("dnsmasq on 127.0.0.%d: %s", lastOctet,
                Files.readString(dir.resolve("dnsmasq-" + lastOctet + ".log"))).isTrue();
    }

    private String config(String extra) {
        return """
                floatlb {
                  node.name = node1
                  drain-timeout = 2s
                  admin.listen = "127.0.0.1:%d"
                  services.dns {
                    vip = "%s"
                    ports = [{ port = %d, target-port = %d, protocol = UDP }]
                    health-check { kind = tcp, port = %d, interval = 200ms, timeout = 100ms, rise = 1, fall = 2 }
                    %s
                    endpoints = [
                      { address = "127.0.0.41", node = node1 }
                      { address = "127.0.0.42", node = node2 }
                    ]
                  }
                }
                """.formatted(adminPort, VIP, vipPort, dnsPort, dnsPort, extra);
    }

    private void replaceConfig(String content) throws IOException {
        Path next = dir.resolve("floatlb.conf.new");
        Files.writeString(next, content);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static double metric(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(-1.0);
    }

    /** The command's path on PATH or in /usr/sbin (not on a user's PATH), or null. */
    private static String executable(String command) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.add("/usr/sbin");
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, command)).filter(Files::isExecutable)
                .map(Path::toString).findFirst().orElse(null);
    }

    private static int freeUdpPort(String... on) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(on[0]), 0))) {
                port = s.getLocalPort();
            }
            boolean free = true;
            for (String a : on) {
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(a), port))) {
                    s.getLocalPort();
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return port;
            }
        }
        throw new IllegalStateException("no free UDP port");
    }
}
