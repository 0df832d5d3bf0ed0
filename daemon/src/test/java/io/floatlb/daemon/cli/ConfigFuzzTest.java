package io.floatlb.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.ConfigProblem;
import io.floatlb.core.config.InvalidConfigException;
import io.floatlb.daemon.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of every shipped and test config: whatever a file holds, loading it ends
 * in a config or in problems that each say FILE:LINE, never in another exception, and
 * {@code floatlb check} (every 20th mutant) exits 0 or 1 without a stack trace. A mutant
 * that breaks this is written to {@code target/fuzz-failures}; kept in {@code fuzz/} it is a
 * regression test from then on (the corpus is fed to the mutator and loaded as it is).
 */
class ConfigFuzzTest {
    private static final long SEED = Long.getLong("floatlb.fuzz.seed", 20261127L);
    private static final int MUTANTS = Integer.getInteger("floatlb.fuzz.mutants", 4_000);
    private static final String[] TOKENS = {"{", "}", "[", "]", "=", ":", ",", "\"", "\\", "$", "${x}", "${?y}", "\n",
        "\"a:b\"", "\"x$y\"", "\"\\\\\"", "0", "-1", "65536", "99999999999999999999", "1e400", "null", "true", "\"\"",
        "0.0.0.0", "255.255.255.255", "224.0.0.1", "::", "ff02::1", "0.0.0.0/0", "127.0.0.1-127.0.0.0", "1ms", "-5s",
        "100000d", "services", "endpoints", "ports", "vip", "node.name", "address-pools", "health-check", "+=", "//",
        "#", "\u0000", "\u00e9", "\ud83d\ude00", "eth0", "eth9999999999999999"};

    @TempDir
    Path dir;

    static List<Path> seeds() throws IOException {
        List<Path> seeds = new ArrayList<>(List.of(Path.of("../conf/floatlb.conf"), Path.of("src/main/resources/demo.conf")));
        for (String d : List.of("../core/src/test/resources/invalid", "src/test/resources/fuzz")) {
            try (Stream<Path> files = Files.list(Path.of(d))) {
                files.filter(p -> p.toString().endsWith(".conf")).sorted().forEach(seeds::add);
            }
        }
        return seeds;
    }

    @Test
    void everyMutantIsAConfigOrProblemsAtTheirLinesNeverAnotherException() throws IOException {
        List<Path> seeds = seeds();
        List<String> texts = new ArrayList<>();
        for (Path p : seeds) {
            texts.add(Files.readString(p));
            assertLoadsOrExplains(p, "corpus " + p);
        }
        Random random = new Random(SEED);
        int valid = 0;
        for (int i = 0; i < MUTANTS; i++) {
            String mutant = mutate(texts.get(random.nextInt(texts.size())), random);
            Path file = dir.resolve("mutant-" + i + ".conf");
            byte[] bytes = mutant.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (random.nextInt(20) == 0) {
                // Bytes that are no UTF-8 at all, somewhere in the file.
                int at = random.nextInt(bytes.length + 1);
                byte[] spliced = new byte[bytes.length + 2];
                System.arraycopy(bytes, 0, spliced, 0, at);
                spliced[at] = (byte) 0xff;
                spliced[at + 1] = (byte) 0xc3;
                System.arraycopy(bytes, at, spliced, at + 2, bytes.length - at);
                bytes = spliced;
            }
            Files.write(file, bytes);
            if (assertLoadsOrExplains(file, "mutant " + i + " of seed " + SEED)) {
                valid++;
            }
            if (i % 20 == 0) {
                assertCheckExitsZeroOrOne(file, "mutant " + i + " of seed " + SEED);
            }
            Files.delete(file);
        }
        assertThat(valid).as("some mutants are still valid configs").isPositive();
    }

    /** True for a valid config; otherwise every problem must name this file and a line. */
    private static boolean assertLoadsOrExplains(Path file, String what) throws IOException {
        Pattern at = Pattern.compile("^" + Pattern.quote(file.toString()) + ":\\d+: .+", Pattern.DOTALL);
        try {
            ConfigLoader.load(file);
            return true;
        } catch (InvalidConfigException e) {
            assertThat(e.problems()).as("%s has problems", what).isNotEmpty().hasSizeLessThanOrEqualTo(101);
            for (ConfigProblem p : e.problems()) {
                if (!at.matcher(p.toString()).matches()) {
                    throw keep(file, what + ": a problem without FILE:LINE: " + p, null);
                }
            }
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            throw keep(file, what + " ended in " + e, e);
        }
    }

    private static void assertCheckExitsZeroOrOne(Path file, String what) throws IOException {
        StringWriter out = new StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int code = cli.execute("check", "-c", file.toString());
        if ((code != 0 && code != 1) || out.toString().contains("\tat ") || out.toString().contains("Exception")) {
            throw keep(file, what + ": floatlb check exited " + code + " saying " + out, null);
        }
    }

    private static AssertionError keep(Path file, String why, Throwable cause) throws IOException {
        Path failures = Files.createDirectories(Path.of("target/fuzz-failures"));
        Path kept = failures.resolve(file.getFileName());
        Files.copy(file, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new AssertionError(why + " (input kept in " + kept.toAbsolutePath() + "; add it to src/test/resources/fuzz)",
                cause);
    }

    private static String mutate(String text, Random random) {
        StringBuilder s = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = s.length() == 0 ? 0 : random.nextInt(s.length());
            switch (random.nextInt(7)) {
                case 0 -> s.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
                case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(20)));
                case 2 -> {
                    int from = random.nextInt(Math.max(1, s.length()));
                    int len = Math.min(s.length() - from, 1 + random.nextInt(80));
                    s.insert(at, s.substring(from, from + len));
                }
                case 3 -> s.setLength(at);
                case 4 -> s.insert(at, "{ a = ".repeat(1 + random.nextInt(3_000)));
                case 5 -> s.insert(at, (char) random.nextInt(0x3000));
                default -> {
                    int line = s.indexOf("\n", at);
                    if (line >= 0) {
                        s.insert(line + 1, "  bogus" + random.nextInt(1000) + " = " + TOKENS[random.nextInt(TOKENS.length)] + "\n");
                    }
                }
            }
        }
        return s.toString();
    }
}
