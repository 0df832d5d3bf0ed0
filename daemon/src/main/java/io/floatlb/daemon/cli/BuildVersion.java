package io.floatlb.daemon.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code floatlb --version}: the version and the commit the build came from (from the jar, filled in by Maven). */
public final class BuildVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        Properties p = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream("/floatlb-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // the version line then says unknown
        }
        String version = known(p.getProperty("version"));
        String commit = known(p.getProperty("commit"));
        return new String[] {"floatlb " + version + " (commit " + commit + ")"};
    }

    /** A property the build could not fill in (no git directory) stays as its placeholder. */
    private static String known(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value;
    }
}
