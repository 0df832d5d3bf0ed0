package io.floatlb.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A LAN of network namespaces: one namespace per host, each with an {@code eth0} on a
 * bridge that lives in a namespace of its own, addresses from 198.18.0.0/24 and, for IPv6,
 * 2001:2::/64 (the benchmarking ranges of RFC 2544 and RFC 5180). Nothing is
 * created outside the namespaces, and {@link #close()} stops every process this network
 * started (by its handle, never by name) and deletes every namespace.
 */
public final class LabNetwork implements AutoCloseable {
    public static final String SUBNET = "198.18.0.";
    public static final String SUBNET6 = "2001:2::";
    private static final Pattern HOST = Pattern.compile("[a-z][a-z0-9]{0,7}");

    private final String prefix;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private LabNetwork(String prefix) {
        this.prefix = prefix;
    }

    /** @param hosts host name to last octet of its address */
    public static LabNetwork create(Map<String, Integer> hosts) {
        LabNetwork net = new LabNetwork("flb" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)));
        try {
            net.build(hosts);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    private void build(Map<String, Integer> hosts) {
        String lan = prefix + "-lan";
        addNamespace(lan);
        ip("-n", lan, "link", "add", "br0", "type", "bridge");
        ip("-n", lan, "link", "set", "br0", "up");
        for (Map.Entry<String, Integer> h : hosts.entrySet()) {
            if (!HOST.matcher(h.getKey()).matches()) {
                throw new IllegalArgumentException("lab host name '" + h.getKey() + "' must match " + HOST);
            }
            String ns = namespace(h.getKey());
            String address = SUBNET + h.getValue();
            addNamespace(ns);
            String port = prefix + "-" + h.getKey();
            ip("link", "add", port, "netns", lan, "type", "veth", "peer", "name", "eth0", "netns", ns);
            ip("-n", lan, "link", "set", port, "master", "br0", "up");
            ip("-n", ns, "addr", "add", address + "/24", "dev", "eth0");
            // nodad: usable at once, as on a LAN whose addresses are known to be unique
            ip("-n", ns, "addr", "add", SUBNET6 + h.getValue() + "/64", "dev", "eth0", "nodad");
            ip("-n", ns, "link", "set", "eth0", "up");
            ip("-n", ns, "link", "set", "lo", "up");
            addresses.put(h.getKey(), address);
        }
    }

    private void addNamespace(String ns) {
        ip("netns", "add", ns);
        namespaces.add(ns);
    }

    public String namespace(String host) {
        return prefix + "-" + host;
    }

    public String address(String host) {
        return addresses.get(host);
    }

    /** Starts a command inside a host's namespace, its output appended to {@code log}. */
    public Process start(String host, List<String> argv, Path log) {
        return launch(host, argv, new ProcessBuilder().redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
    }

    /** Starts a command whose output the caller reads. */
    public Process startPiped(String host, List<String> argv) {
        return launch(host, argv, new ProcessBuilder().redirectError(ProcessBuilder.Redirect.DISCARD));
    }

    private Process launch(String host, List<String> argv, ProcessBuilder builder) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
        cmd.addAll(argv);
        try {
            Process p = builder.command(cmd).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd + ": " + e.getMessage(), e);
        }
    }

    /** Runs a short command in a host's namespace and returns what it printed. */
    public String run(String host, String... argv) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
        cmd.addAll(List.of(argv));
        return exec(cmd);
    }

    /** The host's cable pulled: nothing in or out, while its processes keep running. */
    public void linkDown(String host) {
        ip("-n", namespace(host), "link", "set", "eth0", "down");
    }

    public void linkUp(String host) {
        ip("-n", namespace(host), "link", "set", "eth0", "up");
    }

    public String mac(String host) {
        String out = exec(List.of("ip", "-n", namespace(host), "-o", "link", "show", "eth0"));
        int at = out.indexOf("link/ether ");
        return at < 0 ? "" : out.substring(at + 11, at + 28);
    }

    /** The MAC a host's kernel has for an address, or "" when it has none. */
    public String neighbour(String host, String address) {
        String out = exec(List.of("ip", "-n", namespace(host), "neigh", "show", address));
        int at = out.indexOf("lladdr ");
        return at < 0 ? "" : out.substring(at + 7, at + 24);
    }

    public void flushNeighbours(String host) {
        ip("-n", namespace(host), "neigh", "flush", "dev", "eth0");
    }

    /** Stops a process gracefully (SIGTERM via its handle), then forcibly after a grace period. */
    public static void stop(Process p, long graceMillis) {
        ProcessHandle h = p.toHandle();
        h.descendants().forEach(ProcessHandle::destroy);
        h.destroy();
        try {
            if (!p.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            stop(processes.get(i), 3000);
        }
        processes.clear();
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            runQuietly(List.of("ip", "netns", "del", namespaces.get(i)));
        }
        namespaces.clear();
    }

    private static void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        exec(cmd);
    }

    private static String exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", cmd) + ": interrupted", e);
        }
    }

    private static void runQuietly(List<String> cmd) {
        try {
            exec(cmd);
        } catch (IllegalStateException ignored) {
            // already gone
        }
    }
}
