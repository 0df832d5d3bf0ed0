package io.floatlb.daemon.ops;

import io.floatlb.daemon.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A floatlb command as a process of its own (as systemd runs it), its output in a log file. */
final class AgentProcess implements AutoCloseable {
    final Process process;
    final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** {@code floatlb ARGS}, with this JVM's class path; {@code prefix} runs before java (e.g. env). */
    static AgentProcess start(List<String> prefix, Path log, String... args) throws IOException {
        return start(prefix, List.of(), log, args);
    }

    /** As above, with {@code jvmOptions} for the agent's JVM (e.g. its memory limits). */
    static AgentProcess start(List<String> prefix, List<String> jvmOptions, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new AgentProcess(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
    }

    static AgentProcess start(Path log, String... args) throws IOException {
        return start(List.of(), log, args);
    }

    /** A node1 config with a 1 s drain, the admin API on a free port, and {@code body} inside {@code floatlb { }}. */
    static String config(String body) throws IOException {
        return """
                floatlb {
                  node.name = node1
                  drain-timeout = 1s
                  admin.listen = "127.0.0.1:%d"
                %s
                }
                """.formatted(RunningNode.freePort(), body);
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Waits until the output has {@code text} at least {@code times} times. */
    boolean await(String text, long times, int seconds) throws IOException, InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            if (output().lines().filter(l -> l.contains(text)).count() >= times) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    boolean await(String text, int seconds) throws IOException, InterruptedException {
        return await(text, 1, seconds);
    }

    /** The process's threads now (jcmd Thread.print), for a failure message about a hang. */
    String threads() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                .redirectErrorStream(true).start();
        String dump = new String(p.getInputStream().readAllBytes());
        return p.waitFor(10, TimeUnit.SECONDS) ? dump : "(jcmd did not answer within 10 s)";
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
