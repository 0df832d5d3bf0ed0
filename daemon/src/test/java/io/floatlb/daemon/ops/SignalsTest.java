package io.floatlb.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;

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
        Path conf = dir.resolve("floatlb.conf");
        Files.writeString(conf, AgentProcess.config("""
                services.echo { vip = "127.0.0.20", ports = [{ port = %d }], endpoints = [{ address = "127.0.0.21", node = node1 }] }
                """.formatted(RunningNode.freePort())));
        // env resets SIGHUP to its default: a test runner started under nohup passes it on ignored.
        try (AgentProcess agent = AgentProcess.start(List.of("env", "--default-signal=HUP"), dir.resolve("agent.log"),
                "run", "-c", conf.toString())) {
            assertThat(agent.await("running: SIGHUP reloads", 20)).as("the agent started: %s", agent.output()).isTrue();
            signal(agent.pid(), "-HUP");
            assertThat(agent.await("reload (SIGHUP)", 20)).as("SIGHUP reloads: %s", agent.output()).isTrue();
            assertThat(agent.process.isAlive()).as("SIGHUP does not stop the agent").isTrue();

            signal(agent.pid(), "-TERM");
            assertThat(agent.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(agent.process.exitValue()).as("exit code after SIGTERM").isZero();
            String out = agent.output();
            assertThat(out.indexOf("released by node1")).as("the VIP is released before draining: %s", out)
                    .isPositive().isLessThan(out.indexOf("node node1 stopped"));
        }
    }

    private static void signal(long pid, String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", signal, String.valueOf(pid)).start().waitFor(5, TimeUnit.SECONDS);
    }
}
