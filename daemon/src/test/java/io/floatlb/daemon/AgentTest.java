package io.floatlb.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.election.Eligibility;
import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.echo.EchoServer;
import io.floatlb.dataplane.transport.Transport;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AgentTest {

    private static FloatlbConfig config(int port) throws Exception {
        return ConfigLoader.parseString("""
                floatlb {
                  node.name = node1
                  services.web {
                    vip = "127.0.0.50"
                    ports = [{ port = %d }]
                    external-traffic-policy = local
                    health-check { kind = tcp, interval = 100ms, timeout = 50ms, rise = 2, fall = 3 }
                    endpoints = [{ address = "127.0.0.51", node = node1 }]
                  }
                }
                """.formatted(port), "agent.conf").config();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aLocalNodeIsNotEligibleBeforeOneOfItsEndpointsPassedACheck() throws Exception {
        FloatlbConfig config = config(freePort());
        try (Transport transport = Transport.create(1)) {
            Agent agent = new Agent(config, transport);
            // A restarted node whose endpoints are dead must not win the VIP until its checks say so.
            assertThat(agent.memberState().healthyLocal("web")).isZero();
            assertThat(Eligibility.mayOwn(config.services(), agent.memberState())).isFalse();
        }
    }

    @Test
    void aLocalNodeBecomesEligibleWhenItsEndpointPassesItsFirstCheck() throws Exception {
        int port = freePort();
        FloatlbConfig config = config(port);
        try (Transport transport = Transport.create(1);
             EchoServer backend = EchoServer.start(transport, new HostPort(InetAddress.getByName("127.0.0.51"), port),
                     "web-1", "node1")) {
            Agent agent = new Agent(config, transport);
            agent.start();
            try {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (agent.memberState().healthyLocal("web") == 0 && System.nanoTime() < until) {
                    Thread.sleep(10);
                }
                assertThat(Eligibility.mayOwn(config.services(), agent.memberState()))
                        .as("one passed check is enough, whatever rise says").isTrue();
            } finally {
                agent.stop();
            }
        }
    }
}
