package io.floatlb.core.config;

import com.typesafe.config.ConfigOrigin;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem of one file so that the operator sees all of them at once. */
final class Problems {
    private final String file;
    private final List<ConfigProblem> found = new ArrayList<>();

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
        String where = origin != null && origin.filename() != null ? origin.filename() : file;
        int line = origin != null ? Math.max(origin.lineNumber(), 1) : 1;
        found.add(new ConfigProblem(where, line, severity, path.isEmpty() ? message : path + ": " + message));
    }

    boolean hasErrors() {
        return found.stream().anyMatch(p -> p.severity() == ConfigProblem.Severity.ERROR);
    }

    List<ConfigProblem> all() {
        return found.stream()
                .sorted((a, b) -> a.file().equals(b.file()) ? Integer.compare(a.line(), b.line()) : a.file().compareTo(b.file()))
                .toList();
    }

    List<ConfigProblem> warnings() {
        return all().stream().filter(p -> p.severity() == ConfigProblem.Severity.WARNING).toList();
    }
}
