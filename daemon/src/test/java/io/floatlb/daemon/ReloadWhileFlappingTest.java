package io.floatlb.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.echo.EchoServer;
import io.floatlb.dataplane.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hang the resilience issue found: reloads that add and remove ports and endpoints
 * while endpoints flap every few milliseconds, with traffic running. Every reload, every
 * read of the node's state and every request through the VIP must finish within a bound;
 * a hang fails with a thread dump. Runs {@code floatlb.stress.seconds} (20 by default; the
 * issue's ten-minute run is {@code -Dfloatlb.stress.seconds=600}).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ReloadWhileFlappingTest {
    private static final int SERVICES = 4;
    private static final int FLAPPERS = 6;
    private static final long BOUND_SECONDS = 10;

    @Test
    void reloadsThatChangePortsWhileEndpointsFlapNeverHang() throws Exception {
        long seconds = Long.getLong("floatlb.stress.seconds", 20);
        int backendPort = freePort("127.0.0.1");
        int[] ports = IntStream.range(0, 4).map(i -> freePortOrFail()).toArray();
        List<Flapper> flappers = new ArrayList<>();
        ExecutorService bounded = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stress-call");
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong transitions = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        try (Transport loops = Transport.create(1);
             EchoServer stable = EchoServer.start(loops, new HostPort(InetAddress.getByName("127.0.0.30"), backendPort),
                     "stable", "node1")) {
            for (int i = 1; i <= FLAPPERS; i++) {
                flappers.add(new Flapper(new InetSocketAddress("127.0.0." + (30 + i), backendPort), running));
            }
            NodeRuntime node = within(bounded, "start-up", () -> NodeRuntime.start(config(0, ports, backendPort)));
            node.agent().onHealthChange(transitions::incrementAndGet);
            Thread traffic = new Thread(() -> {
                while (running.get()) {
                    if (request("127.0.0.40", ports[0])) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                }
            }, "stress-traffic");
            traffic.start();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            int reloads = 0;
            while (System.nanoTime() < until) {
                FloatlbConfig next = config(++reloads, ports, backendPort);
                within(bounded, "reload " + reloads, () -> node.reload(next));
                within(bounded, "member state", () -> node.agent().memberState());
                within(bounded, "status", node::view);
            }
            running.set(false);
            traffic.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
            FloatlbConfig last = config(0, ports, backendPort);
            within(bounded, "final reload", () -> node.reload(last));
            boolean answers = false;
            for (int i = 0; i < 100 && !answers; i++) {
                answers = request("127.0.0.40", ports[0]);
            }
            within(bounded, "stop", () -> {
                node.close();
                return null;
            });
            System.out.printf("reload-while-flapping: %d s, %d reloads, %d health transitions, %d requests answered,"
                    + " %d failed (sent to a flapping endpoint)%n", seconds, reloads, transitions.get(), ok.get(),
                    failed.get());
            assertThat(answers).as("the VIP still answers after the storm").isTrue();
            assertThat(transitions.get()).as("endpoints really flapped").isGreaterThan(reloads);
            assertThat(ok.get()).as("traffic ran during the storm").isPositive();
        } finally {
            running.set(false);
            flappers.forEach(Flapper::close);
            bounded.shutdownNow();
        }
    }

    /** The other face of the hang: start-up with many services whose endpoints are all dead and checked fast. */
    @Test
    void startUpWithTenServicesOfDeadEndpointsAlwaysComesUp() throws Exception {
        ExecutorService bounded = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stress-call");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int run = 0; run < 5; run++) {
                StringBuilder services = new StringBuilder();
                for (int s = 0; s < 10; s++) {
                    services.append("""
                            d%d {
                              vip = "127.0.0.%d"
                              ports = [{ port = %d }]
                              external-traffic-policy = local
                              health-check { kind = tcp, interval = 100ms, timeout = 50ms, rise = 1, fall = 1 }
                              endpoints = [{ address = "127.0.0.%d", node = node1 }, { address = "127.0.0.%d", node = node1 }]
                            }
                            """.formatted(s, 60 + s, freePortOrFail(), 80 + s, 100 + s));
                }
                FloatlbConfig config = ConfigLoader.parseString("floatlb { node.name = node1, drain-timeout = 200ms, "
                        + "services { " + services + " } }", "dead-" + run + ".conf").config();
                NodeRuntime node = within(bounded, "start-up " + run, () -> NodeRuntime.start(config));
                Thread.sleep(300); // every endpoint fails its first checks meanwhile
                within(bounded, "member state", () -> node.agent().memberState());
                within(bounded, "stop " + run, () -> {
                    node.close();
                    return null;
                });
            }
        } finally {
            bounded.shutdownNow();
        }
    }

    /**
     * Each reload moves one port of every service, adds or drops flapping endpoints, and
     * keeps one port and the stable endpoint, so traffic to that port always has a target.
     */
    private static FloatlbConfig config(int round, int[] ports, int backendPort) throws Exception {
        StringBuilder services = new StringBuilder();
        for (int s = 0; s < SERVICES; s++) {
            int movingPort = ports[1 + (round + s) % 3];
            int flapping = 1 + (round + s) % FLAPPERS;
            String endpoints = IntStream.rangeClosed(0, flapping)
                    .mapToObj(i -> "{ address = \"127.0.0." + (30 + i) + "\", node = node1 }")
                    .collect(Collectors.joining("\n"));
            services.append("""
                    s%d {
                      vip = "127.0.0.%d"
                      ports = [{ port = %d, target-port = %d }, { port = %d, target-port = %d }]
                      external-traffic-policy = local
                      anti-affinity = preferred
                      health-check { kind = tcp, interval = 20ms, timeout = 10ms, rise = 1, fall = 1 }
                      endpoints = [
                    %s
                      ]
                    }
                    """.formatted(s, 40 + s, ports[0], backendPort, movingPort, backendPort, endpoints));
        }
        return ConfigLoader.parseString("""
                floatlb {
                  node.name = node1
                  drain-timeout = 200ms
                  services {
                %s
                  }
                }
                """.formatted(services), "stress-" + round + ".conf").config();
    }

    /** Runs {@code what}, failing with every thread's stack when it takes longer than the bound. */
    private static <T> T within(ExecutorService exec, String what, Callable<T> call) throws Exception {
        Future<T> f = exec.submit(call);
        try {
            return f.get(BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not finish within " + BOUND_SECONDS + " s (hang):\n" + threadDump());
        }
    }

    private static String threadDump() {
        StringBuilder out = new StringBuilder();
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            String name = t.getThreadName();
            if (name.startsWith("multiThreadIoEventLoopGroup") || name.startsWith("stress") || name.equals("election")
                    || name.startsWith("pool") || name.startsWith("Test worker") || name.startsWith("main")) {
                out.append(t);
            }
        }
        return out.toString();
    }

    /** One HTTP request through the VIP; false when it fails or takes longer than the bound. */
    private static boolean request(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
            s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("backend: stable");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    private static int freePortOrFail() {
        try {
            return freePort("127.0.0.1");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An endpoint that is up and down by turns every few milliseconds: a listening socket
     * opened and closed again. The kernel completes the handshakes, so a health check
     * passes while it listens and is refused while it does not.
     */
    private static final class Flapper {
        private final Thread thread;

        Flapper(InetSocketAddress address, AtomicBoolean running) {
            thread = new Thread(() -> {
                while (running.get()) {
                    try (ServerSocket s = new ServerSocket()) {
                        s.setReuseAddress(true);
                        s.bind(address, 16);
                        Thread.sleep(ThreadLocalRandom.current().nextLong(2, 10));
                    } catch (IOException e) {
                        // still closing from the last turn: try again at once
                    } catch (InterruptedException e) {
                        return;
                    }
                    try {
                        Thread.sleep(ThreadLocalRandom.current().nextLong(2, 10));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "stress-flapper-" + address.getAddress().getHostAddress());
            thread.setDaemon(true);
            thread.start();
        }

        void close() {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
