package io.floatlb.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatlb.core.config.TransportKind;
import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.echo.EchoServer;
import io.floatlb.dataplane.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An agent out of file descriptors: accepts and health checks fail for a while, each said
 * in one line without a stack trace, and the agent serves again once descriptors are free.
 * On epoll the accept fails first; io_uring accepts ahead of the loop, so there the socket
 * for the backend is what fails, and it must pause the listener the same way.
 */
@Timeout(90)
class FdExhaustionTest {
    private static final int HEADROOM = 40;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"EPOLL", "IO_URING"})
    void runningOutOfFileDescriptorsPausesAcceptsWithOneLineAndRecovers(TransportKind transport) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "needs prlimit (util-linux)");
        assumeTrue(Transport.loads(transport), transport.label() + " does not load here");
        int vipPort = RunningNode.freePort();
        int backendPort = RunningNode.freePort();
        Path conf = dir.resolve("floatlb.conf");
        Files.writeString(conf, AgentProcess.config("""
                  transport = %s
                  services.echo {
                    vip = "127.0.0.20"
                    ports = [{ port = %d, target-port = %d }]
                    health-check { kind = tcp, interval = 100ms, timeout = 50ms }
                    endpoints = [{ address = "127.0.0.21", node = node1 }]
                  }
                """.formatted(transport.label(), vipPort, backendPort)));
        try (Transport loops = Transport.create(1);
             EchoServer backend = EchoServer.start(loops, new HostPort(InetAddress.getByName("127.0.0.21"), backendPort),
                     "echo-21", "node1")) {
            AgentProcess agent = AgentProcess.start(dir.resolve("agent.log"), "run", "-c", conf.toString());
            List<Socket> hogs = new ArrayList<>();
            try {
                assertThat(agent.await("running: SIGHUP reloads", 30)).as("the agent started: %s", agent.output()).isTrue();
                long open;
                try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(agent.pid()), "fd"))) {
                    open = fds.count();
                }
                long limit = open + HEADROOM;
                Process prlimit = new ProcessBuilder("prlimit", "--pid", String.valueOf(agent.pid()),
                        "--nofile=" + limit + ":" + limit).redirectErrorStream(true).start();
                assertThat(prlimit.waitFor(10, TimeUnit.SECONDS) && prlimit.exitValue() == 0).isTrue();

                for (int i = 0; i < 3 * HEADROOM; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.20", vipPort), 2_000);
                    hogs.add(s);
                }
                assertThat(agent.await("cannot accept", 10)).as("the agent says it ran out: %s", agent.output()).isTrue();
                Thread.sleep(1_500); // a few health checks and accept retries while out of descriptors
                for (Socket s : hogs) {
                    s.close();
                }
                hogs.clear();
                assertThat(Eventually.within(20, () -> "echo-21".equals(KeepAliveClient.onceOrNull("127.0.0.20", vipPort))))
                        .as("serves again").isTrue();

                String out = agent.output();
                assertThat(out).doesNotContain("reached at the tail", "channel not registered", "\tat ");
                assertThat(out.lines().filter(l -> l.contains("cannot accept")).count())
                        .as("one line per pause, not per failed accept").isLessThan(20);
            } finally {
                for (Socket s : hogs) {
                    s.close();
                }
                agent.close();
            }
        }
    }
}
