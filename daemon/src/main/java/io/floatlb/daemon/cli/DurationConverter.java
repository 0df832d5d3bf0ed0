package io.floatlb.daemon.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations on the command line are written as in the config file: 500ms, 2s, 5m. */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            Duration d = ConfigFactory.parseString("d = \"" + value.replace("\"", "") + "\"").getDuration("d");
            if (d.isNegative()) {
                throw new TypeConversionException("'" + value + "' is negative; write a duration such as 500ms, 2s or 5m");
            }
            return d;
        } catch (ConfigException e) {
            throw new TypeConversionException("'" + value + "' is not a duration; write one such as 500ms, 2s or 5m");
        }
    }
}
