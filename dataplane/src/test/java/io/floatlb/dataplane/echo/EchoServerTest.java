package io.floatlb.dataplane.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.Net;
import io.floatlb.dataplane.transport.Transport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EchoServerTest {

    @Test
    void repliesWithBackendNodePeerAndRequestOnOneKeptAliveConnection() throws Exception {
        try (Transport transport = Transport.create(1);
             EchoServer echo = EchoServer.start(transport, new HostPort(Net.loopback(41), 0), "echo-a", "node7");
             Socket s = new Socket(echo.address().address(), echo.address().port())) {
            s.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            for (int i = 0; i < 2; i++) {
                s.getOutputStream().write(("GET /n" + i + " HTTP/1.1\r\nHost: vip\r\nX-Test: yes\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                List<String> body = readResponse(in);
                assertThat(body).contains("backend: echo-a", "node: node7", "request: GET /n" + i + " HTTP/1.1",
                        "header: X-Test: yes", "client: - (no PROXY header)");
                assertThat(body).anyMatch(l -> l.equals("peer: 127.0.0.1:" + s.getLocalPort()));
                assertThat(body).as("only the headers the client sent").filteredOn(l -> l.startsWith("header: "))
                        .containsExactly("header: Host: vip", "header: X-Test: yes");
            }
        }
    }

    @Test
    void acceptsAProxyHeaderAndReportsTheClientItNames() throws Exception {
        try (Transport transport = Transport.create(1);
             EchoServer echo = EchoServer.start(transport, new HostPort(Net.loopback(41), 0), "echo-a", "node7");
             Socket s = new Socket(echo.address().address(), echo.address().port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("PROXY TCP4 198.18.5.5 127.0.0.41 5555 80\r\nGET / HTTP/1.0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String reply = new String(Net.readAll(s.getInputStream()), StandardCharsets.UTF_8);
            assertThat(Net.field(reply, "client")).isEqualTo("198.18.5.5:5555 (PROXY V1)");
        }
    }

    private static List<String> readResponse(BufferedReader in) throws Exception {
        int length = 0;
        String line;
        while (!(line = in.readLine()).isEmpty()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            read += in.read(body, read, length - read);
        }
        return new ArrayList<>(List.of(new String(body).split("\n")));
    }
}
