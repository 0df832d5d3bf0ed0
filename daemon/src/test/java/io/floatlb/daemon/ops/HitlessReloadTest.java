package io.floatlb.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads under load: held keep-alive connections and a stream of new connections keep
 * running while the endpoints change and while a broken file is rejected.
 */
@Timeout(90)
class HitlessReloadTest {
    private static final int HELD = 16;

    @TempDir
    Path dir;

    @Test
    void aReloadThatChangesEndpointsLosesNoConnectionAndABrokenFileChangesNothing() throws Exception {
        try (RunningNode node = new RunningNode(dir, 21, 22)) {
            List<KeepAliveClient> held = new ArrayList<>();
            Map<KeepAliveClient, String> firstBackend = new ConcurrentHashMap<>();
            for (int i = 0; i < HELD; i++) {
                KeepAliveClient c = new KeepAliveClient(RunningNode.VIP, node.vipPort);
                held.add(c);
                firstBackend.put(c, c.request());
            }
            assertThat(Set.copyOf(firstBackend.values())).containsExactlyInAnyOrder("echo-21", "echo-22");

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong requests = new AtomicLong();
            List<String> failures = new CopyOnWriteArrayList<>();
            Set<String> newConnectionBackends = ConcurrentHashMap.newKeySet();
            AtomicBoolean reloaded = new AtomicBoolean();
            Thread heldLoad = load(running, () -> {
                for (KeepAliveClient c : held) {
                    String b = c.request();
                    if (!b.equals(firstBackend.get(c))) {
                        failures.add("a held connection moved from " + firstBackend.get(c) + " to " + b);
                    }
                    requests.incrementAndGet();
                }
            }, failures);
            Thread newLoad = load(running, () -> {
                boolean after = reloaded.get();
                String b = KeepAliveClient.once(RunningNode.VIP, node.vipPort);
                if (after) {
                    newConnectionBackends.add(b);
                }
                requests.incrementAndGet();
            }, failures);

            Thread.sleep(500);
            node.replaceConfig(node.config("cluster", 21, 23, 24));
            awaitCount(() -> node.service.reloader().applied(), 1);
            // Health checks of the added endpoints need a moment before new clients use them everywhere.
            reloaded.set(true);
            Thread.sleep(1000);

            node.replaceConfig(node.config("cluster", 21, 23, 24).replace("endpoints = [", "endpoints = [ { address = nonsense }"));
            HttpResponse<String> rejected = node.admin("POST", "/reload");
            Thread.sleep(700);

            running.set(false);
            heldLoad.join(10_000);
            newLoad.join(10_000);

            assertThat(failures).as("failed requests during the reloads (%d requests)", requests.get()).isEmpty();
            assertThat(requests.get()).isGreaterThan(100);
            for (KeepAliveClient c : held) {
                assertThat(c.request()).as("a held connection still answers, from its first backend")
                        .isEqualTo(firstBackend.get(c));
                c.close();
            }
            assertThat(newConnectionBackends).as("new connections after the reload")
                    .doesNotContain("echo-22").contains("echo-21", "echo-23", "echo-24");

            assertThat(rejected.statusCode()).isEqualTo(400);
            assertThat(rejected.body()).contains("floatlb.conf:").contains("address");
            assertThat(node.service.reloader().rejected()).isGreaterThanOrEqualTo(1);
            assertThat(node.service.reloader().applied()).isEqualTo(1);
            Set<String> stillServed = new HashSet<>();
            for (int i = 0; i < 12; i++) {
                stillServed.add(KeepAliveClient.once(RunningNode.VIP, node.vipPort));
            }
            assertThat(stillServed).as("the running config keeps serving").containsExactlyInAnyOrder(
                    "echo-21", "echo-23", "echo-24");
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static Thread load(AtomicBoolean running, Step step, List<String> failures) {
        Thread t = new Thread(() -> {
            long until = System.nanoTime() + 30_000_000_000L;
            while (running.get() && System.nanoTime() < until) {
                try {
                    step.run();
                } catch (Exception e) {
                    failures.add(e.toString());
                    return;
                }
            }
        });
        t.start();
        return t;
    }

    private static void awaitCount(java.util.function.LongSupplier count, long atLeast) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (count.getAsLong() < atLeast && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(count.getAsLong()).as("reloads seen").isGreaterThanOrEqualTo(atLeast);
    }

    @Test
    void namesTheParserCannotSplitAreRejectedWithTheirLineAndTheWatcherLivesOn() throws Exception {
        try (RunningNode node = new RunningNode(dir, 21, 22)) {
            for (String name : new String[] {"a:b", "x$y", "x\\\\y"}) {
                long rejected = node.service.reloader().rejected();
                node.replaceConfig(node.config("cluster", 21, 22).replace("services.echo {",
                        "services.echo2 { vip = \"127.0.0.19\", ports = [{ port = 80 }], endpoints = [] }\n"
                                + "services.\"" + name + "\" {"));
                awaitCount(() -> node.service.reloader().rejected(), rejected + 1);
                HttpResponse<String> answer = node.admin("POST", "/reload");
                assertThat(answer.statusCode()).as("for %s", name).isEqualTo(400);
                assertThat(answer.body()).contains("floatlb.conf:", "is not a valid name");
            }
            long applied = node.service.reloader().applied();
            node.replaceConfig(node.config("cluster", 21));
            awaitCount(() -> node.service.reloader().applied(), applied + 1);
            assertThat(backends(node, 6)).as("the watcher still applies a good file").containsExactly("echo-21");
        }
    }

    @Test
    void aReloadSwitchesTheTrafficPolicy() throws Exception {
        try (RunningNode node = new RunningNode(dir, 21, 23)) {
            assertThat(backends(node, 12)).as("cluster: endpoints on every node").containsExactlyInAnyOrder(
                    "echo-21", "echo-23");
            try (KeepAliveClient held = new KeepAliveClient(RunningNode.VIP, node.vipPort)) {
                String first = held.request();
                node.replaceConfig(node.config("local", 21, 23));
                awaitCount(() -> node.service.reloader().applied(), 1);
                assertThat(backends(node, 12)).as("local: only this node's endpoints").containsExactly("echo-21");
                assertThat(held.request()).as("an established connection stays where it is").isEqualTo(first);
            }
        }
    }

    private static Set<String> backends(RunningNode node, int requests) throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            seen.add(KeepAliveClient.once(RunningNode.VIP, node.vipPort));
        }
        return seen;
    }

