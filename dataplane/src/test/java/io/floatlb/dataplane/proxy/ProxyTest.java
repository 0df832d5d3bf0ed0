package io.floatlb.dataplane.proxy;

import static io.floatlb.dataplane.Net.field;
import static io.floatlb.dataplane.Net.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatlb.core.config.TransportKind;
import io.floatlb.core.health.HealthState.Status;
import io.floatlb.core.select.Target;
import io.floatlb.dataplane.Net;
import io.floatlb.dataplane.transport.Transport;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(60)
class ProxyTest {
    private final ProxyFixture fx = new ProxyFixture();

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    private static void assumeLoads(TransportKind kind) {
        assumeTrue(Transport.loads(kind), kind.label() + " does not load here");
    }

    private void fourEchoes() {
        for (int o = 21; o <= 24; o++) {
            fx.echo(o, "echo-" + o);
        }
    }

    @Test
    void roundRobinReachesEveryBackend() throws Exception {
        fourEchoes();
        fx.service("", 21, 22, 23, 24);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            seen.add(field(get(fx.vip(), "/"), "backend"));
        }
        assertThat(seen.subList(0, 4)).containsExactlyInAnyOrder("echo-21", "echo-22", "echo-23", "echo-24");
        assertThat(seen.subList(4, 8)).isEqualTo(seen.subList(0, 4));
    }

    @Test
    void sourceHashKeepsAClientOnOneBackend() throws Exception {
        fourEchoes();
        fx.service("balance = source-hash", 21, 22, 23, 24);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            seen.add(field(get(fx.vip(), "/"), "backend"));
        }
        assertThat(seen).hasSize(1);
    }

    @Test
    void aRefusingEndpointNeverFailsARequest() throws Exception {
        fx.echo(21, "alive");
        ServiceProxy proxy = fx.service("", 21, 22);
        for (int i = 0; i < 10; i++) {
            String reply = get(fx.vip(), "/");
            assertThat(field(reply, "backend")).as("request %d: %s", i, reply).isEqualTo("alive");
        }
        var dead = proxy.pool().targets().stream().filter(t -> t.endpoint().address().equals(Net.loopback(22))).findFirst().orElseThrow();
        assertThat(proxy.pool().health(dead).status()).as("passive checks marked it down").isEqualTo(Status.DOWN);
    }

    @Test
    void aStalledEndpointCostsAtMostTheConnectTimeout() throws Exception {
        fx.echo(21, "alive");
        // A listener that never accepts, its queue full: the kernel drops further SYNs.
        try (ServerSocket stalled = new ServerSocket(fx.backendPort, 1, Net.loopback(22))) {
            List<Socket> fillers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress(Net.loopback(22), fx.backendPort), 200);
                } catch (SocketTimeoutException e) {
                    s.close();
                    break;
                }
                fillers.add(s);
            }
            fx.service("connect-timeout = 300ms", 21, 22);
            long worst = 0;
            for (int i = 0; i < 8; i++) {
                long start = System.nanoTime();
                assertThat(field(get(fx.vip(), "/"), "backend")).isEqualTo("alive");
                worst = Math.max(worst, System.nanoTime() - start);
            }
            assertThat(Duration.ofNanos(worst)).isLessThan(Duration.ofMillis(300 + 400));
            for (Socket s : fillers) {
                s.close();
            }
        }
    }

    @Test
    void withNoHealthyEndpointTheClientIsClosedAtOnce() throws Exception {
        fx.service("retries = 0", 22);
        try (Socket s = new Socket()) {
            s.connect(fx.vip(), 1000);
            s.setSoTimeout(2000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    /**
     * A backend pushes as fast as it can to a client that does not read: once every buffer
     * is full, what the proxy itself holds (all the backend wrote, less what sits in the
     * kernel's queues of the four sockets) is at most one high-water mark plus the one read
     * that crossed it.
     */
    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"IO_URING", "EPOLL", "NIO"})
    void aSlowReaderHoldsBackTheBackendInsteadOfFillingMemory(TransportKind kind) throws Exception {
        assumeLoads(kind);
        AtomicLong written = new AtomicLong();
        long total = 256L << 20;
        int chunkSize = 4 * 1024; // small: a chunk half copied into the kernel is not counted yet
        try (ProxyFixture fx = new ProxyFixture(kind);
             ServerSocket firehose = new ServerSocket(fx.backendPort, 50, Net.loopback(21))) {
            Thread writer = new Thread(() -> {
                try (Socket s = firehose.accept(); OutputStream out = s.getOutputStream()) {
                    byte[] chunk = new byte[chunkSize];
                    while (written.get() < total) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException ignored) {
                    // the test closes the connection while this thread is blocked writing
                }
            });
            writer.setDaemon(true);
            writer.start();
            fx.service("", 21);
            try (Socket client = new Socket()) {
                client.setReceiveBufferSize(64 * 1024);
                client.connect(fx.vip(), 1000);
                // Wait until the flow stops: kernel buffers full, backend blocked.
                long last = -1;
                for (int i = 0; i < 100 && written.get() != last; i++) {
                    last = written.get();
                    Thread.sleep(100);
                }
                long inKernel = KernelQueues.bytes(fx.backendPort, fx.vip().getPort());
                assertThat(written.get() - inKernel).as("bytes held in the proxy (%d written, %d in kernel queues)",
                        written.get(), inKernel).isLessThanOrEqualTo(Buffering.HIGH_WATER + Buffering.MAX_READ);
                // and the stream is intact once the client reads again
                client.setSoTimeout(5000);
                InputStream in = client.getInputStream();
                byte[] buf = new byte[1 << 20];
                long read = 0;
                while (read < (64L << 20)) {
                    int n = in.read(buf);
                    assertThat(n).isPositive();
                    read += n;
                }
                // the writer counts a chunk once its write returned: the client may read it before
                assertThat(written.get() + chunkSize).as("written, and at most one chunk not counted yet")
                        .isGreaterThanOrEqualTo(read);
            }
        }
    }

    /**
     * A message the proxy reads in one piece leaves it in one piece. On io_uring the loop's
     * shared buffers are consumed a read at a time, and a read that reached the end of a
     * buffer ended short: the rest went out as a second segment, and the peer paid for it
     * (one keep-alive response in six, with buffers that had shrunk toward 1 KiB).
     */
    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"IO_URING", "EPOLL", "NIO"})
    void aMessageReadWholeIsSentWhole(TransportKind kind) throws Exception {
        assumeLoads(kind);
        assumeTrue(TcpSegments.available(), "ss (iproute2) is not installed: segments cannot be counted");
        int exchanges = 500;
        byte[] message = new byte[300];
        try (ProxyFixture own = new ProxyFixture(kind);
             ServerSocket backend = new ServerSocket(own.backendPort, 50, Net.loopback(21))) {
            AtomicLong proxyPort = new AtomicLong();
            Thread server = serveOnce(backend, s -> {
                proxyPort.set(s.getPort());
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] got = new byte[message.length];
                for (int i = 0; i < exchanges; i++) {
                    in.readFully(got);
                    s.getOutputStream().write(got);
                }
                in.read(); // stays connected until the client has counted
            });
            own.service("", 21);
            try (Socket client = new Socket()) {
                client.connect(own.vip(), 1000);
                client.setSoTimeout(5000);
                DataInputStream in = new DataInputStream(client.getInputStream());
                for (int i = 0; i < exchanges; i++) {
                    client.getOutputStream().write(message);
                    in.readFully(new byte[message.length]);
                }
                // each side's messages left its kernel as one segment each (ping-pong, nothing in flight)
                int slack = 4; // a read may still end at a buffer's end, once in 512 KiB
                assertThat(TcpSegments.dataIn(client.getLocalPort(), own.vipPort))
                        .as("segments the client received for %d replies", exchanges).isLessThanOrEqualTo(exchanges + slack);
                assertThat(TcpSegments.dataIn(own.backendPort, (int) proxyPort.get()))
                        .as("segments the backend received for %d requests", exchanges).isLessThanOrEqualTo(exchanges + slack);
            }
            server.join(5000);
        }
    }

    private interface Conversation {
        void with(Socket s) throws IOException;
    }

    /** A backend that accepts one connection and talks as told; failures show in the client's assertions. */
    private static Thread serveOnce(ServerSocket backend, Conversation conversation) {
        Thread t = new Thread(() -> {
            try (Socket s = backend.accept()) {
                conversation.with(s);
            } catch (IOException ignored) {
                // the test's assertions on the client side report what went wrong
            }
        });
        t.start();
        return t;
    }

    private Socket connectToVip() throws IOException {
        Socket client = new Socket();
        client.connect(fx.vip(), 1000);
        client.setSoTimeout(5000);
        return client;
    }

    @Test
    void halfCloseFromTheClientStillDeliversTheReply() throws Exception {
        try (ServerSocket backend = new ServerSocket(fx.backendPort, 50, Net.loopback(21))) {
            Thread server = serveOnce(backend, s -> {
                byte[] request = Net.readAll(s.getInputStream());
                s.getOutputStream().write(("got " + request.length + " bytes").getBytes(StandardCharsets.US_ASCII));
            });
            fx.service("", 21);
            try (Socket client = connectToVip()) {
                client.getOutputStream().write(new byte[100_000]);
                client.shutdownOutput();
                assertThat(new String(Net.readAll(client.getInputStream()), StandardCharsets.US_ASCII)).isEqualTo("got 100000 bytes");
            }
            server.join(5000);
        }
    }

    @Test
    void halfCloseFromTheBackendLetsTheClientKeepSending() throws Exception {
        try (ServerSocket backend = new ServerSocket(fx.backendPort, 50, Net.loopback(21))) {
            List<String> received = new ArrayList<>();
            Thread server = serveOnce(backend, s -> {
                s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                received.add(new String(Net.readAll(s.getInputStream()), StandardCharsets.US_ASCII));
            });
            fx.service("", 21);
            try (Socket client = connectToVip()) {
                assertThat(new String(Net.readAll(client.getInputStream()), StandardCharsets.US_ASCII)).isEqualTo("hello");
                client.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                server.join(5000);
            }
            assertThat(received).containsExactly("still here");
        }
    }

    /**
     * Connection-per-request from 8 clients at once, as wrk sends it: the backend answers and
     * hangs up, and the client hangs up as soon as it has the body its Content-Length promised,
     * without waiting for the proxy's FIN. Every connection ends on both sides: when both ends
     * had sent their FIN before the proxy could pass the first one on, neither was closed
     * until the idle timeout (one connection in ten on io_uring, where a write completes later).
     */
    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"IO_URING", "EPOLL", "NIO"})
    void everyConnectionPerRequestEndsOnBothSides(TransportKind kind) throws Exception {
        assumeLoads(kind);
        try (ProxyFixture own = new ProxyFixture(kind)) {
            own.echo(21, "echo-21");
            ServiceProxy proxy = own.service("", 21);
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> answered = new ArrayList<>();
                for (int c = 0; c < 8; c++) {
                    answered.add(clients.submit(() -> {
                        int n = 0;
                        for (int i = 0; i < 150; i++) {
                            n += field(askAndHangUp(own.vip()), "backend").equals("echo-21") ? 1 : 0;
                        }
                        return n;
                    }));
                }
                for (Future<Integer> f : answered) {
                    assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(150);
                }
            } finally {
                clients.shutdownNow();
            }
            Target target = proxy.pool().targets().iterator().next();
            TargetStats stats = proxy.pool().stats(target);
            assertThat(Net.await(Duration.ofSeconds(5), () -> proxy.activeConnections() == 0 && stats.active() == 0))
                    .as("client connections %d, backend connections %d still open", proxy.activeConnections(), stats.active())
                    .isTrue();
            assertThat(stats.connections()).isEqualTo(8 * 150);
        }
    }

    /** An HTTP/1.1 request with {@code Connection: close}; closes once the body is in, as wrk does. */
    private static String askAndHangUp(InetSocketAddress vip) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(vip, 3000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                head.append((char) in.readUnsignedByte());
            }
            byte[] body = new byte[Integer.parseInt(field(head.toString().toLowerCase(), "content-length"))];
            in.readFully(body);
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * A proxied connection that ends as most do (the client or the backend sends its FIN
     * first, the other follows) creates no exception: Netty's shutdownOutput made one, with
     * a stack trace, per connection. JFR's exception event fires in Throwable's constructor,
     * so it sees exceptions made and never thrown too.
     */
    @Test
    void connectionsThatEndWithAHalfCloseCreateNoException() throws Exception {
        try (ServerSocket backend = new ServerSocket(fx.backendPort, 50, Net.loopback(21));
             Recording recording = new Recording()) {
            int rounds = 20;
            Thread server = new Thread(() -> {
                for (int i = 0; i < 2 * rounds; i++) {
                    try (Socket s = backend.accept()) {
                        s.setSoTimeout(5000);
                        byte[] request = new byte[5];
                        new DataInputStream(s.getInputStream()).readFully(request);
                        s.getOutputStream().write(request);
                        if (i % 2 == 0) {
                            s.shutdownOutput(); // the backend ends first, as an HTTP server with Connection: close
                        }
                        Net.readAll(s.getInputStream());
                    } catch (IOException e) {
                        return; // the client's assertions report it
                    }
                }
            });
            server.start();
            fx.service("", 21);
            recording.enable("jdk.JavaExceptionThrow");
            recording.start();
            for (int i = 0; i < 2 * rounds; i++) {
                try (Socket client = connectToVip()) {
                    client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                    if (i % 2 == 1) {
                        client.shutdownOutput(); // the client ends first
                    }
                    byte[] reply = new byte[5];
                    new DataInputStream(client.getInputStream()).readFully(reply);
                    assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("hello");
                    if (i % 2 == 0) {
                        assertThat(client.getInputStream().read()).isEqualTo(-1);
                    }
                }
            }
            server.join(5000);
            recording.stop();
            Path file = Files.createTempFile("proxy-exceptions", ".jfr");
            try {
                recording.dump(file);
                // Netty makes a stackless ClosedChannelException per close (no stack walk, by
                // design) and a trace record for the buffers its leak detector samples; on epoll
                // also an IOException for the failing EPOLL_CTL_DEL of a half-closed socket
                // (README "Benchmarks"), which only Netty can remove.
                List<String> netty = new ArrayList<>(List.of("io.netty.channel.StacklessClosedChannelException",
                        "io.netty.util.ResourceLeakDetector$TraceRecord"));
                if (fx.transport.kind() == TransportKind.EPOLL) {
                    netty.add("io.netty.channel.unix.Errors$NativeIoException");
                }
                List<String> made = RecordingFile.readAllEvents(file).stream()
                        .map(e -> e.getClass("thrownClass").getName())
                        .filter(name -> name.startsWith("io.netty") || name.startsWith("io.floatlb"))
                        .filter(name -> !netty.contains(name))
                        .toList();
                assertThat(made).as("exceptions made by the proxy's connections").isEmpty();
            } finally {
                Files.delete(file);
            }
        }
    }

    /**
     * A server that does not expect the PROXY header reads it as garbage and hangs up at
     * once: health checks (which send none) pass, every proxied request fails. That is
     * counted per endpoint; a connection the backend answered first is not.
     */
    @Test
    void aBackendThatHangsUpBeforeSayingAnythingIsCounted() throws Exception {
        try (ServerSocket backend = new ServerSocket(fx.backendPort, 50, Net.loopback(21))) {
            Thread server = new Thread(() -> {
                for (int i = 0; i < 4; i++) {
                    try (Socket s = backend.accept()) {
                        s.getInputStream().read();
                        if (i == 3) {
                            // Answer, then end cleanly (a close with unread input would be a
                            // reset, which may overtake the answer).
                            s.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
                            s.shutdownOutput();
                            Net.readAll(s.getInputStream());
                        }
                    } catch (IOException ignored) {
                        // the counters tell
                    }
                }
            });
            server.start();
            ServiceProxy proxy = fx.service("proxy-protocol = v2", 21);
            for (int i = 0; i < 4; i++) {
                try (Socket client = connectToVip()) {
                    client.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                    Net.readAll(client.getInputStream());
                }
            }
            server.join(5000);
            TargetStats stats = proxy.pool().stats(proxy.pool().targets().iterator().next());
            assertThat(stats.closedSilently()).isEqualTo(3);
            assertThat(stats.silentInARow.get()).as("a reply starts the count over").isZero();
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        fx.echo(21, "e");
        fx.service("idle-timeout = 300ms", 21);
        try (Socket client = new Socket()) {
            client.connect(fx.vip(), 1000);
            client.setSoTimeout(5000);
            long start = System.nanoTime();
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefused() throws Exception {
        fx.echo(21, "e");
        ServiceProxy proxy = fx.service("max-connections = 2", 21);
        try (Socket a = new Socket(); Socket b = new Socket(); Socket c = new Socket()) {
            a.connect(fx.vip(), 1000);
            b.connect(fx.vip(), 1000);
            assertThat(Net.await(Duration.ofSeconds(5), () -> proxy.activeConnections() == 2)).isTrue();
            c.connect(fx.vip(), 1000);
            c.setSoTimeout(3000);
            assertThat(c.getInputStream().read()).isEqualTo(-1);
            assertThat(proxy.rejectedConnections()).isEqualTo(1);
            a.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            a.setSoTimeout(3000);
            assertThat(new String(Net.readAll(a.getInputStream()), StandardCharsets.UTF_8)).contains("backend: e");
        }
    }

    @Test
    void proxyProtocolV1AndV2TellTheBackendTheClientAddress() throws Exception {
        fx.echo(21, "e");
        fx.service("proxy-protocol = v1", 21);
        String v1 = get(fx.vip(), "/");
        assertThat(field(v1, "client")).startsWith("127.0.0.1:").endsWith("(PROXY V1)");
        fx.close();

        try (ProxyFixture second = new ProxyFixture()) {
            second.echo(21, "e");
            second.service("proxy-protocol = v2", 21);
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(Net.loopback(77), 0));
                s.connect(second.vip(), 1000);
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String v2 = new String(Net.readAll(s.getInputStream()), StandardCharsets.UTF_8);
                assertThat(field(v2, "client")).isEqualTo("127.0.0.77:" + s.getLocalPort() + " (PROXY V2)");
                assertThat(field(v2, "peer")).doesNotStartWith("127.0.0.77");
            }
        }
    }

    @Test
    void stoppingDrainsEstablishedConnectionsAndRefusesNewOnes() throws Exception {
        fx.echo(21, "e");
        ServiceProxy proxy = fx.service("", 21);
        try (Socket open = new Socket()) {
            open.connect(fx.vip(), 1000);
            open.setSoTimeout(5000);
            assertThat(Net.await(Duration.ofSeconds(5), () -> proxy.activeConnections() == 1)).isTrue();
            Thread stopper = new Thread(() -> proxy.stop(Duration.ofSeconds(10)));
            stopper.start();
            assertThat(Net.await(Duration.ofSeconds(5), () -> {
                try (Socket probe = new Socket()) {
                    probe.connect(fx.vip(), 200);
                    return false;
                } catch (IOException refused) {
                    return true;
                }
            })).as("the listener is closed").isTrue();
            open.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(Net.readAll(open.getInputStream()), StandardCharsets.UTF_8)).contains("backend: e");
            open.close();
            stopper.join(5000);
            assertThat(stopper.isAlive()).as("stop returns once the last connection is gone").isFalse();
        }
    }
}
