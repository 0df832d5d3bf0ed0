package io.floatlb.core.config;

import java.util.List;

/** A config that passed validation, with the warnings it still deserves. */
public record ValidatedConfig(FloatlbConfig config, List<ConfigProblem> warnings) {

    public ValidatedConfig {
        warnings = List.copyOf(warnings);
    }
}
