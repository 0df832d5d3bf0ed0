package io.floatlb.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code floatlb echo --udp} as a process: each datagram answered with who it is, the peer it saw, and the datagram. */
@Timeout(60)
class UdpEchoCommandTest {

    @Test
    void answersEachDatagramWithItsNameThePeerAndTheBytes(@TempDir Path dir) throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        try (AgentProcess echo = AgentProcess.start(dir.resolve("echo.log"), "echo", "--udp", "--listen",
                "127.0.0.1:" + port, "--name", "u1", "--node", "n7");
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            assertThat(echo.await("listening on 127.0.0.1:" + port + "/udp", 30)).as(echo.output()).isTrue();
            client.setSoTimeout(5000);
            byte[] query = "ping".getBytes(StandardCharsets.UTF_8);
            client.send(new DatagramPacket(query, query.length, new InetSocketAddress("127.0.0.1", port)));
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            client.receive(reply);
            assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8)).isEqualTo(
                    "backend: u1\nnode: n7\npeer: 127.0.0.1:" + client.getLocalPort() + "\n\nping");
        }
    }
}
