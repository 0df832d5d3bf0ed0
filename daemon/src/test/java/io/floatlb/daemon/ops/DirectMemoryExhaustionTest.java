package io.floatlb.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatlb.core.config.TransportKind;
import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.echo.EchoServer;
import io.floatlb.dataplane.transport.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many downloads whose clients stopped reading: each connection holds what the proxy read
 * for it, and together they would hold more direct memory than the JVM may use (1,000 reads
 * of up to 512 KiB against 160 MiB, with bin/floatlb's heap). The agent must slow those
 * downloads, say so in one line, and go on serving its other clients; on io_uring the
 * failed allocation used to stop the event loops, and every service of the node with them,
 * while the node kept its VIPs. It failed without each part of the guard: on io_uring
 * without the smaller ring buffers, on both transports without the relay's wait for its
 * peer, and on epoll (one run in two) without the smaller reads.
 */
@Timeout(120)
class DirectMemoryExhaustionTest {
    private static final int STALLED = 1_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"EPOLL", "IO_URING"})
    void stalledDownloadsPastTheMemoryLimitSlowDownAndTheNodeServesOn(TransportKind transport) throws Exception {
        assumeTrue(Transport.loads(transport), transport.label() + " does not load here");
        int downloadPort = RunningNode.freePort();
        int echoPort = RunningNode.freePort();
        int firehosePort = RunningNode.freePort();
        int backendPort = RunningNode.freePort();
        Path conf = dir.resolve("floatlb.conf");
        Files.writeString(conf, AgentProcess.config("""
                  transport = %s
                  services.download {
                    vip = "127.0.0.20"
                    ports = [{ port = %d, target-port = %d }]
                    endpoints = [{ address = "127.0.0.21", node = node1 }]
                  }
                  services.echo {
                    vip = "127.0.0.20"
                    ports = [{ port = %d, target-port = %d }]
                    endpoints = [{ address = "127.0.0.22", node = node1 }]
                  }
                """.formatted(transport.label(), downloadPort, firehosePort, echoPort, backendPort)));
        List<Socket> stalled = new ArrayList<>();
        try (Transport loops = Transport.create(1);
             EchoServer echo = EchoServer.start(loops, new HostPort(InetAddress.getByName("127.0.0.22"), backendPort),
                     "echo-22", "node1");
             Firehose firehose = Firehose.start(new InetSocketAddress("127.0.0.21", firehosePort));
             AgentProcess agent = AgentProcess.start(List.of(), List.of("-Xmx256m", "-XX:MaxDirectMemorySize=160m"),
                     dir.resolve("agent.log"), "run", "-c", conf.toString())) {
            assertThat(agent.await("running: SIGHUP reloads", 30)).as("the agent started: %s", agent.output()).isTrue();
            assertThat(Eventually.within(20, () -> "echo-22".equals(askEcho(echoPort)))).as("echo serves").isTrue();
            try {
                for (int i = 0; i < STALLED; i++) {
                    Socket s = new Socket();
                    s.setReceiveBufferSize(4096);
                    s.connect(new InetSocketAddress("127.0.0.20", downloadPort), 2_000);
                    stalled.add(s); // and never read
                }
                assertThat(agent.await("reads shrink", 30)).as("the agent says memory runs short: %s", agent.output())
                        .isTrue();
                for (int i = 0; i < 5; i++) {
                    assertThat(askEcho(echoPort)).as("echo answers while %d downloads stall (%s)", STALLED,
                            agent.output()).isEqualTo("echo-22");
                    Thread.sleep(500);
                }
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
            // the next reads find the memory back (a read is where the agent looks)
            assertThat(Eventually.within(30, () -> "echo-22".equals(askEcho(echoPort))
                    && agent.output().contains("reads are full size again")))
                    .as("memory comes back once they end: %s", agent.output()).isTrue();
            String out = agent.output();
            assertThat(out).doesNotContain("Unexpected exception", "died", "\tat ");
            assertThat(out.lines().filter(l -> l.contains("reads shrink")).count()).as("one line per shortage")
                    .isLessThanOrEqualTo(2);
        }
    }

    private static String askEcho(int port) {
        return KeepAliveClient.onceOrNull("127.0.0.20", port);
    }

    /** A backend that sends to every connection as fast as its socket takes it, on one thread. */
    private static final class Firehose implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Selector selector;
        private final Thread thread;

        private Firehose(ServerSocketChannel server, Selector selector) {
            this.server = server;
            this.selector = selector;
            this.thread = new Thread(this::run, "firehose");
            thread.setDaemon(true);
        }

        static Firehose start(InetSocketAddress address) throws IOException {
            ServerSocketChannel server = ServerSocketChannel.open().bind(address, 4096);
            server.configureBlocking(false);
            Selector selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            Firehose f = new Firehose(server, selector);
            f.thread.start();
            return f;
        }

        private void run() {
            ByteBuffer block = ByteBuffer.allocateDirect(64 * 1024);
            try {
                while (selector.isOpen()) {
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        if (key.isValid() && key.isAcceptable()) {
                            SocketChannel ch = server.accept();
                            if (ch != null) {
                                ch.configureBlocking(false);
                                ch.register(selector, SelectionKey.OP_WRITE);
                            }
                        } else if (key.isValid() && key.isWritable()) {
                            try {
                                ((SocketChannel) key.channel()).write(block.clear());
                            } catch (IOException gone) {
                                key.channel().close();
                            }
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException | RuntimeException closed) {
                // the test closed the selector
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            selector.close();
            server.close();
            thread.join(5_000);
        }
    }
}
