package io.floatlb.daemon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Ends a node's maintenance: it may own VIPs again. */
@Command(name = "undrain", mixinStandardHelpOptions = true,
        description = "End a node's maintenance ('floatlb drain'): it may own VIPs again.")
public final class UndrainCommand implements Callable<Integer> {

    @Mixin
    AdminOptions admin;

    @Option(names = "--node", paramLabel = "NAME", description = "the node (default: the agent's own)")
    String node;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AdminOptions.Reply r = admin.send("POST", "/undrain" + AdminOptions.nodeQuery(node));
        if (r.status() != 200) {
            AdminOptions.print(spec.commandLine().getErr(), "floatlb undrain: " + r.body());
            return r.status() == 400 ? 1 : 2;
        }
        AdminOptions.print(spec.commandLine().getOut(), r.body());
        return 0;
    }
}
