package io.floatlb.daemon.cli;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Durations on the command line are written as in the config file: 500ms, 2s, 5m. */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return ConfigFactory.parseString("d = " + value).getDuration("d");
    }
}
