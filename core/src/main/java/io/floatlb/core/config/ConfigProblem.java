package io.floatlb.core.config;

/**
 * One thing wrong with a config file, located the way compilers do: {@code FILE:LINE: message},
 * or {@code FILE: message} for the file as a whole (line 0).
 */
public record ConfigProblem(String file, int line, Severity severity, String message) {

    public enum Severity { ERROR, WARNING }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (severity == Severity.WARNING ? "warning: " : "") + message;
    }
}
