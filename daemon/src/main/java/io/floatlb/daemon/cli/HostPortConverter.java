package io.floatlb.daemon.cli;

import io.floatlb.core.net.HostPort;
import picocli.CommandLine.ITypeConverter;

/** HOST:PORT options, with the same rules and messages as the config file. */
final class HostPortConverter implements ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
        return HostPort.parse(value);
    }
}
