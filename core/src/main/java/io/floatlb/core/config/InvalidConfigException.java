package io.floatlb.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config that must not be applied, with every problem found in it. */
public final class InvalidConfigException extends Exception {
    private final transient List<ConfigProblem> problems;

    public InvalidConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    public List<ConfigProblem> errors() {
        return problems.stream().filter(p -> p.severity() == ConfigProblem.Severity.ERROR).toList();
    }
}
