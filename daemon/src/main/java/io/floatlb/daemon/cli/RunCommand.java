package io.floatlb.daemon.cli;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.InvalidConfigException;
import io.floatlb.core.config.ValidatedConfig;
import io.floatlb.daemon.NodeService;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

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
        UntilStopped stop = UntilStopped.install();
        ValidatedConfig v;
        try {
            v = ConfigLoader.load(file);
        } catch (InvalidConfigException e) {
            e.problems().forEach(p -> spec.commandLine().getErr().println(p));
            return 1;
        }
        v.warnings().forEach(w -> log.warn("{}", w));
        // Handled from the start: the JVM's default for SIGHUP would stop the agent. A reload
        // asked for while the node starts comes to nothing (the node reads the file anyway).
        AtomicReference<NodeService> started = new AtomicReference<>();
        SignalHandler before = Signal.handle(new Signal("HUP"), sig -> new Thread(() -> {
            NodeService node = started.get();
            if (node == null) {
                log.info("SIGHUP while starting: the config being started is the file's");
            } else {
                node.reloader().reload("SIGHUP");
            }
        }, "sighup").start());
        if (before == SignalHandler.SIG_IGN) {
            // The JVM leaves a signal ignored at start ignored (as under nohup).
            log.warn("SIGHUP is ignored in this process (started under nohup?): reload with 'floatlb reload' "
                    + "or by saving the file");
        }
        NodeService node = NodeService.start(file, v.config());
        started.set(node);
        log.info("agent {} running: SIGHUP reloads {}, SIGTERM stops", v.config().nodeName(), file);
        stop.await(node::close);
        return 0;
    }
}
