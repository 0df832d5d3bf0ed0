package io.floatlb.daemon.reload;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.ConfigProblem;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.config.InvalidConfigException;
import io.floatlb.core.config.ValidatedConfig;
import io.floatlb.daemon.Agent;
import io.floatlb.daemon.NodeRuntime;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the node's config file and applies it, whoever asks (SIGHUP, a change of the
 * file, {@code POST /reload}), one reload at a time. The file is validated first: a file
 * with errors is rejected with every problem, counted, and the running config stays.
 */
public final class ConfigReloader {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);
    /** LocalTime.toString drops the seconds when they are :00, which reads like another format. */
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Path file;
    private final NodeRuntime node;
    private final LongAdder applied = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private String lastApplied;
    private String lastTrigger;

    public ConfigReloader(Path file, NodeRuntime node) {
        this.file = file;
        this.node = node;
    }

    /** What one reload did; {@code lines} are for the operator, one fact or problem each. */
    public record Outcome(Result result, List<String> lines) {}

    public enum Result {
        /** Applied (possibly a file whose content did not change). */
        APPLIED,
        /** The file is invalid or asks for a restart: nothing changed. */
        REJECTED,
        /** Valid, but a port could not be bound: nothing changed. */
        FAILED
    }

    public synchronized Outcome reload(String trigger) {
        ValidatedConfig v;
        try {
            v = ConfigLoader.load(file);
        } catch (InvalidConfigException e) {
            return reject(trigger, e.errors().stream().map(ConfigProblem::toString).toList());
        }
        FloatlbConfig next = v.config();
        if (next.equals(node.agent().config())) {
            // Often the file watcher was first: say so, or "unchanged" reads like a lost edit.
            String when = lastApplied == null ? "" : " (applied at " + lastApplied + " on " + lastTrigger + ")";
            log.info("reload ({}): {} is what runs already{}", trigger, file, when);
            return new Outcome(Result.APPLIED, List.of("unchanged: " + file + " is what runs already" + when));
        }
        Agent.Reload r;
        try {
            r = node.reload(next);
        } catch (IllegalArgumentException e) {
            return reject(trigger, List.of(file + ": " + e.getMessage()));
        } catch (RuntimeException | StackOverflowError e) {
            rejected.increment();
            log.error("reload ({}) of {} failed, the running config stays: {}", trigger, file, e.getMessage());
            return new Outcome(Result.FAILED, List.of("failed: " + e.getMessage() + " (nothing was reloaded)"));
        }
        applied.increment();
        lastApplied = LocalTime.now().format(CLOCK);
        lastTrigger = trigger;
        v.warnings().forEach(w -> log.warn("{}", w));
        log.info("reload ({}) of {} applied: {}", trigger, file, r);
        return new Outcome(Result.APPLIED, List.of("applied: " + r));
    }

    private Outcome reject(String trigger, List<String> problems) {
        rejected.increment();
        log.warn("reload ({}) rejected, the running config stays:", trigger);
        problems.forEach(p -> log.warn("  {}", p));
        return new Outcome(Result.REJECTED, problems);
    }

    public long applied() {
        return applied.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    public Path file() {
        return file;
    }
}
