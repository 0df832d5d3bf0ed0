package io.floatlb.daemon.cli;

import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.echo.EchoServer;
import io.floatlb.dataplane.transport.Transport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The echo backend, for demos, labs and benchmarks. */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = {"Run the echo backend: an HTTP/1.1 server whose reply names the backend, node, peer and client.",
                "With --udp, a UDP server that answers each datagram with the backend, node and peer, then the"
                        + " datagram's bytes."})
public final class EchoCommand implements Callable<Integer> {

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", converter = HostPortConverter.class)
    HostPort listen;

    @Option(names = "--name", required = true, description = "the backend's name, shown in every reply")
    String name;

    @Option(names = "--node", defaultValue = "-", description = "the node this backend runs on, shown in every reply")
    String node;

    @Option(names = "--udp", description = "echo UDP datagrams instead of serving HTTP over TCP")
    boolean udp;

    @Override
    public Integer call() throws InterruptedException {
        UntilStopped stop = UntilStopped.install();
        Transport transport = Transport.create(1);
        EchoServer echo;
        try {
            echo = udp ? EchoServer.startUdp(transport, listen, name, node) : EchoServer.start(transport, listen, name, node);
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
        System.out.printf("echo backend %s (node %s) listening on %s%s%n", name, node, echo.address(), udp ? "/udp" : "");
        stop.await(() -> {
            echo.close();
            transport.close();
        });
        return 0;
    }
}
