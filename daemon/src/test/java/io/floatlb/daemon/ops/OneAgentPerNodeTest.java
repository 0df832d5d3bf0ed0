package io.floatlb.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.daemon.Main;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A second agent for a node that already runs here refuses to start, in one line, before it binds anything. */
@Timeout(60)
class OneAgentPerNodeTest {

    @TempDir
    Path dir;

    @Test
    void aSecondAgentForTheSameNodeRefusesBeforeBindingAnything() throws Exception {
        try (RunningNode node = new RunningNode(dir, 21, 22)) {
            Process second = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "-c", node.file.toString())
                    .redirectErrorStream(true).start();
            try {
                assertThat(second.waitFor(30, TimeUnit.SECONDS)).as("the second agent gives up").isTrue();
                String out = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(second.exitValue()).as("runtime failure: %s", out).isEqualTo(2);
                assertThat(out).contains("another floatlb agent (pid " + ProcessHandle.current().pid()
                        + ") already serves node 'node1'");
                assertThat(out).doesNotContain("listening on", "joined the cluster", "Exception", "\tat ");
            } finally {
                second.destroyForcibly();
            }
            for (int i = 0; i < 12; i++) {
                assertThat(KeepAliveClient.once(RunningNode.VIP, node.vipPort)).as("every request reaches the first agent")
                        .isIn("echo-21", "echo-22");
            }
        }
    }
}
