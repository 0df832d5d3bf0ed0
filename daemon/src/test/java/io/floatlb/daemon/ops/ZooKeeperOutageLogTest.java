package io.floatlb.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ZooKeeper outage as the journal shows it: a line when it starts and one when it ends,
 * not a warning per retry and no stack trace, from floatlb or from the ZooKeeper client.
 */
@Timeout(120)
class ZooKeeperOutageLogTest {

    @TempDir
    Path dir;

    @Test
    void anOutageIsALineWhenItStartsAndALineWhenItEnds() throws Exception {
        int zkPort = RunningNode.freePort();
        Path conf = dir.resolve("floatlb.conf");
        Files.writeString(conf, AgentProcess.config("""
                  coordination { zookeeper = "127.0.0.1:%d", session-timeout = 20s }
                  services.echo { vip = "127.0.0.20", ports = [{ port = %d }], endpoints = [{ address = "127.0.0.21", node = node1 }] }
                """.formatted(zkPort, RunningNode.freePort())));
        Path agentLog = dir.resolve("agent.log");
        AgentProcess zk = zk(zkPort);
        AgentProcess agent = AgentProcess.start(agentLog, "run", "-c", conf.toString());
        try {
            assertThat(agent.await("running: SIGHUP reloads", 30)).as("started: %s", agent.output()).isTrue();
            Thread.sleep(1_000); // the first health check (of an endpoint nobody runs) says DOWN
            long before = Files.readAllLines(agentLog).size();
            zk.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(6_000); // several connect attempts of the ZooKeeper client
            List<String> during = Files.readAllLines(agentLog).subList((int) before, Files.readAllLines(agentLog).size());
            zk = zk(zkPort);
            assertThat(agent.await("ZooKeeper connection back", 30)).as("%s", agent.output()).isTrue();
            List<String> all = Files.readAllLines(agentLog);
            assertThat(during).as("lines while ZooKeeper was down").hasSizeLessThanOrEqualTo(3)
                    .anyMatch(l -> l.contains("ZooKeeper connection suspended"));
            assertThat(all).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception:"));

            // A stop while ZooKeeper is away: silent at once, nothing to wait for but the drain.
            zk.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertThat(agent.await("ZooKeeper connection suspended", 2, 30)).isTrue();
            long stopAt = System.nanoTime();
            agent.process.destroy();
            if (!agent.process.waitFor(8, TimeUnit.SECONDS)) {
                throw new AssertionError("SIGTERM without ZooKeeper, still running after 8 s: " + agent.output()
                        + "\n" + agent.threads());
            }
            assertThat(agent.process.exitValue()).isZero();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopAt)).as("stop took (ms)").isLessThan(8_000);
        } finally {
            agent.close();
            zk.close();
        }
    }

    private AgentProcess zk(int port) throws Exception {
        AgentProcess p = AgentProcess.start(dir.resolve("zk-" + System.nanoTime() + ".log"), "zk", "--listen",
                "127.0.0.1:" + port, "--data", dir.resolve("zk-data").toString());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < until) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return p;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("floatlb zk did not start");
    }
}
