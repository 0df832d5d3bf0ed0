package io.floatlb.failover.announce;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Points pcap4j at the system's libpcap. Debian's runtime package ships only the versioned
 * {@code libpcap.so.0.8}; the unversioned name pcap4j looks for comes with the -dev package.
 */
public final class Libpcap {
    private static final String PROPERTY = "org.pcap4j.core.pcapLibName";
    private static final List<String> CANDIDATES = List.of(
            "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8",
            "/usr/lib/aarch64-linux-gnu/libpcap.so.0.8",
            "/usr/lib64/libpcap.so.1",
            "/usr/lib/libpcap.so.0.8");

    private Libpcap() {}

    /** Whether the system has a libpcap pcap4j can load. */
    public static boolean present() {
        String chosen = System.getProperty(PROPERTY);
        return chosen != null ? Files.exists(Path.of(chosen)) : CANDIDATES.stream().anyMatch(p -> Files.exists(Path.of(p)));
    }

    public static void locate() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        CANDIDATES.stream().filter(p -> Files.exists(Path.of(p))).findFirst()
                .ifPresent(p -> System.setProperty(PROPERTY, p));
    }
}
