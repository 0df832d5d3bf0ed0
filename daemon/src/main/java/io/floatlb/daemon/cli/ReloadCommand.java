package io.floatlb.daemon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Asks the running agent to re-read its config file; exit 1 when the file is rejected. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Make the running agent re-read its config (as SIGHUP does). An invalid file is rejected "
                + "and the running config stays.")
public final class ReloadCommand implements Callable<Integer> {

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AdminOptions.Reply r = admin.send("POST", "/reload");
        if (r.status() == 200) {
            AdminOptions.print(spec.commandLine().getOut(), r.body());
            return 0;
        }
        AdminOptions.print(spec.commandLine().getErr(), r.body());
        return r.status() == 400 ? 1 : 2;
    }
}
