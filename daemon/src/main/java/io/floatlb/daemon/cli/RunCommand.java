package io.floatlb.daemon.cli;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.InvalidConfigException;
import io.floatlb.core.config.ValidatedConfig;
import io.floatlb.daemon.NodeService;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

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
        NodeService node = NodeService.start(file, v.config());
        // The handler must return at once: the reload runs on a thread of its own.
        Signal.handle(new Signal("HUP"), sig -> new Thread(() -> node.reloader().reload("SIGHUP"), "sighup").start());
        UntilStopped.await(node::close);
        return 0;
    }
}
