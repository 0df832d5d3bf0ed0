package io.floatlb.daemon.cli;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.InvalidConfigException;
import io.floatlb.core.config.ValidatedConfig;
import io.floatlb.daemon.NodeRuntime;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The node agent, as systemd starts it. Stops on SIGTERM/SIGINT after draining. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the node agent from a config file.")
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the HOCON config file")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ValidatedConfig v;
        try {
            v = ConfigLoader.load(file);
        } catch (InvalidConfigException e) {
            e.problems().forEach(p -> spec.commandLine().getErr().println(p));
            return 1;
        }
        v.warnings().forEach(w -> log.warn("{}", w));
        NodeRuntime node = NodeRuntime.start(v.config());
        UntilStopped.await("agent", node::close);
        return 0;
    }
}
