package io.floatlb.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatlb.daemon.Main;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mistake an operator can make from the command line, as a real process: the exit code
 * documented for it, and one line saying what failed, where and what to do. Log lines (INFO,
 * WARN) may come before it; no stack trace, no exception name and no ERROR line may.
 */
@Timeout(120)
class CommandLineFailuresTest {
    /** A log line at a level that is not an error: what the agent did before it failed. */
    private static final Pattern LOG = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO |WARN |DEBUG|TRACE) .*");

    @TempDir
    Path dir;

    private record Outcome(int exit, String output) {
        /** The lines that are not progress logs. */
        List<String> said() {
            return output.lines().filter(l -> !LOG.matcher(l).matches()).toList();
        }
    }

    private Outcome floatlb(List<String> prefix, List<String> jvm, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s ends", List.of(args)).isTrue();
            return new Outcome(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    private Outcome floatlb(String... args) throws Exception {
        return floatlb(List.of(), List.of(), args);
    }

    /** Exactly one line, the documented exit code, no trace of Java's insides. */
    private static void oneLine(Outcome o, int exit, String... saying) {
        assertThat(o.said()).as("one line: %s", o.output()).hasSize(1);
        assertThat(o.said().get(0)).as(o.output()).contains(saying);
        assertThat(o.exit()).as(o.output()).isEqualTo(exit);
        assertThat(o.output()).as("no stack trace, no exception, no error log")
                .doesNotContainPattern("(?m)^\\s+at ").doesNotContainPattern("(?m)^\\S+ ERROR ").doesNotContain("Exception");
    }

    private Path config(String body) throws IOException {
        Path file = dir.resolve("c" + ThreadLocalRandom.current().nextInt(1_000_000) + ".conf");
        Files.writeString(file, AgentProcess.config(body));
        return file;
    }

    @Test
    void aMissingOrUnreadableOrInvalidFile() throws Exception {
        oneLine(floatlb("run", "-c", "/nonexistent/floatlb.conf"), 1,
                "/nonexistent/floatlb.conf: no such file; pass the path of a HOCON config file with -c");
        oneLine(floatlb("check", "-c", dir.toString()), 1, "not a regular file");
        Path bad = config("services.web { vip = \"127.0.0.10\", ports = [{ port = 0 }], endpoints = [] }");
        oneLine(floatlb("run", "-c", bad.toString()), 1, bad + ":", "port");
        Path syntax = dir.resolve("syntax.conf");
        Files.writeString(syntax, "floatlb {\n  node.name = n1\n");
        oneLine(floatlb("check", "-c", syntax.toString()), 1, syntax + ":3: syntax: the file ends inside an object");
    }

    @Test
    void badOptionsCommandsAndEnvironment() throws Exception {
        oneLine(floatlb("status", "--admin", "nonsense"), 1, "floatlb status:", "'nonsense' is not HOST:PORT", "--help");
        oneLine(floatlb("drain", "--timeout", "soon"), 1, "floatlb drain:", "'soon' is not a duration");
        oneLine(floatlb("frobnicate"), 1, "floatlb: unknown command 'frobnicate'; the commands are run, demo, check");
        oneLine(floatlb("check"), 1, "floatlb check: Missing required option");
        oneLine(floatlb(List.of("env", "FLOATLB_LOG_LEVEL=bogus"), List.of(), "check", "-c", "x.conf"), 1,
                "FLOATLB_LOG_LEVEL='bogus' is not a log level");
    }

    @Test
    void noAgentToTalkTo() throws Exception {
        int closed = RunningNode.freePort();
        oneLine(floatlb("status", "--admin", "127.0.0.1:" + closed), 2, "no agent answers on 127.0.0.1:" + closed);
        oneLine(floatlb("drain", "--admin", "127.0.0.1:" + closed), 2, "no agent answers");
    }

    @Test
    void portsAnotherProcessHolds() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.10"), 0));
            Path service = config("services.web { vip = \"127.0.0.10\", ports = [{ port = " + taken.getLocalPort()
                    + " }], endpoints = [{ address = \"127.0.0.11\", node = node1 }] }");
            oneLine(floatlb("run", "-c", service.toString()), 2, "127.0.0.10:" + taken.getLocalPort());
            oneLine(floatlb("check", "-c", service.toString()), 1, "is already taken by another process on this host");
        }
    }

    @Test
    void anUnreachableZooKeeperIsSaidOnceAtFirstAndOnceAtTheEnd() throws Exception {
        int closed = RunningNode.freePort();
        Path conf = config("coordination.zookeeper = \"127.0.0.1:" + closed + "\"\n"
                + "services.web { vip = \"127.0.0.10\", ports = [{ port = " + RunningNode.freePort() + " }],"
                + " endpoints = [{ address = \"127.0.0.11\", node = node1 }] }");
        Outcome o = floatlb("run", "-c", conf.toString());
        oneLine(o, 2, "cannot reach ZooKeeper at 127.0.0.1:" + closed + " within 15 s; check coordination.zookeeper");
        assertThat(o.output().lines().filter(l -> l.contains("does not answer yet"))).as("the first failure, once").hasSize(1);
    }

    /** Root only: a network namespace of the test's own, and an agent without privileges or without libpcap in it. */
    @Test
    void missingPrivilegesOrLibpcap() throws Exception {
        assumeTrue(RunningNode.isRoot(), "needs root for a network namespace and setpriv (CI runs it as root)");
        String ns = "flbcli" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        run("ip", "netns", "add", ns);
        try {
            run("ip", "-n", ns, "link", "set", "lo", "up");
            Path l2 = config("address-pools.p.addresses = [\"198.18.0.100/32\"]\n"
                    + "l2-advertisements.a { address-pools = [p], interfaces = [lo] }\n"
                    + "services.web { address-pool = p, ports = [{ port = 8080 }], endpoints = [{ address = \"127.0.0.11\", node = node1 }] }");
            // Root without a capability, as a plain user would be.
            oneLine(floatlb(List.of("ip", "netns", "exec", ns, "setpriv", "--bounding-set=-all", "--inh-caps=-all"),
                    List.of(), "run", "-c", l2.toString()), 2, "Operation not permitted", "CAP_NET_ADMIN");
            oneLine(floatlb(List.of("ip", "netns", "exec", ns), List.of("-Dorg.pcap4j.core.pcapLibName=/nonexistent/libpcap.so"),
                    "run", "-c", l2.toString()), 2, "libpcap is not installed (apt-get install libpcap0.8)");
        } finally {
            run("ip", "netns", "del", ns);
        }
    }

    private static void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", argv)).isTrue();
    }
}
