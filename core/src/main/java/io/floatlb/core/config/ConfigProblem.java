package io.floatlb.core.config;

/** One thing wrong with a config file, located the way compilers do: {@code FILE:LINE: message}. */
public record ConfigProblem(String file, int line, Severity severity, String message) {

    public enum Severity { ERROR, WARNING }

    @Override
    public String toString() {
        return file + ":" + line + ": " + (severity == Severity.WARNING ? "warning: " : "") + message;
    }
}
