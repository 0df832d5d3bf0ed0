package io.floatlb.daemon.cli;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.net.HostPort;
import io.floatlb.core.status.ClusterView;
import io.floatlb.core.status.StatusTable;
import io.floatlb.daemon.NodeRuntime;
import io.floatlb.daemon.NodeService;
import io.floatlb.dataplane.echo.EchoServer;
import io.floatlb.dataplane.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Everything on one machine without root: four echo backends on loopback, labelled as two
 * nodes, behind the VIP 127.0.0.10:8080.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a self-contained demo: VIP 127.0.0.10:8080 in front of four echo backends on loopback.")
public final class DemoCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        UntilStopped stop = UntilStopped.install();
        // A file, so that the demo can be reloaded and inspected like any node.
        Path file = Files.createTempFile("floatlb-demo", ".conf");
        file.toFile().deleteOnExit();
        Files.writeString(file, demoConfig());
        FloatlbConfig config = ConfigLoader.load(file).config();
        var service = config.services().get(0);
        int targetPort = service.ports().get(0).targetPort();
        // The backends stand for other hosts: they get event loops of their own.
        Transport backendLoops = Transport.create(1);
        List<EchoServer> backends = new ArrayList<>();
        NodeService node;
        try {
            for (var e : service.endpoints()) {
                String name = "echo-" + e.address().getHostAddress().substring("127.0.0.".length());
                backends.add(EchoServer.start(backendLoops, new HostPort(e.address(), targetPort), name, e.node()));
            }
            node = NodeService.start(file, config);
        } catch (Exception e) {
            backends.forEach(EchoServer::close);
            backendLoops.close();
            throw e;
        }
        awaitOwner(node.node());

        String vip = service.vip().getHostAddress() + ":" + service.ports().get(0).port();
        System.out.println();
        System.out.println("floatlb demo: VIP " + vip + " -> 4 echo backends on node1 and node2 (Ctrl-C stops)");
        System.out.println();
        System.out.print(StatusTable.render(node.node().view(), true));
        System.out.println();
        System.out.println("Try it (each request is answered by the next backend):");
        System.out.println();
        System.out.println("  curl http://" + vip + "/");
        System.out.println();
        System.out.println("Inspect it: bin/floatlb status -o wide, curl http://" + config.adminListen() + "/metrics; edit "
                + file + " and it reloads.");
        System.out.println();
        stop.await(() -> {
            node.close();
            backends.forEach(EchoServer::close);
            backendLoops.close();
            System.out.println("demo stopped");
        });
        return 0;
    }

    /**
     * The election and the first health checks take a moment; the status table should show
     * their result (an owner, every backend counted), not the instant before (bounded: 5 s).
     */
    private static void awaitOwner(NodeRuntime node) throws InterruptedException {
        for (int i = 0; i < 200 && !settled(node.view()); i++) {
            Thread.sleep(25);
        }
    }

    private static boolean settled(ClusterView view) {
        return view.services().stream().allMatch(s -> s.owner() != null
                && s.endpoints().stream().allMatch(e -> e.healthy() == e.total()));
    }

    private static String demoConfig() {
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo.conf")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
