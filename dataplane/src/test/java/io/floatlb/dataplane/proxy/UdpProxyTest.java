package io.floatlb.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.net.HostPort;
import io.floatlb.core.select.Target;
import io.floatlb.dataplane.Net;
import io.floatlb.dataplane.echo.EchoServer;
import io.floatlb.dataplane.transport.Transport;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** UDP services through real sockets on loopback: UDP echo backends, datagram clients. */
class UdpProxyTest {
    private final Transport transport = Transport.create(2);
    private final int backendPort = freeUdpPort(21, 22, 23);
    private final int vipPort = freeUdpPort(10);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        transport.close();
    }

    @Test
    void repliesComeFromTheVipAndFlowsSpreadOverTheEndpoints() throws Exception {
        echo(21, "a");
        echo(22, "b");
        ServiceProxy proxy = service("", 21, 22);
        Set<String> backends = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            try (DatagramSocket client = client()) {
                DatagramPacket reply = exchange(client, "query " + i);
                assertThat(reply.getSocketAddress()).as("the reply's source").isEqualTo(vip());
                String text = text(reply);
                assertThat(text).endsWith("\n\nquery " + i);
                assertThat(Net.field(text, "peer")).as("the backend sees the proxy, not the client")
                        .doesNotEndWith(":" + client.getLocalPort());
                backends.add(Net.field(text, "backend"));
            }
        }
        assertThat(backends).containsExactlyInAnyOrder("a", "b");
        assertThat(proxy.udp().flowsTotal()).isEqualTo(20);
        assertThat(proxy.udp().datagramsToClient()).isEqualTo(20);
    }

    @Test
    void aClientStaysOnItsEndpointUntilItsFlowIsIdleForTheTimeout() throws Exception {
        echo(21, "a");
        echo(22, "b");
        ServiceProxy proxy = service("udp.idle-timeout = 300ms", 21, 22);
        try (DatagramSocket client = client()) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                seen.add(Net.field(text(exchange(client, "q" + i)), "backend"));
            }
            assertThat(seen).as("one flow, one endpoint").hasSize(1);
            assertThat(proxy.udp().flowsActive()).isEqualTo(1);
            assertThat(Net.await(Duration.ofSeconds(5), () -> proxy.udp().flowsActive() == 0))
                    .as("the flow is forgotten after 300 ms without a datagram").isTrue();
        }
        assertThat(proxy.pool().targets()).allSatisfy(t -> assertThat(proxy.pool().stats(t).active()).isZero());
    }

    @Test
    void anIpv6VipRelaysFromItsOwnAddress() throws Exception {
        InetSocketAddress backend;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("::1", 0))) {
            backend = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        int vip6Port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("::1", 0))) {
            vip6Port = probe.getLocalPort();
        }
        open.add(EchoServer.startUdp(transport, new HostPort(backend.getAddress(), backend.getPort()), "six", "node1"));
        ServiceConfig config = ConfigLoader.parseString("floatlb { node.name = node1, services.dns6 { vip = \"::1\","
                + " ports = [{ port = " + vip6Port + ", target-port = " + backend.getPort() + ", protocol = UDP }],"
                + " endpoints = [{ address = \"::1\", node = node1 }] } }", "six.conf").config().services().get(0);
        ServiceProxy proxy = new ServiceProxy(config, new BackendPool(config, "node1"), transport);
        proxy.start();
        open.add(() -> proxy.stop(Duration.ZERO));
        InetSocketAddress vip6 = new InetSocketAddress("::1", vip6Port);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("::1", 0))) {
            client.setSoTimeout(3000);
            byte[] q = "six?".getBytes(StandardCharsets.UTF_8);
            client.send(new DatagramPacket(q, q.length, vip6));
            DatagramPacket reply = receive(client);
            assertThat(reply.getSocketAddress()).isEqualTo(vip6);
            assertThat(Net.field(text(reply), "backend")).isEqualTo("six");
        }
    }

    @Test
    void aDatagramLargerThanNettysDefaultBufferArrivesWhole() throws Exception {
        echo(21, "a");
        service("", 21);
        String big = "x".repeat(60_000);
        try (DatagramSocket client = client()) {
            assertThat(text(exchange(client, big))).endsWith("\n\n" + big);
        }
    }

    @Test
    void newClientsBeyondMaxFlowsAreDroppedAndCountedWhileEstablishedOnesGoOn() throws Exception {
        echo(21, "a");
        ServiceProxy proxy = service("udp.max-flows = 50", 21);
        try (DatagramSocket first = client()) {
            exchange(first, "before");
            List<DatagramSocket> flood = new ArrayList<>();
            try {
                // In bursts of 50, each heard before the next: 500 at once can overflow the VIP
                // socket's receive buffer while the proxy opens flows, and the kernel's drops
                // are not the proxy's to count.
                for (int i = 0; i < 500; i++) {
                    DatagramSocket s = client();
                    flood.add(s);
                    s.send(packet("flood " + i));
                    int heard = i + 2; // the first client's and this burst's
                    if ((i + 1) % 50 == 0) {
                        assertThat(Net.await(Duration.ofSeconds(5), () -> proxy.udp().flowsTotal()
                                + proxy.udp().dropped(UdpCounters.Drop.MAX_FLOWS) == heard)).as("%d datagrams heard", heard).isTrue();
                    }
                }
            } finally {
                for (DatagramSocket s : flood) {
                    s.close();
                }
            }
            assertThat(proxy.udp().flowsActive()).isEqualTo(50);
            assertThat(proxy.udp().dropped(UdpCounters.Drop.MAX_FLOWS)).isEqualTo(451);
            assertThat(proxy.pool().stats(target(proxy, 21)).connections())
                    .as("a refused client costs no flow and no socket").isEqualTo(50);
            assertThat(text(exchange(first, "after"))).as("an established flow is still served").endsWith("after");
        }
    }

    @Test
    void aPortUnreachableMovesTheFlowToAnotherEndpointAndCountsAgainstTheFirst() throws Exception {
        echo(21, "a"); // nothing listens on 127.0.0.23: the kernel answers port-unreachable
        ServiceProxy proxy = service("health-check.fall = 1", 21, 23);
        for (int i = 0; i < 10; i++) {
            try (DatagramSocket client = client()) {
                client.setSoTimeout(300);
                String reply = null;
                for (int attempt = 0; attempt < 3 && reply == null; attempt++) {
                    client.send(packet("q" + i));
                    try {
                        reply = text(receive(client));
                    } catch (SocketTimeoutException lost) {
                        // the datagram that met the closed port is lost; a DNS client asks again
                    }
                }
                assertThat(reply).as("client %d within two tries", i).isNotNull();
                assertThat(Net.field(reply, "backend")).isEqualTo("a");
            }
        }
        Target dead = target(proxy, 23);
        assertThat(proxy.pool().stats(dead).connectFailures()).isPositive();
        assertThat(proxy.pool().isUp(dead)).as("marked down passively (fall = 1)").isFalse();
    }

    @Test
    void aFlowWhoseEndpointGoesDownMovesToAnotherWithItsNextDatagram() throws Exception {
        echo(21, "a");
        echo(22, "b");
        ServiceProxy proxy = service("health-check.fall = 1", 21, 22);
        try (DatagramSocket client = client()) {
            String first = Net.field(text(exchange(client, "one")), "backend");
            Target down = target(proxy, first.equals("a") ? 21 : 22);
            proxy.pool().report(down, false, "checked down by the test");
            assertThat(Net.field(text(exchange(client, "two")), "backend")).as("the same client, the same flow")
                    .isNotEqualTo(first);
            assertThat(proxy.pool().stats(down).active()).as("the flow left the endpoint").isZero();
            assertThat(proxy.udp().flowsActive()).isEqualTo(1);
        }
    }

    @Test
    void withNoEndpointUpADatagramIsDroppedAndCounted() throws Exception {
        echo(21, "a");
        ServiceProxy proxy = service("health-check.fall = 1", 21);
        proxy.pool().report(target(proxy, 21), false, "checked down by the test");
        try (DatagramSocket client = client()) {
            client.send(packet("anyone?"));
            assertThat(Net.await(Duration.ofSeconds(5), () -> proxy.udp().dropped(UdpCounters.Drop.NO_ENDPOINT) == 1))
                    .isTrue();
        }
        assertThat(proxy.pool().stats(target(proxy, 21)).connections()).isZero();
    }

    @Test
    void aReloadKeepsFlowsOnKeptPortsAndGivesRemovedEndpointsNoNewFlows() throws Exception {
        echo(21, "a");
        echo(22, "b");
        ServiceProxy proxy = service("balance = round-robin", 21, 22);
        List<DatagramSocket> clients = new ArrayList<>();
        try {
            Map<DatagramSocket, String> before = new java.util.HashMap<>();
            for (int i = 0; i < 4; i++) {
                DatagramSocket c = client();
                clients.add(c);
                before.put(c, Net.field(text(exchange(c, "before")), "backend"));
            }
            assertThat(before.values()).contains("a", "b");
            ServiceConfig next = config("", 21);
            ServiceProxy.Rebind rebind = proxy.bindFor(next);
            assertThat(rebind.added()).as("the UDP port is kept, not bound again").isEmpty();
            proxy.update(rebind, proxy.pool().successor(next, "node21"));
            for (DatagramSocket c : clients) {
                assertThat(Net.field(text(exchange(c, "after")), "backend")).as("a flow keeps its endpoint")
                        .isEqualTo(before.get(c));
            }
            for (int i = 0; i < 6; i++) {
                try (DatagramSocket c = client()) {
                    assertThat(Net.field(text(exchange(c, "new")), "backend")).isEqualTo("a");
                }
            }
        } finally {
            clients.forEach(DatagramSocket::close);
        }
    }

    @Test
    void stoppingStartsNoNewFlowButServesEstablishedOnesWhileTheySend() throws Exception {
        echo(21, "a");
        ServiceProxy proxy = service("", 21);
        try (DatagramSocket established = client(); DatagramSocket late = client()) {
            exchange(established, "hello");
            proxy.stopAccepting();
            late.send(packet("too late"));
            assertThat(Net.await(Duration.ofSeconds(5), () -> proxy.udp().dropped(UdpCounters.Drop.DRAINING) == 1))
                    .isTrue();
            java.util.concurrent.CompletableFuture<Integer> drained = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> proxy.drain(System.nanoTime() + Duration.ofSeconds(60).toNanos()));
            for (int i = 0; i < 15; i++) { // 1.5 s of a client that still talks: the drain waits for it
                assertThat(text(exchange(established, "still there " + i))).endsWith("still there " + i);
                Thread.sleep(100);
            }
            assertThat(drained).as("draining while the client sends").isNotDone();
            assertThat(drained.get(15, java.util.concurrent.TimeUnit.SECONDS))
                    .as("once the client went quiet, the drain ended long before its deadline, closing the flow")
                    .isEqualTo(1);
        }
    }

    private void echo(int lastOctet, String name) {
        EchoServer e = EchoServer.startUdp(transport, new HostPort(Net.loopback(lastOctet), backendPort), name, "node" + lastOctet);
        open.add(e);
    }

    private ServiceConfig config(String extra, int... endpointOctets) throws Exception {
        String endpoints = java.util.Arrays.stream(endpointOctets)
                .mapToObj(o -> "{ address = \"127.0.0." + o + "\", node = node" + o + " }").collect(Collectors.joining(", "));
        String hocon = "floatlb { node.name = node21\n services.dns {\n vip = \"127.0.0.10\"\n"
                + " ports = [{ port = " + vipPort + ", target-port = " + backendPort + ", protocol = UDP }]\n"
                + extra + "\n endpoints = [" + endpoints + "] } }";
        return ConfigLoader.parseString(hocon, "test.conf").config().services().get(0);
    }

    private ServiceProxy service(String extra, int... endpointOctets) throws Exception {
        ServiceConfig config = config(extra, endpointOctets);
        ServiceProxy proxy = new ServiceProxy(config, new BackendPool(config, "node21"), transport);
        proxy.start();
        open.add(() -> proxy.stop(Duration.ZERO));
        return proxy;
    }

    private static Target target(ServiceProxy proxy, int lastOctet) {
        return proxy.pool().targets().stream()
                .filter(t -> t.endpoint().address().equals(Net.loopback(lastOctet))).findFirst().orElseThrow();
    }

    private InetSocketAddress vip() {
        return new InetSocketAddress(Net.loopback(10), vipPort);
    }

    private static DatagramSocket client() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(Net.loopback(1), 0));
        s.setSoTimeout(3000);
        return s;
    }

    private DatagramPacket packet(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new DatagramPacket(bytes, bytes.length, vip());
    }

    private DatagramPacket exchange(DatagramSocket client, String text) throws IOException {
        client.send(packet(text));
        return receive(client);
    }

    private static DatagramPacket receive(DatagramSocket client) throws IOException {
        DatagramPacket reply = new DatagramPacket(new byte[65_536], 65_536);
        client.receive(reply);
        return reply;
    }

    private static String text(DatagramPacket p) {
        return new String(p.getData(), p.getOffset(), p.getLength(), StandardCharsets.UTF_8);
    }

    /** A UDP port free on every 127.0.0.X given. */
    private static int freeUdpPort(int... lastOctets) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(Net.loopback(lastOctets[0]), 0))) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            if (java.util.Arrays.stream(lastOctets).allMatch(o -> udpFree(o, port))) {
                return port;
            }
        }
        throw new IllegalStateException("no common free UDP port");
    }

    private static boolean udpFree(int lastOctet, int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(Net.loopback(lastOctet), port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
