package io.floatlb.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/** Reads a HOCON file into a {@link FloatlbConfig}, or into every reason it cannot be one. */
public final class ConfigLoader {

    private ConfigLoader() {}

    public static ValidatedConfig load(Path file) throws InvalidConfigException {
        String name = file.toString();
        if (!Files.exists(file)) {
            throw fileProblem(name, "no such file; pass the path of a HOCON config file with -c");
        }
        if (!Files.isRegularFile(file)) {
            throw fileProblem(name, "not a regular file; pass the path of a HOCON config file with -c");
        }
        if (!Files.isReadable(file)) {
            throw fileProblem(name, "cannot be read by this user (permission denied); run as a user that may read it"
                    + " (the systemd unit's user 'floatlb') or fix its mode");
        }
        return guarded(name, () -> ConfigFactory.parseFile(file.toFile(),
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false)).resolve());
    }

    /** A problem of the file as a whole: it has no line. */
    private static InvalidConfigException fileProblem(String name, String message) {
        return new InvalidConfigException(List.of(new ConfigProblem(name, 0, ConfigProblem.Severity.ERROR, message)));
    }

    public static ValidatedConfig parseString(String hocon, String name) throws InvalidConfigException {
        return guarded(name, () -> ConfigFactory.parseString(hocon,
                ConfigParseOptions.defaults().setOriginDescription(name)).resolve());
    }

    /**
     * Parses and validates, turning whatever the file does to the parser into problems: its
     * syntax errors, and nesting so deep that the parser's recursion runs out of stack
     * (every frame of it is unwound by then, so carrying on is safe).
     */
    private static ValidatedConfig guarded(String name, Supplier<Config> parse) throws InvalidConfigException {
        Problems problems = new Problems(name);
        try {
            Config config = parse.get();
            return validate(config, problems);
        } catch (ConfigException e) {
            problems.error(e.origin(), "", SyntaxErrors.inOurWords(stripOrigin(e)));
            throw new InvalidConfigException(problems.all());
        } catch (StackOverflowError e) {
            throw new InvalidConfigException(List.of(new ConfigProblem(name, 1, ConfigProblem.Severity.ERROR,
                    "objects or lists nested too deeply to read; a floatlb config needs at most a few levels")));
        }
    }

    private static ValidatedConfig validate(Config config, Problems problems) throws InvalidConfigException {
        FloatlbConfig parsed = new ConfigParser(problems).parse(config, digest(config));
        if (problems.hasErrors()) {
            throw new InvalidConfigException(problems.all());
        }
        return new ValidatedConfig(parsed, problems.warnings());
    }

    /** SHA-256 of the resolved content without node.name, rendered with sorted keys. */
    private static String digest(Config config) {
        String canonical = config.withoutPath("floatlb.node").root().render(ConfigRenderOptions.concise());
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Typesafe prefixes its messages with the origin, which the problem already carries. */
    private static String stripOrigin(ConfigException e) {
        String msg = e.getMessage();
        if (e.origin() != null) {
            String prefix = e.origin().description() + ": ";
            if (msg.startsWith(prefix)) {
                msg = msg.substring(prefix.length());
            }
        }
        return msg;
    }
}
