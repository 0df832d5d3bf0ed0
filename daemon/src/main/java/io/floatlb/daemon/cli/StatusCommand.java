package io.floatlb.daemon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The cluster as the local agent sees it through ZooKeeper, like {@code kubectl get services -o wide}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show every service, its VIP, owner and endpoints per node, and every node's config digest.")
public final class StatusCommand implements Callable<Integer> {

    enum Output { table, wide, json }

    @Mixin
    AdminOptions admin;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
            description = "wide or json (default: a table)")
    Output output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AdminOptions.Reply r = admin.send("GET", "/status" + (output == Output.json ? "" : "?o=" + output));
        if (r.status() != 200) {
            AdminOptions.print(spec.commandLine().getErr(), "floatlb status: the agent answered " + r.status() + ": " + r.body());
            return 2;
        }
        AdminOptions.print(spec.commandLine().getOut(), r.body());
        return 0;
    }
}
