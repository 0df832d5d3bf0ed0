package io.floatlb.daemon.cli;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Maintenance: the node becomes ineligible for every VIP (kept in ZooKeeper, so a restart
 * keeps it), hands each over without resetting a connection, and this command waits until
 * the node owns nothing and its handed-over connections have ended.
 */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = "Put a node in maintenance: it hands every VIP over without resetting a connection and takes"
                + " none until 'floatlb undrain'. Waits until its connections have ended (exit 0), or the timeout (exit 2).")
public final class DrainCommand implements Callable<Integer> {
    /** A drained state must hold this long: the agent's view of a brand-new hand-over may lag by a round trip. */
    private static final long CONFIRM_MILLIS = 500;
    private static final long POLL_MILLIS = 200;

    @Mixin
    AdminOptions admin;

    @Option(names = "--node", paramLabel = "NAME", description = "the node to drain (default: the agent's own)")
    String node;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "how long to wait for the node's connections to end (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String query = AdminOptions.nodeQuery(node);
        AdminOptions.Reply marked = admin.send("POST", "/drain" + query);
        if (marked.status() != 200) {
            AdminOptions.print(spec.commandLine().getErr(), "floatlb drain: " + marked.body());
            return marked.status() == 400 ? 1 : 2;
        }
        AdminOptions.print(spec.commandLine().getOut(), marked.body());
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int vips = 0;
        int connections = 0;
        long drainedSince = -1;
        Map<String, String> last = Map.of();
        while (System.nanoTime() < deadline) {
            last = progress(query);
            vips = Math.max(vips, Integer.parseInt(last.getOrDefault("vips", "0")));
            connections = Math.max(connections, Integer.parseInt(last.getOrDefault("connections", "0")));
            String state = last.getOrDefault("state", "unknown");
            if (state.equals("drained") || state.equals("down")) {
                drainedSince = drainedSince < 0 ? System.nanoTime() : drainedSince;
                if (System.nanoTime() - drainedSince >= Duration.ofMillis(CONFIRM_MILLIS).toNanos()) {
                    String name = node == null ? "the node" : "node " + node;
                    spec.commandLine().getOut().println(name + " drained in "
                            + String.format("%.1f", (System.nanoTime() - start) / 1e9) + " s: " + vips + " VIP(s) handed over, "
                            + connections + " connection(s) kept on it to their end" + (state.equals("down") ? " (it is down)" : ""));
                    return 0;
                }
            } else {
                drainedSince = -1;
            }
            Thread.sleep(POLL_MILLIS);
        }
        spec.commandLine().getErr().println("floatlb drain: still draining after " + timeout.toSeconds() + " s ("
                + last.getOrDefault("vips", "?") + " VIP(s), " + last.getOrDefault("connections", "?")
                + " connection(s) left); it stays marked drained, 'floatlb undrain' ends that");
        return 2;
    }

    private Map<String, String> progress(String query) throws Exception {
        AdminOptions.Reply r = admin.send("GET", "/drain-progress" + query);
        if (r.status() != 200) {
            throw new IllegalStateException("the agent answered " + r.status() + ": " + r.body().strip());
        }
        return Arrays.stream(r.body().strip().split(" ")).map(kv -> kv.split("=", 2)).filter(kv -> kv.length == 2)
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
    }
}
