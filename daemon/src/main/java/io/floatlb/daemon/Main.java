package io.floatlb.daemon;

import io.floatlb.daemon.cli.CheckCommand;
import io.floatlb.daemon.cli.DemoCommand;
import io.floatlb.daemon.cli.DrainCommand;
import io.floatlb.daemon.cli.EchoCommand;
import io.floatlb.daemon.cli.ReloadCommand;
import io.floatlb.daemon.cli.RunCommand;
import io.floatlb.daemon.cli.StatusCommand;
import io.floatlb.daemon.cli.UndrainCommand;
import io.floatlb.daemon.cli.ZkCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code floatlb} command. Exit codes: 0 success, 1 invalid input, 2 runtime failure. */
@Command(name = "floatlb", mixinStandardHelpOptions = true, version = "floatlb 0.1.0",
        description = "Userspace L4 load balancer with a floating VIP.",
        subcommands = {RunCommand.class, DemoCommand.class, CheckCommand.class, StatusCommand.class, ReloadCommand.class,
                DrainCommand.class, UndrainCommand.class, EchoCommand.class, ZkCommand.class},
        exitCodeOnInvalidInput = 1, exitCodeOnExecutionException = 2)
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
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
        // Operators get one line saying what failed, not a stack trace.
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(e));
            return cmd.getCommandSpec().exitCodeOnExecutionException();
        });
        return cli;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
