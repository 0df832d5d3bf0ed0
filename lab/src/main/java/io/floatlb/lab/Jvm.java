package io.floatlb.lab;

import io.floatlb.daemon.Main;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for the lab's processes: JVMs with this JVM's class path, tuned to start fast. */
final class Jvm {

    private Jvm() {}

    static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A floatlb command (run, echo, zk, status, …). */
    static List<String> floatlb(String... args) {
        return java(Main.class.getName(), args);
    }
}
