package io.floatlb.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class AdminApiTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    @Test
    void metricsAreValidPrometheusTextAndMoveWithTraffic() throws Exception {
        try (RunningNode node = new RunningNode(dir, 21, 22)) {
            String before = node.admin("GET", "/metrics").body();
            for (int i = 0; i < 10; i++) {
                KeepAliveClient.once(RunningNode.VIP, node.vipPort);
            }
            HttpResponse<String> after = node.admin("GET", "/metrics");
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");

            String service = "{service=\"echo\"}";
            assertThat(value(after.body(), "floatlb_service_connections_total" + service)
                    - value(before, "floatlb_service_connections_total" + service)).isEqualTo(10);
            String to21 = "{direction=\"to_backend\",endpoint=\"127.0.0.21:" + node.backendPort
                    + "\",node=\"node1\",service=\"echo\"}";
            assertThat(value(after.body(), "floatlb_endpoint_bytes_total" + to21))
                    .isGreaterThan(value(before, "floatlb_endpoint_bytes_total" + to21));
            assertThat(value(after.body(), "floatlb_endpoint_up{endpoint=\"127.0.0.21:" + node.backendPort
                    + "\",node=\"node1\",service=\"echo\"}")).isEqualTo(1);
            assertThat(value(after.body(), "floatlb_vip_owner{vip=\"127.0.0.20\"}")).isEqualTo(1);
            assertThat(value(after.body(), "floatlb_config_reloads_total{result=\"rejected\"}")).isZero();

            assertThat(parsedSamples(after.body())).as("samples the Prometheus parser read").isGreaterThan(30);
        }
    }

    @Test
    void statusHealthAndReadinessAnswerAndWrongUseIsRefused() throws Exception {
        try (RunningNode node = new RunningNode(dir, 21, 22)) {
            assertThat(node.admin("GET", "/healthz").statusCode()).isEqualTo(200);
            assertThat(node.admin("GET", "/readyz").statusCode()).isEqualTo(200);
            HttpResponse<String> status = node.admin("GET", "/status");
            assertThat(status.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(status.body()).contains("\"name\" : \"echo\"", "\"vip\" : \"127.0.0.20\"", "\"node\" : \"node1\"");
            // The member znode follows the health checks on the election thread: a moment later.
            String wide = node.admin("GET", "/status?o=wide").body();
            for (int i = 0; i < 50 && !wide.contains("node1=2/2"); i++) {
                Thread.sleep(100);
                wide = node.admin("GET", "/status?o=wide").body();
            }
            assertThat(wide).contains("SERVICE", "echo", "node1=2/2", "DRIFT");
            assertThat(node.admin("GET", "/status?foo=wide").headers().firstValue("Content-Type"))
                    .as("only the o parameter picks the table").hasValue("application/json");
            assertThat(node.admin("GET", "/reload").statusCode()).isEqualTo(405);
            assertThat(node.admin("POST", "/metrics").statusCode()).isEqualTo(405);
            assertThat(node.admin("GET", "/nope").statusCode()).isEqualTo(404);
            HttpResponse<String> unchanged = node.admin("POST", "/reload");
            assertThat(unchanged.statusCode()).isEqualTo(200);
            assertThat(unchanged.body()).startsWith("unchanged");
        }
    }

    /** The file watcher applied an edit first: the operator's reload says so instead of a bare "unchanged". */
    @Test
    void aReloadAfterTheWatcherSaysWhenTheFileWasApplied() throws Exception {
        try (RunningNode node = new RunningNode(dir, 21, 22)) {
            node.replaceConfig(node.config("cluster", 21, 22).replace("drain-timeout = 2s", "drain-timeout = 3s"));
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!node.service.node().agent().config().drainTimeout().equals(Duration.ofSeconds(3))
                    && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(node.admin("POST", "/reload").body())
                    .matches("unchanged: .* is what runs already \\(applied at \\d\\d:\\d\\d:\\d\\d on file changed\\)\\n");
        }
    }

    /** Maintenance through the API: the node says it drains, hands its VIP over (to nobody here), and comes back. */
    @Test
    void drainAndUndrainThroughTheApi() throws Exception {
        try (RunningNode node = new RunningNode(dir, 21, 22)) {
            assertThat(node.admin("POST", "/drain?node=nosuch").statusCode()).isEqualTo(400);
            assertThat(node.admin("GET", "/drain-progress").body()).startsWith("state=live vips=1 ");
            HttpResponse<String> drain = node.admin("POST", "/drain");
            assertThat(drain.statusCode()).isEqualTo(200);
            assertThat(drain.body()).startsWith("node node1 draining");
            assertThat(awaitBody(node, "/drain-progress", "state=drained vips=0 handovers=0 connections=0"))
                    .as("the only node gives its VIP up").isTrue();
            assertThat(node.admin("POST", "/drain").body()).contains("was already marked drained");
            assertThat(node.admin("GET", "/status?o=table").body()).containsPattern("node1\\s+drained");
            assertThat(node.admin("POST", "/undrain").body()).startsWith("node node1 undrained");
            assertThat(awaitBody(node, "/drain-progress", "state=live vips=1 ")).as("it takes its VIP back").isTrue();
        }
    }

    private static boolean awaitBody(RunningNode node, String path, String prefix) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until) {
            if (node.admin("GET", path).body().startsWith(prefix)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Test
    void slowAndHalfOpenClientsNeverBlockTheApi() throws Exception {
        try (RunningNode node = new RunningNode(dir, 21, 22)) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    Socket s = new Socket("127.0.0.1", node.adminPort);
                    // The request line, then nothing: the client that blocked the old API for minutes.
                    s.getOutputStream().write("GET /metrics HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                    slow.add(s);
                }
                Duration second = Duration.ofSeconds(1);
                assertThat(node.admin("GET", "/healthz", second).statusCode()).isEqualTo(200);
                assertThat(node.admin("GET", "/readyz", second).statusCode()).isEqualTo(200);
                assertThat(node.admin("GET", "/metrics", Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
                assertThat(node.admin("POST", "/reload", Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
                slow.get(0).getOutputStream().write("Host: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.get(0).setSoTimeout(5_000);
                assertThat(new String(slow.get(0).getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                        .as("a slow client that finally finishes its request is answered").isEqualTo("HTTP/1.1 200");
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    /**
     * Seeded garbage at the admin API: odd methods, paths, headers and bodies, lies about
     * lengths, clients that stop half-way or hang up. Every answer is a status the API means,
     * and {@code /healthz} keeps answering within a second.
     */
    @Test
    void fuzzedRequestsNeverStopTheApiOrMakeItErr() throws Exception {
        java.util.Random random = new java.util.Random(Long.getLong("floatlb.fuzz.seed", 20261127L));
        String[] methods = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE", "CONNECT", "G\u0000T", "", "get"};
        String[] paths = {"/", "/status", "/status?o=wide", "/status?o=", "/status?o=%ff", "/metrics", "/reload", "/healthz",
            "/readyz", "/../../etc/passwd", "/%00", "*", "http://x/status", "/status?" + "a=b&".repeat(500),
            "/" + "x".repeat(9_000), "/metrics#frag", "//status", "/status/"};
        String[] headers = {"Content-Length: 5\r\n", "Content-Length: -1\r\n", "Content-Length: 99999999999\r\n",
            "Transfer-Encoding: chunked\r\n", "Expect: 100-continue\r\n", "Connection: close\r\n", "Host:\r\n",
            "X-Long: " + "y".repeat(10_000) + "\r\n", "\r\n", "Bad Header\r\n"};
        java.util.Set<Integer> meant = java.util.Set.of(100, 200, 400, 404, 405, 413, 414, 431, 503);
        try (RunningNode node = new RunningNode(dir, 21, 22)) {
            for (int i = 0; i < 300; i++) {
                StringBuilder req = new StringBuilder(methods[random.nextInt(methods.length)]).append(' ')
                        .append(paths[random.nextInt(paths.length)]).append(random.nextInt(10) == 0 ? "" : " HTTP/1.1").append("\r\n");
                for (int h = random.nextInt(3); h > 0; h--) {
                    req.append(headers[random.nextInt(headers.length)]);
                }
                boolean complete = random.nextInt(5) > 0;
                if (complete) {
                    req.append("\r\n");
                    byte[] body = new byte[random.nextInt(3) == 0 ? random.nextInt(2_000) : 0];
                    random.nextBytes(body);
                    req.append(new String(body, StandardCharsets.ISO_8859_1));
                }
                try (Socket s = new Socket("127.0.0.1", node.adminPort)) {
                    s.setSoTimeout(2_000);
                    s.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
                    if (!complete) {
                        s.shutdownOutput(); // half-open: the request never ends
                    }
                    byte[] head = s.getInputStream().readNBytes(12);
                    String status = new String(head, StandardCharsets.US_ASCII);
                    if (status.startsWith("HTTP/1.")) {
                        assertThat(Integer.parseInt(status.substring(9, 12))).as("answer to %s", req.substring(0,
                                Math.min(80, req.length()))).isIn(meant);
                    }
                } catch (java.net.SocketTimeoutException | java.net.SocketException noAnswer) {
                    // a request that never ended may get no answer; the API must still serve others
                }
                if (i % 25 == 0) {
                    assertThat(node.admin("GET", "/healthz", Duration.ofSeconds(1)).statusCode()).isEqualTo(200);
                }
            }
            assertThat(node.admin("GET", "/healthz", Duration.ofSeconds(1)).statusCode()).isEqualTo(200);
            assertThat(node.admin("POST", "/reload", Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void statusAndReloadCommandsFindTheAgentThroughItsConfigFile() throws Exception {
        try (RunningNode node = new RunningNode(dir, 21, 22)) {
            java.io.StringWriter out = new java.io.StringWriter();
            assertThat(cli(out, "status", "-c", node.file.toString(), "-o", "json")).isZero();
            assertThat(out.toString()).contains("\"name\" : \"echo\"", "\"owner\" : \"node1\"");

            node.replaceConfig(node.config("cluster", 21, 22).replace("node.name = node1", "node.name = node1\n  bogus = 1"));
            java.io.StringWriter err = new java.io.StringWriter();
            assertThat(cli(err, "reload", "--admin", "127.0.0.1:" + node.adminPort)).as("an invalid file").isEqualTo(1);
            assertThat(err.toString()).contains("floatlb.conf:", "bogus");
            assertThat(cli(new java.io.StringWriter(), "status", "--admin", "127.0.0.1:" + node.adminPort, "-o", "yaml"))
                    .as("an unknown format is invalid input").isEqualTo(1);
        }
    }

    /** Runs a floatlb command; {@code text} receives what it prints on either stream. */
    private static int cli(java.io.StringWriter text, String... args) {
        picocli.CommandLine cli = io.floatlb.daemon.Main.commandLine();
        java.io.PrintWriter w = new java.io.PrintWriter(text, true);
        cli.setOut(w);
        cli.setErr(w);
        return cli.execute(args);
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        assertThat(m.find()).as("series %s in%n%s", series, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** Parses the text with the Prometheus project's own Python parser: a syntax error fails the test. */
    private static int parsedSamples(String metrics) throws IOException, InterruptedException {
        assumeTrue(canParse(), "needs python3-prometheus-client (bin/install-test-deps installs it as root)");
        Process p = new ProcessBuilder(PYTHON, "-c", """
                import sys
                from prometheus_client.parser import text_string_to_metric_families
                print(sum(len(f.samples) for f in text_string_to_metric_families(sys.stdin.read())))
                """).redirectErrorStream(true).start();
        p.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("the parser said: %s", out).isZero();
        return Integer.parseInt(out);
    }

    private static boolean canParse() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON, "-c", "import prometheus_client.parser").redirectErrorStream(true).start();
        return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
