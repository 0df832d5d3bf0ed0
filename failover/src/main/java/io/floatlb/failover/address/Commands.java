package io.floatlb.failover.address;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs system tools with an argument array, never through a shell; every run ends within 10 s. */
public final class Commands {
    private static final long WAIT_SECONDS = 10;
    private static final Map<String, String> PACKAGES = Map.of("ip", " (install iproute2)", "nft", " (install nftables)");

    private Commands() {}

    public record Result(int exit, String output) {}

    /**
     * Whether a tool can be run: an executable of that name on the PATH, or in /usr/sbin, where
     * Debian puts ip and nft and where a plain user's PATH does not look.
     */
    public static boolean available(String tool) {
        return Stream.concat(Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":")), Stream.of("/usr/sbin"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
    }

    public static Result run(List<String> argv) {
        return run(argv, null);
    }

    /** Runs with {@code input} on standard input (as {@code nft -f -} reads its script), or none. */
    public static Result run(List<String> argv, String input) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + ": no answer in " + WAIT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException(argv.get(0) + " cannot be run: " + e.getMessage()
                    + PACKAGES.getOrDefault(argv.get(0), ""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", argv) + ": interrupted", e);
        }
    }

    /** Runs and requires success; the error names the command and what it said. */
    public static void check(List<String> argv) {
        check(argv, null);
    }

    public static void check(List<String> argv, String input) {
        Result r = run(argv, input);
        if (r.exit() != 0) {
            String said = r.output().lines().findFirst().orElse("");
            throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + r.exit() + "): " + said
                    + (said.contains("Operation not permitted") ? "; floatlb needs CAP_NET_ADMIN and CAP_NET_RAW"
                    + " (run it as root, or with the systemd unit's capabilities)" : ""));
        }
    }
}
