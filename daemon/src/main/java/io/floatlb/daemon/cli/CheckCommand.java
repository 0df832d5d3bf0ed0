package io.floatlb.daemon.cli;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.ConfigProblem;
import io.floatlb.core.config.InvalidConfigException;
import io.floatlb.core.config.ValidatedConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Validates a config file: every problem as FILE:LINE: message; exit 0 valid, 1 invalid. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a config file and print every problem as FILE:LINE: message.")
public final class CheckCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the HOCON config file")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            ValidatedConfig v = ConfigLoader.load(file);
            v.warnings().forEach(w -> spec.commandLine().getErr().println(w));
            spec.commandLine().getOut().printf("%s: valid (node %s, %d service(s))%n",
                    file, v.config().nodeName(), v.config().services().size());
            return 0;
        } catch (InvalidConfigException e) {
            for (ConfigProblem p : e.problems()) {
                spec.commandLine().getErr().println(p);
            }
            spec.commandLine().getErr().printf("%s: invalid (%d error(s))%n", file, e.errors().size());
            return 1;
        }
    }
}
