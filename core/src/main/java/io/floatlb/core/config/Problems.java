package io.floatlb.core.config;

import com.typesafe.config.ConfigOrigin;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of one file so that the operator sees all of them at once, up to
 * {@link #MAX_REPORTED}: past that a file is not a config with mistakes but something
 * else, and the rest is counted, not printed.
 */
final class Problems {
    static final int MAX_REPORTED = 100;

    private final String file;
    private final List<ConfigProblem> found = new ArrayList<>();
    private int dropped;

    Problems(String file) {
        this.file = file;
    }

    void error(ConfigOrigin origin, String path, String message) {
        add(origin, ConfigProblem.Severity.ERROR, path, message);
    }

    void warn(ConfigOrigin origin, String path, String message) {
        add(origin, ConfigProblem.Severity.WARNING, path, message);
    }

    private void add(ConfigOrigin origin, ConfigProblem.Severity severity, String path, String message) {
        if (found.size() >= MAX_REPORTED) {
            dropped++;
            return;
        }
        String where = origin != null && origin.filename() != null ? origin.filename() : file;
        int line = origin != null ? Math.max(origin.lineNumber(), 1) : 1;
        found.add(new ConfigProblem(where, line, severity, path.isEmpty() ? message : path + ": " + message));
    }

    boolean hasErrors() {
        return dropped > 0 || found.stream().anyMatch(p -> p.severity() == ConfigProblem.Severity.ERROR);
    }

    List<ConfigProblem> all() {
        List<ConfigProblem> sorted = new ArrayList<>(found.stream()
                .sorted((a, b) -> a.file().equals(b.file()) ? Integer.compare(a.line(), b.line()) : a.file().compareTo(b.file()))
                .toList());
        if (dropped > 0) {
            int lastLine = sorted.isEmpty() ? 1 : sorted.get(sorted.size() - 1).line();
            sorted.add(new ConfigProblem(file, lastLine, ConfigProblem.Severity.ERROR,
                    "and " + dropped + " more problems not shown; fix these first"));
        }
        return sorted;
    }

    List<ConfigProblem> warnings() {
        return all().stream().filter(p -> p.severity() == ConfigProblem.Severity.WARNING).toList();
    }
}
