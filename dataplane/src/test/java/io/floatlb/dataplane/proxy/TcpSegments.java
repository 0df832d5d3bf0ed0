package io.floatlb.dataplane.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How many segments carrying data a TCP socket has received, as the kernel counts them ({@code ss -ti}). */
final class TcpSegments {
    private static final Path SS = List.of(Path.of("/usr/bin/ss"), Path.of("/bin/ss"), Path.of("/usr/sbin/ss")).stream()
            .filter(Files::isExecutable).findFirst().orElse(null);
    private static final Pattern DATA_IN = Pattern.compile("\\bdata_segs_in:(\\d+)");

    private TcpSegments() {}

    static boolean available() {
        return SS != null;
    }

    /** The established socket from {@code localPort} to {@code remotePort} on this machine; 0 when it has received none. */
    static long dataIn(int localPort, int remotePort) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder(SS.toString(), "-H", "-t", "-i", "-n", "state", "established",
                "( sport = :" + localPort + " and dport = :" + remotePort + " )").redirectErrorStream(true).start();
        // One socket's line fits the pipe, so ss can end before it is read: the wait is the bound.
        if (!ss.waitFor(5, TimeUnit.SECONDS)) {
            ss.destroyForcibly();
            throw new IOException("ss did not answer within 5 s");
        }
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (ss.exitValue() != 0) {
            throw new IOException("ss failed: " + out);
        }
        if (out.isBlank()) {
            throw new IOException("no established socket from port " + localPort + " to port " + remotePort);
        }
        Matcher m = DATA_IN.matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
