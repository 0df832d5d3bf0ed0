package io.floatlb.failover.address;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs system tools with an argument array, never through a shell. */
final class Commands {

    private Commands() {}

    record Result(int exit, String output) {}

    static Result run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + ": no answer in 10 s");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException(argv.get(0) + " cannot be run: " + e.getMessage()
                    + " (install iproute2)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", argv) + ": interrupted", e);
        }
    }

    /** Runs and requires success; the error names the command and what it said. */
    static void check(List<String> argv) {
        Result r = run(argv);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + r.exit() + "): " + r.output());
        }
    }
}
