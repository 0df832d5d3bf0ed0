package io.floatlb.daemon;

import io.floatlb.daemon.cli.BuildVersion;
import io.floatlb.daemon.cli.CheckCommand;
import io.floatlb.daemon.cli.DemoCommand;
import io.floatlb.daemon.cli.DrainCommand;
import io.floatlb.daemon.cli.EchoCommand;
import io.floatlb.daemon.cli.ReloadCommand;
import io.floatlb.daemon.cli.RunCommand;
import io.floatlb.daemon.cli.StatusCommand;
import io.floatlb.daemon.cli.UndrainCommand;
import io.floatlb.daemon.cli.ZkCommand;
import java.io.IOException;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code floatlb} command. Exit codes: 0 success, 1 invalid input, 2 runtime failure. */
@Command(name = "floatlb", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        description = "Userspace L4 load balancer with a floating VIP.",
        subcommands = {RunCommand.class, DemoCommand.class, CheckCommand.class, StatusCommand.class, ReloadCommand.class,
                DrainCommand.class, UndrainCommand.class, EchoCommand.class, ZkCommand.class},
        exitCodeOnInvalidInput = 1, exitCodeOnExecutionException = 2)
public final class Main {

    /** The levels {@code FLOATLB_LOG_LEVEL} may name (Logback's, which takes anything else silently as DEBUG). */
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    public static void main(String[] args) {
        String level = System.getenv("FLOATLB_LOG_LEVEL");
        if (level != null && !LOG_LEVELS.contains(level.toUpperCase(Locale.ROOT))) {
            System.err.println("floatlb: FLOATLB_LOG_LEVEL='" + level + "' is not a log level; use one of "
                    + LOG_LEVELS.stream().sorted().toList() + " or unset it (INFO)");
            System.exit(1);
        }
        openClassPath();
        System.exit(commandLine().execute(args));
    }

    /**
     * Opens every jar of the class path now, while file descriptors are plentiful: the class
     * loader opens a jar only when it first needs a class from it, and under fd exhaustion
     * later that class would fail to load for good (NoClassDefFoundError on every use).
     */
    private static void openClassPath() {
        try {
            Collections.list(Main.class.getClassLoader().getResources("META-INF/MANIFEST.MF"));
        } catch (IOException e) {
            // the jars open on first use, as they would anyway
        }
    }

    public static CommandLine commandLine() {
        return configure(new CommandLine(new Main()));
    }

    /** Exit codes and one-line errors, for this command and for any tool built beside it (the lab). */
    public static CommandLine configure(CommandLine cli) {
        cli.getCommandSpec().exitCodeOnInvalidInput(1).exitCodeOnExecutionException(2);
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.getCommandSpec().exitCodeOnInvalidInput(1).exitCodeOnExecutionException(2);
        }
        // A mistake on the command line is one line too, with where to find help.
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName();
            cmd.getErr().println(name + ": " + invalidInput(e) + " (see " + name + " --help)");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        // Operators get one line saying what failed, not a stack trace.
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(e));
            return cmd.getCommandSpec().exitCodeOnExecutionException();
        });
        return cli;
    }

    private static String invalidInput(CommandLine.ParameterException e) {
        CommandLine cmd = e.getCommandLine();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !cmd.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            return "unknown command '" + u.getUnmatched().get(0) + "'; the commands are "
                    + String.join(", ", cmd.getSubcommands().keySet());
        }
        return e.getMessage();
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
