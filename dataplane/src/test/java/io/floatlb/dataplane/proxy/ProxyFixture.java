package io.floatlb.dataplane.proxy;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.config.TransportKind;
import io.floatlb.core.net.HostPort;
import io.floatlb.dataplane.Net;
import io.floatlb.dataplane.echo.EchoServer;
import io.floatlb.dataplane.health.HealthChecker;
import io.floatlb.dataplane.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A transport, echo backends and service proxies on loopback, all closed by {@link #close()}. */
final class ProxyFixture implements AutoCloseable {
    final Transport transport;
    final int backendPort = Net.freePort(Net.loopback(21), Net.loopback(22), Net.loopback(23), Net.loopback(24));
    final int vipPort = Net.freePort(Net.loopback(10));
    private final List<AutoCloseable> open = new ArrayList<>();

    ProxyFixture() {
        this(TransportKind.AUTO);
    }

    /** On {@code kind}, which must load here ({@link Transport#create} refuses one that does not). */
    ProxyFixture(TransportKind kind) {
        transport = Transport.create(kind, 2);
    }

    EchoServer echo(int lastOctet, String name) {
        EchoServer e = EchoServer.start(transport, new HostPort(Net.loopback(lastOctet), backendPort), name, "node" + lastOctet);
        open.add(e);
        return e;
    }

    /** Starts a service "web" on 127.0.0.10:vipPort with the given extra keys and endpoints. */
    ServiceProxy service(String extra, int... endpointOctets) throws Exception {
        StringBuilder endpoints = new StringBuilder();
        for (int o : endpointOctets) {
            endpoints.append("{ address = \"127.0.0.").append(o).append("\", node = node").append(o).append(" }\n");
        }
        String hocon = "floatlb { node.name = node21\n services.web {\n vip = \"127.0.0.10\"\n"
                + " ports = [{ port = " + vipPort + ", target-port = " + backendPort + " }]\n"
                + extra + "\n endpoints = [" + endpoints + "] } }";
        ServiceConfig config = ConfigLoader.parseString(hocon, "test.conf").config().services().get(0);
        ServiceProxy proxy = new ServiceProxy(config, new BackendPool(config, "node21"), transport);
        proxy.start();
        open.add(() -> proxy.stop(Duration.ZERO));
        return proxy;
    }

    HealthChecker checks(ServiceProxy proxy) {
        HealthChecker checker = new HealthChecker(proxy.pool(), proxy.config().healthCheck(), transport);
        checker.start();
        open.add(checker::stop);
        return checker;
    }

    InetSocketAddress vip() {
        return new InetSocketAddress(Net.loopback(10), vipPort);
    }

    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        transport.close();
    }
}
