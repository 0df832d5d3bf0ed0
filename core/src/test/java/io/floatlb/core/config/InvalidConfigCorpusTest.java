package io.floatlb.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code invalid/} states on its first line the problem it must produce:
 * {@code # expect: LINE: message}. The corpus grows with every rule the validator learns.
 */
class InvalidConfigCorpusTest {
    private static final Path CORPUS = Path.of("src/test/resources/invalid");

    static Stream<Path> corpus() throws IOException {
        return Files.list(CORPUS).filter(p -> p.toString().endsWith(".conf")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void reportsTheExpectedProblemAtItsLine(Path file) throws IOException {
        String first = Files.readAllLines(file).get(0);
        assertThat(first).startsWith("# expect: ");
        String expected = first.substring("# expect: ".length());
        int colon = expected.indexOf(':');
        int line = Integer.parseInt(expected.substring(0, colon).trim());
        String message = expected.substring(colon + 1).trim();

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).errors())
                        .as("errors of %s", file)
                        .anySatisfy(p -> {
                            assertThat(p.toString()).startsWith(file + ":" + line + ": ");
                            assertThat(p.message()).contains(message);
                        }));
    }
}