    @Test
    void aReloadNamingAMissingInterfaceIsRejectedBeforeAnythingChanges() throws Exception {
        try (RunningNode node = new RunningNode(dir, 21, 22)) {
            node.replaceConfig(node.config("cluster", 23).replace("  services.echo {", """
                      address-pools.p.addresses = ["127.0.0.20/32"]
                      l2-advertisements.a { address-pools = [p], interfaces = [nosuch0] }
                      services.echo {"""));
            HttpResponse<String> r = node.admin("POST", "/reload");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("nosuch0", "does not exist", "nothing was reloaded");
            assertThat(backends(node, 8)).as("the running config still serves").containsExactlyInAnyOrder(
                    "echo-21", "echo-22");
            assertThat(node.service.reloader().applied()).isZero();
        }
    }

    /** Two services change; the second cannot bind its new port: the first must not have changed either. */
    @Test
    void aReloadWithAPortThatCannotBeBoundChangesNothing() throws Exception {
        try (RunningNode node = new RunningNode(dir, 21, 22);
             java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.30"))) {
            String second = "floatlb.services.echo2 = ${floatlb.services.echo} { vip = \"127.0.0.30\" }\n";
            node.replaceConfig(node.config("cluster", 21, 22) + second);
            awaitCount(() -> node.service.reloader().applied(), 1);

            node.replaceConfig(node.config("cluster", 23) + second.replace("}\n", ", ports = [{ port = "
                    + node.vipPort + ", target-port = " + node.backendPort + " }, { port = " + taken.getLocalPort()
                    + ", target-port = " + node.backendPort + " }] }\n"));
            HttpResponse<String> r = node.admin("POST", "/reload");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
            assertThat(r.body()).contains("cannot listen on 127.0.0.30:" + taken.getLocalPort(), "nothing was reloaded");
            assertThat(backends(node, 8)).as("the first service's endpoints did not change either")
                    .containsExactlyInAnyOrder("echo-21", "echo-22");
            assertThat(node.service.reloader().applied()).isEqualTo(1);
        }
    }
}
