package io.floatlb.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.daemon.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code floatlb run} as systemd runs it: a process that reloads on SIGHUP and exits 0 on SIGTERM. */
@Timeout(60)
class SignalsTest {

    @TempDir
    Path dir;

    @Test
    void sighupReloadsAndSigtermReleasesDrainsAndExitsZero() throws Exception {
        int adminPort = RunningNode.freePort();
        Path conf = dir.resolve("floatlb.conf");
        Files.writeString(conf, """
                floatlb {
                  node.name = node1
                  drain-timeout = 1s
                  admin.listen = "127.0.0.1:%d"
                  services.echo { vip = "127.0.0.20", ports = [{ port = %d }], endpoints = [{ address = "127.0.0.21", node = node1 }] }
                }
                """.formatted(adminPort, RunningNode.freePort()));
        Path log = dir.resolve("agent.log");
        // env resets SIGHUP to its default: a test runner started under nohup passes it on ignored.
        Process agent = new ProcessBuilder("env", "--default-signal=HUP",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(awaitLog(log, "running: SIGHUP reloads")).as("the agent started: %s", Files.readString(log)).isTrue();
            signal(agent, "-HUP");
            assertThat(awaitLog(log, "reload (SIGHUP)")).as("SIGHUP reloads: %s", Files.readString(log)).isTrue();
            assertThat(agent.isAlive()).as("SIGHUP does not stop the agent").isTrue();

            signal(agent, "-TERM");
            assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(agent.exitValue()).as("exit code after SIGTERM").isZero();
            String out = Files.readString(log);
            assertThat(out.indexOf("released by node1")).as("the VIP is released before draining: %s", out)
                    .isPositive().isLessThan(out.indexOf("node node1 stopped"));
        } finally {
            agent.destroyForcibly();
        }
    }

    private static void signal(Process p, String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", signal, String.valueOf(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
    }

    private static boolean awaitLog(Path log, String text) throws IOException, InterruptedException {
        long until = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < until) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
