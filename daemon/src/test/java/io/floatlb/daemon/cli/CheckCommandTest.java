package io.floatlb.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.daemon.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class CheckCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    static Stream<Path> shippedConfigs() throws IOException {
        return Stream.concat(Files.list(Path.of("../conf")), Files.list(Path.of("src/main/resources")))
                .filter(p -> p.toString().endsWith(".conf"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shippedConfigs")
    void acceptsTheShippedConfigsWithoutAWarning(Path file) {
        assertThat(run("check", "--remote", "-c", file.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith(file + ": valid");
        assertThat(err.toString().lines()).as("only a host without the example's interface may say so")
                .allMatch(l -> l.contains("does not exist on this host"));
    }

    @Test
    void rejectsAnInvalidFileWithEveryProblemAndExitsOne() {
        int code = run("check", "-c", "../core/src/test/resources/invalid/07-two-services-one-listener.conf");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines()).as("one mistake, one line").containsExactly(
                "../core/src/test/resources/invalid/07-two-services-one-listener.conf:11: floatlb.services.web2.ports:"
                        + " 127.0.0.10:80/TCP is already served by service 'web1'");
    }

    @Test
    void aMissingOptionIsInvalidInput() {
        assertThat(run("check")).isEqualTo(1);
        assertThat(err.toString()).contains("Missing required option");
    }

    @Test
    void aRuntimeFailureIsOneLineAndExitsTwo() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String where = "127.0.0.1:" + taken.getLocalPort();
            int code = run("echo", "--listen", where, "--name", "x");
            assertThat(code).isEqualTo(2);
            assertThat(err.toString().strip()).startsWith("floatlb echo: echo backend x cannot listen on " + where)
                    .doesNotContain("\tat ");
        }
    }

    /** A config advertising on an interface this host lacks, for node {@code node}, serving {@code port}. */
    private Path hostConfig(Path dir, String node, int port) throws IOException {
        Path file = dir.resolve(node + ".conf");
        Files.writeString(file, """
                floatlb {
                  node.name = %s
                  address-pools.p.addresses = ["198.18.0.100/32"]
                  l2-advertisements.a { address-pools = [p], interfaces = [flbnosuch0] }
                  services.web { address-pool = p, ports = [{ port = %d }], endpoints = [{ address = "198.18.0.11", node = %s }] }
                }
                """.formatted(node, port, node));
        return file;
    }

    @Test
    void aMissingInterfaceIsAnErrorHereAndAWarningForAnotherHost(@TempDir Path dir) throws IOException {
        Path file = hostConfig(dir, "n1", 8080);
        assertThat(run("check", "-c", file.toString())).as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).contains(file + ": l2-advertisements.a.interfaces: flbnosuch0 does not exist on this host");
        err.getBuffer().setLength(0);
        assertThat(run("check", "--remote", "-c", file.toString())).as(err.toString()).isZero();
        assertThat(err.toString()).contains(file + ": warning: l2-advertisements.a.interfaces: flbnosuch0 does not exist");
        err.getBuffer().setLength(0);
        assertThat(run("check", "--for-node", "n2", "-c", file.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("node.name is 'n1', not 'n2' (--for-node)");
    }

    /** The running agent of the node holds its own ports: check says it did not look, instead of refusing them. */
    @Test
    void portsAreNotCheckedWhileTheNodesAgentRuns(@TempDir Path dir) throws IOException {
        String node = "check-held-" + ProcessHandle.current().pid();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.10"))) {
            Path file = dir.resolve("held.conf");
            Files.writeString(file, "floatlb { node.name = " + node + ", services.web { vip = \"127.0.0.10\", ports = [{ port = "
                    + taken.getLocalPort() + " }], endpoints = [{ address = \"127.0.0.11\", node = " + node + " }] } }");
            assertThat(run("check", "-c", file.toString())).isEqualTo(1);
            assertThat(err.toString()).contains("is already taken by another process on this host");
            err.getBuffer().setLength(0);
            try (io.floatlb.daemon.NodeLock agent = io.floatlb.daemon.NodeLock.acquire(node)) {
                assertThat(run("check", "-c", file.toString())).as(err.toString()).isZero();
                assertThat(err.toString()).contains("warning: ports not checked: the agent of node '" + node + "' runs")
                        .doesNotContain("is already taken");
            }
        }
    }

    /** A UDP port is taken only by a UDP socket: a TCP listener on the same number does not clash. */
    @Test
    void aUdpPortIsCheckedAgainstUdpSockets(@TempDir Path dir) throws IOException {
        InetAddress vip = InetAddress.getByName("127.0.0.10");
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(new java.net.InetSocketAddress(vip, 0))) {
            Path file = dir.resolve("udp.conf");
            String conf = "floatlb { node.name = n1, services.dns { vip = \"127.0.0.10\", ports = [{ port = "
                    + taken.getLocalPort() + ", protocol = %s }], endpoints = [{ address = \"127.0.0.11\", node = n1 }] } }";
            Files.writeString(file, conf.formatted("UDP"));
            assertThat(run("check", "-c", file.toString())).isEqualTo(1);
            assertThat(err.toString()).contains(":" + taken.getLocalPort() + "/UDP is already taken by another process on"
                    + " this host ('ss -lunp' shows which)");
            err.getBuffer().setLength(0);
            Files.writeString(file, conf.formatted("TCP"));
            assertThat(run("check", "-c", file.toString())).as(err.toString()).isZero();
        }
    }
}
