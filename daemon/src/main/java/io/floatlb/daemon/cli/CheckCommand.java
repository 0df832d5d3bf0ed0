package io.floatlb.daemon.cli;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.ConfigProblem;
import io.floatlb.core.config.InvalidConfigException;
import io.floatlb.core.config.ValidatedConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Validates a config file: every problem as FILE:LINE: message, then what this host would
 * refuse ({@link HostChecks}); exit 0 valid, 1 invalid.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a config file and print every problem as FILE:LINE: message; then check this host as"
                + " 'floatlb run' would (interfaces, ports taken, libpcap), unless the file is for another host.")
public final class CheckCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the HOCON config file")
    Path file;

    @Option(names = "--remote", description = "the file is for another host: its interfaces are only warned about,"
            + " and this host's ports and libraries are not looked at")
    boolean remote;

    @Option(names = "--for-node", paramLabel = "NAME", description = "the file is for node NAME on another host"
            + " (as --remote, and its node.name must be NAME)")
    String forNode;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ValidatedConfig v;
        try {
            v = ConfigLoader.load(file);
        } catch (InvalidConfigException e) {
            for (ConfigProblem p : e.problems()) {
                spec.commandLine().getErr().println(p);
            }
            if (e.errors().size() > 1) {
                spec.commandLine().getErr().printf("%s: invalid (%d errors)%n", file, e.errors().size());
            }
            return 1;
        }
        v.warnings().forEach(w -> spec.commandLine().getErr().println(w));
        int errors = 0;
        if (forNode != null && !forNode.equals(v.config().nodeName())) {
            spec.commandLine().getErr().printf("%s: node.name is '%s', not '%s' (--for-node)%n", file,
                    v.config().nodeName(), forNode);
            errors++;
        }
        List<HostChecks.Finding> host = HostChecks.of(v.config(), remote || forNode != null);
        for (HostChecks.Finding f : host) {
            spec.commandLine().getErr().printf("%s: %s%s%n", file, f.error() ? "" : "warning: ", f.message());
            errors += f.error() ? 1 : 0;
        }
        if (errors > 1) {
            spec.commandLine().getErr().printf("%s: 'floatlb run' would refuse it on this host (%d errors)%n", file, errors);
        }
        if (errors > 0) {
            return 1;
        }
        spec.commandLine().getOut().printf("%s: valid (node %s, %d service(s))%n",
                file, v.config().nodeName(), v.config().services().size());
        return 0;
    }
}
