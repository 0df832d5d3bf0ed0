package io.floatlb.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code conf/floatlb.service} as systemd reads it, and the privileges it grants. */
class SystemdUnitTest {
    private static final Path TOP = Path.of("..").toAbsolutePath().normalize();
    private static final Path UNIT = TOP.resolve("conf/floatlb.service");

    @TempDir
    Path dir;

    /**
     * {@code systemd-analyze verify} also checks that every command and man page exists, so the
     * installed launcher /usr/bin/floatlb is pointed at this checkout's and the man page,
     * which only the package installs, is left out (bin/smoke-package verifies the installed
     * unit whole); nothing else is changed.
     */
    @Test
    void systemdAnalyzeVerifiesTheUnit() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
                "needs systemd-analyze (bin/install-test-deps installs systemd as root)");
        Path unit = dir.resolve("floatlb.service");
        Files.writeString(unit, Files.readString(UNIT)
                .replace("/usr/bin/floatlb", TOP.resolve("bin/floatlb").toString()).replace("man:floatlb(1) ", ""));
        Process p = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("systemd-analyze found nothing to say").isBlank();
    }

    @Test
    void theServiceRunsUnprivilegedWithOnlyTheNetworkCapabilitiesAndReloadsOnSighup() throws Exception {
        String unit = Files.readString(UNIT);
        assertThat(unit).contains("User=floatlb", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                "PrivateTmp=yes", "ExecReload=/bin/kill -HUP $MAINPID",
                "ExecStart=/usr/bin/floatlb run -c /etc/floatlb/floatlb.conf");
        String caps = "CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE";
        assertThat(unit).containsPattern("(?m)^CapabilityBoundingSet=" + caps + "$")
                .containsPattern("(?m)^AmbientCapabilities=" + caps + "$")
                .doesNotContainPattern("(?m)^User=root").doesNotContainPattern("(?m)^StandardOutput=");
    }
}
