package io.floatlb.daemon.cli;

import io.floatlb.daemon.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes the man page and the bash completion from the command line's own model, so they
 * always say what the commands accept: {@code Docs MAN_FILE COMPLETION_FILE}. The completion
 * is picocli's; the page is troff built from picocli's help sections (its own generator
 * writes AsciiDoc, which would need Asciidoctor at build time).
 */
public final class Docs {

    private Docs() {}

    public static void main(String[] args) throws IOException {
        CommandLine cli = Main.commandLine();
        Files.writeString(Path.of(args[0]), manPage(cli), StandardCharsets.UTF_8);
        Files.writeString(Path.of(args[1]), AutoComplete.bash("floatlb", cli), StandardCharsets.UTF_8);
    }

    static String manPage(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        StringBuilder m = new StringBuilder();
        m.append(".TH FLOATLB 1 \"\" \"").append(escape(version(cli))).append("\" \"floatlb manual\"\n");
        m.append(".SH NAME\nfloatlb \\- ").append(escape(String.join(" ", spec.usageMessage().description()))).append('\n');
        m.append(".SH SYNOPSIS\n.B floatlb\n.I command\n[\\fIoptions\\fR]\n");
        m.append(".SH DESCRIPTION\nEvery node of a cluster runs \\fBfloatlb run\\fR with the same configuration (HOCON,\n")
                .append("\\fI/etc/floatlb/floatlb.conf\\fR). One node owns each VIP and answers ARP and neighbor\n")
                .append("discovery for it; ZooKeeper decides which.\n");
        m.append(".SH COMMANDS\n");
        cli.getSubcommands().forEach((name, sub) -> {
            m.append(".SS ").append(name).append('\n');
            m.append(escape(sub.getHelp().synopsis(0).strip())).append("\n.PP\n");
            m.append(escape(String.join(" ", sub.getCommandSpec().usageMessage().description()))).append('\n');
            sub.getCommandSpec().options().stream().filter(o -> !o.usageHelp() && !o.versionHelp()).forEach(o -> {
                m.append(".TP\n.B ").append(escape(String.join(", ", o.names())));
                if (o.arity().max() > 0) {
                    m.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
                }
                m.append('\n').append(escape(String.join(" ", o.description()).replace("${DEFAULT-VALUE}",
                        String.valueOf(o.defaultValue())))).append('\n');
            });
        });
        m.append(".SH EXIT STATUS\n0 success, 1 invalid input (bad configuration, bad option), 2 runtime failure.\n")
                .append("Errors are one line on standard error: what failed, where, and what to do.\n");
        m.append(".SH ENVIRONMENT\n.TP\n.B FLOATLB_LOG_LEVEL\n")
                .append("TRACE, DEBUG, INFO (default), WARN, ERROR or OFF.\n.TP\n.B FLOATLB_JAVA_OPTS\nJVM options, after floatlb's own (G1, a 256 MiB heap); a collector named here replaces G1.\n");
        m.append(".SH FILES\n.TP\n.I /etc/floatlb/floatlb.conf\nthe node's configuration\n")
                .append(".TP\n.I /lib/systemd/system/floatlb.service\nthe systemd unit\n");
        m.append(".SH SEE ALSO\n.BR systemctl (1),\n.BR journalctl (1),\n.BR nft (8)\n");
        return m.toString();
    }

    private static String version(CommandLine cli) {
        String[] v = cli.getCommandSpec().version();
        return v.length == 0 ? "floatlb" : v[0];
    }

    /** troff: a backslash is written \e, a hyphen \-, and a line must not start with a dot or a quote. */
    private static String escape(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-").lines()
                .map(l -> l.startsWith(".") || l.startsWith("'") ? "\\&" + l : l)
                .collect(Collectors.joining("\n"));
    }
}
