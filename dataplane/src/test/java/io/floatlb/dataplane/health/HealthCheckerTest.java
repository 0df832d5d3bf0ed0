package io.floatlb.dataplane.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.health.HealthState.Status;
import io.floatlb.core.select.Target;
import io.floatlb.dataplane.Net;
import io.floatlb.dataplane.proxy.BackendPool;
import io.floatlb.dataplane.transport.Transport;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HealthCheckerTest {
    private final Transport transport = Transport.create(1);
    private final AtomicInteger status = new AtomicInteger(200);
    private HttpServer server;
    private HealthChecker checker;

    @AfterEach
    void tearDown() {
        if (checker != null) {
            checker.stop();
        }
        if (server != null) {
            server.stop(0);
        }
        transport.close();
    }

    private BackendPool pool(String check, int port) throws Exception {
        return pool(check, port, "TCP");
    }

    private BackendPool pool(String check, int port, String protocol) throws Exception {
        ServiceConfig s = ConfigLoader.parseString("floatlb { node.name = n1, services.web { vip = \"127.0.0.10\","
                + " ports = [{ port = 80, target-port = " + port + ", protocol = " + protocol + " }],"
                + " health-check { " + check + " },"
                + " endpoints = [{ address = \"127.0.0.31\", node = n1 }] } }", "test.conf").config().services().get(0);
        return new BackendPool(s, "n1");
    }

    private int startHttp() throws Exception {
        server = HttpServer.create(new InetSocketAddress(Net.loopback(31), 0), 10);
        server.createContext("/health", ex -> {
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    @Test
    void aUdpTargetIsDownWhileItsPortAnswersUnreachableAndUpOnceSomethingListens() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(Net.loopback(31), 0))) {
            port = probe.getLocalPort();
        }
        BackendPool pool = pool("interval = 50ms, timeout = 40ms, rise = 1, fall = 1", port, "UDP");
        Target t = pool.targets().iterator().next();
        checker = new HealthChecker(pool, pool.service().healthCheck(), transport);
        checker.start();
        assertThat(Net.await(Duration.ofSeconds(5), () -> pool.health(t).status() == Status.DOWN))
                .as("nothing listens: the kernel answers port-unreachable").isTrue();
        try (DatagramSocket listening = new DatagramSocket(new InetSocketAddress(Net.loopback(31), port))) {
            assertThat(Net.await(Duration.ofSeconds(5), () -> pool.isUp(t))).as("a silent listener passes").isTrue();
        }
    }

    @Test
    void aUdpTargetWithACheckPortIsCheckedOverTcpThere() throws Exception {
        int tcp = startHttp();
        int udp;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(Net.loopback(31), 0))) {
            udp = probe.getLocalPort(); // nothing listens here: only the check port can make it up
        }
        BackendPool pool = pool("kind = http, path = \"/health\", port = " + tcp + ", interval = 50ms, timeout = 40ms,"
                + " rise = 1, fall = 1", udp, "UDP");
        Target t = pool.targets().iterator().next();
        checker = new HealthChecker(pool, pool.service().healthCheck(), transport);
        checker.start();
        assertThat(Net.await(Duration.ofSeconds(5), () -> pool.isUp(t))).isTrue();
        status.set(503);
        assertThat(Net.await(Duration.ofSeconds(5), () -> pool.health(t).status() == Status.DOWN)).isTrue();
    }

    @Test
    void httpCheckFollowsTheStatusWithRiseAndFall() throws Exception {
        int port = startHttp();
        BackendPool pool = pool("kind = http, path = \"/health\", interval = 50ms, timeout = 40ms, rise = 2, fall = 2", port);
        Target t = pool.targets().iterator().next();
        checker = new HealthChecker(pool, pool.service().healthCheck(), transport);
        checker.start();

        status.set(503);
        assertThat(Net.await(Duration.ofSeconds(5), () -> pool.health(t).status() == Status.DOWN)).as("goes down on 503").isTrue();
        status.set(204);
        assertThat(Net.await(Duration.ofSeconds(5), () -> pool.isUp(t))).as("comes back on 204").isTrue();
    }

    @Test
    void expectStatusAcceptsOnlyThatCode() throws Exception {
        int port = startHttp();
        status.set(200);
        BackendPool pool = pool("kind = http, path = \"/health\", expect-status = 204, interval = 50ms, timeout = 40ms, fall = 1", port);
        Target t = pool.targets().iterator().next();
        checker = new HealthChecker(pool, pool.service().healthCheck(), transport);
        checker.start();
        assertThat(Net.await(Duration.ofSeconds(5), () -> pool.health(t).status() == Status.DOWN)).isTrue();
    }

    @Test
    void tcpCheckMarksAClosedPortDownAtItsFirstCheck() throws Exception {
        int port = Net.freePort(Net.loopback(31));
        BackendPool pool = pool("kind = tcp, interval = 50ms, timeout = 40ms, fall = 2", port);
        Target t = pool.targets().iterator().next();
        checker = new HealthChecker(pool, pool.service().healthCheck(), transport);
        checker.start();
        assertThat(Net.await(Duration.ofSeconds(5), () -> pool.health(t).status() == Status.DOWN)).isTrue();
        assertThat(pool.stats(t).checkFailures()).as("an unchecked endpoint needs no fall count").isEqualTo(1);
    }
}
