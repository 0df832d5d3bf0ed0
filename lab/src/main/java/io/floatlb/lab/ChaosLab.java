package io.floatlb.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Three floatlb nodes, a three-server `floatlb zk` ensemble and a client on a namespace LAN,
 * three VIPs (two under {@code cluster}, one under {@code local}) served by an echo backend
 * on every node. Seeded random faults follow one another; the client probes every VIP on
 * fresh connections and captures every ARP frame about them, and after each fault the lab
 * checks its invariants: no two nodes answering for one VIP, no agent hung or crashed.
 */
public final class ChaosLab implements AutoCloseable {
    static final List<String> NODES = List.of("n1", "n2", "n3");
    static final List<String> ZOOKEEPERS = List.of("zk1", "zk2", "zk3");
    /** VIP to the traffic policy of its service. */
    static final Map<String, String> VIPS = vips();
    private static final long PROBE_INTERVAL_MILLIS = 100;
    private static final Duration SETTLE_MAX = Duration.ofSeconds(40);
    /** An agent's JVM, ZooKeeper session and admin API are up well within this. */
    private static final Duration START_MAX = Duration.ofSeconds(30);
    /** Two replies to one who-has within this are two nodes answering at once. */
    private static final long ANSWER_WINDOW_MILLIS = 200;

    /** What the lab does to the cluster, one at a time. */
    public enum Fault {
        /** The owner's cable pulled for longer than a session, then back. */
        LINK_FLAP,
        /** SIGKILL, then a restart. */
        KILL_RESTART,
        /** SIGSTOP past the session, then SIGCONT. */
        PAUSE,
        /** Two nodes cannot reach each other; both still reach ZooKeeper and the client. */
        NODE_PARTITION,
        /** One node cannot reach any ZooKeeper server for longer than a session. */
        ZOOKEEPER_PARTITION,
        /** One ZooKeeper server (the leader as likely as any) killed, then restarted. */
        ZOOKEEPER_KILL,
        /** One node's echo backend stopped, then started again. */
        ENDPOINT_DEATH,
        /** Ten reloads in two seconds that add and remove a port, then the original file. */
        RELOAD_STORM,
        /** One agent left a handful of file descriptors for a while. */
        FD_EXHAUSTION
    }

    /** One fault as it happened: what, where, and the longest outage a client saw of each VIP. */
    public record Event(int number, Fault fault, String target, Map<String, Long> outageMillis, List<String> problems) {}

    /** The whole run. */
    public record Report(List<Event> events, long dualClaims, List<String> dualClaimDetails, int hangs, int crashes,
                         Map<String, String> resources) {

        public long longestOutage(Fault f) {
            return events.stream().filter(e -> e.fault() == f)
                    .flatMap(e -> e.outageMillis().values().stream()).mapToLong(Long::longValue).max().orElse(0);
        }

        public String table() {
            StringBuilder out = new StringBuilder(String.format("%-20s %6s %20s%n", "fault", "count", "longest outage (ms)"));
            for (Fault f : Fault.values()) {
                long n = events.stream().filter(e -> e.fault() == f).count();
                if (n > 0) {
                    out.append(String.format("%-20s %6d %20d%n", f.name().toLowerCase(), n, longestOutage(f)));
                }
            }
            out.append(String.format("faults: %d; instants with two claimants for one VIP: %d; agents hung: %d; crashed: %d%n",
                    events.size(), dualClaims, hangs, crashes));
            resources.forEach((node, r) -> out.append(String.format("%s: %s%n", node, r)));
            return out.toString();
        }
    }

    private static Map<String, String> vips() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put(LabNetwork.SUBNET + "100", "cluster");
        v.put(LabNetwork.SUBNET + "101", "local");
        v.put(LabNetwork.SUBNET + "102", "cluster");
        return Collections.unmodifiableMap(v);
    }

    private final LabNetwork net;
    private final Path dir;
    private final Duration session;
    private final Map<String, Process> agents = new LinkedHashMap<>();
    private final Map<String, Process> backends = new LinkedHashMap<>();
    private final Map<String, Process> zooKeepers = new LinkedHashMap<>();
    private final Map<String, List<long[]>> probes = new LinkedHashMap<>();
    private final List<String[]> frames = new CopyOnWriteArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private volatile boolean capturing = true;

    private ChaosLab(LabNetwork net, Path dir, Duration session) {
        this.net = net;
        this.dir = dir;
        this.session = session;
    }

    public static ChaosLab start(Duration session) throws Exception {
        Map<String, Integer> hosts = new LinkedHashMap<>();
        for (int i = 0; i < ZOOKEEPERS.size(); i++) {
            hosts.put(ZOOKEEPERS.get(i), 2 + i);
        }
        for (int i = 0; i < NODES.size(); i++) {
            hosts.put(NODES.get(i), 11 + i);
        }
        hosts.put("cl", 50);
        LabNetwork net = LabNetwork.create(hosts);
        ChaosLab lab = new ChaosLab(net, Files.createTempDirectory("floatlb-chaos"), session);
        try {
            for (int id = 1; id <= ZOOKEEPERS.size(); id++) {
                lab.zooKeepers.put(ZOOKEEPERS.get(id - 1), Ensemble.start(net, lab.dir, ZOOKEEPERS, id));
            }
            for (String n : NODES) {
                lab.startBackend(n);
                Files.writeString(lab.conf(n), lab.config(n, false));
                lab.startAgent(n);
            }
            lab.watch();
            if (!lab.awaitServedAfter(System.currentTimeMillis(), Duration.ofSeconds(90))) {
                throw new IllegalStateException("the chaos lab's VIPs were not served within 90 s; logs in " + lab.dir);
            }
            // Served VIPs come before an agent's admin API: a first fault injected while an
            // agent is still starting (fd exhaustion as it creates its admin event loop) would
            // count a failed start as a hang.
            for (String n : NODES) {
                if (!lab.answers(n)) {
                    throw new IllegalStateException("agent " + n + " did not finish starting; logs in " + lab.dir);
                }
            }
        } catch (Exception e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /** Runs {@code count} faults chosen by {@code seed}; every kind comes once in each round of nine, in a seeded order. */
    public Report run(int count, long seed, Consumer<String> progress) throws Exception {
        Random random = new Random(seed);
        Map<String, String> before = resources();
        List<Event> events = new ArrayList<>();
        List<Fault> order = new ArrayList<>();
        int hangs = 0;
        int crashes = 0;
        for (int i = 1; i <= count; i++) {
            if (order.isEmpty()) {
                order.addAll(List.of(Fault.values()));
                Collections.shuffle(order, random);
            }
            crashes += restartCrashed(progress);
            Fault fault = order.remove(0);
            long start = System.currentTimeMillis();
            String target = inject(fault, random);
            long restored = System.currentTimeMillis();
            List<String> problems = new ArrayList<>();
            if (!awaitServedAfter(restored, SETTLE_MAX)) {
                problems.add("not every VIP served within " + SETTLE_MAX.toSeconds() + " s after the fault");
            }
            for (String n : NODES) {
                if (!answers(n)) {
                    hangs++;
                    problems.add(n + " hung: its admin API did not answer /healthz and POST /reload within "
                            + START_MAX.toSeconds() + " s");
                }
            }
            Event e = new Event(i, fault, target, outages(start, System.currentTimeMillis()), problems);
            events.add(e);
            progress.accept(String.format("%3d %-20s %-4s outage %s%s", i, fault.name().toLowerCase(), target,
                    e.outageMillis(), problems.isEmpty() ? "" : " " + problems));
        }
        crashes += restartCrashed(progress);
        Map<String, String> resources = new LinkedHashMap<>();
        Map<String, String> after = resources();
        for (String n : NODES) {
            resources.put(n, "before " + before.get(n) + ", after " + after.get(n));
        }
        List<String> duals = dualClaims();
        return new Report(events, duals.size(), duals, hangs, crashes, resources);
    }

    private String inject(Fault fault, Random random) throws Exception {
        long past = session.toMillis() + 1_000;
        switch (fault) {
            case LINK_FLAP -> {
                String n = ownerOf(pick(random, List.copyOf(VIPS.keySet())));
                net.linkDown(n);
                Thread.sleep(past);
                net.linkUp(n);
                return n;
            }
            case KILL_RESTART -> {
                String n = pick(random, NODES);
                Process p = agents.remove(n);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                Thread.sleep(1_000);
                startAgent(n);
                return n;
            }
            case PAUSE -> {
                String n = pick(random, NODES);
                signal(agents.get(n), "-STOP");
                Thread.sleep(past);
                signal(agents.get(n), "-CONT");
                return n;
            }
            case NODE_PARTITION -> {
                List<String> pair = new ArrayList<>(NODES);
                Collections.shuffle(pair, random);
                String a = pair.get(0);
                String b = pair.get(1);
                blackhole(a, List.of(b), "add");
                blackhole(b, List.of(a), "add");
                Thread.sleep(4_000);
                blackhole(a, List.of(b), "del");
                blackhole(b, List.of(a), "del");
                return a + b;
            }
            case ZOOKEEPER_PARTITION -> {
                String n = pick(random, NODES);
                blackhole(n, ZOOKEEPERS, "add");
                Thread.sleep(past);
                blackhole(n, ZOOKEEPERS, "del");
                return n;
            }
            case ZOOKEEPER_KILL -> {
                int id = 1 + random.nextInt(ZOOKEEPERS.size());
                String z = ZOOKEEPERS.get(id - 1);
                Process p = zooKeepers.remove(z);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                Thread.sleep(3_000);
                zooKeepers.put(z, Ensemble.start(net, dir, ZOOKEEPERS, id));
                return z;
            }
            case ENDPOINT_DEATH -> {
                String n = pick(random, NODES);
                LabNetwork.stop(backends.remove(n), 3_000);
                Thread.sleep(3_000);
                startBackend(n);
                return n;
            }
            case RELOAD_STORM -> {
                String n = pick(random, NODES);
                for (int i = 0; i < 10; i++) {
                    replaceConfig(n, config(n, i % 2 == 0));
                    Thread.sleep(200);
                }
                replaceConfig(n, config(n, false));
                return n;
            }
            case FD_EXHAUSTION -> {
                String n = pick(random, NODES);
                Process p = agents.get(n);
                long open;
                try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(p.pid()), "fd"))) {
                    open = fds.count();
                }
                String original = openFilesLimit(p);
                // Only the soft limit: a lowered hard limit cannot be raised again without CAP_SYS_RESOURCE.
                prlimit(p, open + ":" + original.split(":")[1]);
                Thread.sleep(3_000);
                prlimit(p, original);
                return n;
            }
            default -> throw new IllegalStateException("no such fault: " + fault);
        }
    }

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }

    /** A crash the lab did not cause is counted, then repaired so that the run goes on. */
    private int restartCrashed(Consumer<String> progress) throws IOException {
        int crashed = 0;
        for (String n : NODES) {
            Process p = agents.get(n);
            if (p != null && !p.isAlive()) {
                crashed++;
                progress.accept("agent " + n + " exited by itself (exit " + p.exitValue() + "); restarting it; log "
                        + dir.resolve(n + ".log"));
                startAgent(n);
            }
        }
        return crashed;
    }

    /**
     * The agent's admin API answers a liveness probe and a reload, each within 5 s, by
     * {@link #START_MAX} at the latest (an agent the fault restarted is still starting).
     */
    private boolean answers(String node) throws InterruptedException {
        long until = System.nanoTime() + START_MAX.toNanos();
        do {
            try {
                String health = net.run(node, "curl", "-s", "-m", "5", "http://127.0.0.1:9180/healthz");
                String reload = net.run(node, "curl", "-s", "-m", "5", "-X", "POST", "http://127.0.0.1:9180/reload");
                if (health.startsWith("ok") && (reload.startsWith("unchanged") || reload.startsWith("applied"))) {
                    return true;
                }
            } catch (IllegalStateException notYet) {
                // curl failed: not listening yet, or hung; asked again until the bound
            }
            Thread.sleep(500);
        } while (System.nanoTime() < until);
        return false;
    }

    private void startAgent(String node) throws IOException {
        agents.put(node, net.start(node, Jvm.floatlb("run", "-c", conf(node).toString()), dir.resolve(node + ".log")));
    }

    private void startBackend(String node) {
        backends.put(node, net.start(node, Jvm.floatlb("echo", "--listen", net.address(node) + ":8080", "--name",
                "echo-" + node, "--node", node), dir.resolve("echo-" + node + ".log")));
    }

    private Path conf(String node) {
        return dir.resolve(node + ".conf");
    }

    private void replaceConfig(String node, String content) throws IOException {
        Path next = dir.resolve(node + ".conf.new");
        Files.writeString(next, content);
        Files.move(next, conf(node), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** @param extraPort whether the first service also listens on port 81 (what a reload storm toggles) */
    private String config(String node, boolean extraPort) {
        String endpoints = NODES.stream().map(n -> "{ address = \"" + net.address(n) + "\", node = " + n + " }")
                .collect(Collectors.joining(", "));
        StringBuilder services = new StringBuilder();
        int i = 0;
        for (Map.Entry<String, String> v : VIPS.entrySet()) {
            String ports = "{ port = 80, target-port = 8080 }" + (i == 0 && extraPort ? ", { port = 81, target-port = 8080 }" : "");
            services.append("v").append(i++).append(" {\n  vip = \"").append(v.getKey()).append("\"\n")
                    .append(LabConfigs.service(ports, v.getValue(), endpoints)).append("}\n");
        }
        return """
                floatlb {
                  node.name = %s
                  nodes = [%s]
                  drain-timeout = 1s
                  coordination { zookeeper = "%s", session-timeout = %dms }
                  address-pools.lan.addresses = ["%s-%s"]
                  l2-advertisements.adv { address-pools = [lan], interfaces = [eth0] }
                  services {
                %s
                  }
                }
                """.formatted(node, String.join(", ", NODES), Ensemble.connectString(net, ZOOKEEPERS), session.toMillis(),
                List.copyOf(VIPS.keySet()).get(0), List.copyOf(VIPS.keySet()).get(VIPS.size() - 1), services);
    }

    private void blackhole(String node, List<String> peers, String addOrDel) {
        for (String p : peers) {
            net.run(node, "ip", "route", addOrDel, "blackhole", net.address(p) + "/32");
        }
    }

    private static void signal(Process p, String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", signal, String.valueOf(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
    }

    /** @param limit "soft:hard" */
    private static void prlimit(Process p, String limit) throws IOException, InterruptedException {
        new ProcessBuilder("prlimit", "--pid", String.valueOf(p.pid()), "--nofile=" + limit)
                .redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
    }

    /** "soft:hard" of the process's open-files limit, as /proc shows it. */
    private static String openFilesLimit(Process p) throws IOException {
        String line = Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "limits")).stream()
                .filter(l -> l.startsWith("Max open files")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no open-files limit for " + p.pid()));
        String[] f = line.substring("Max open files".length()).trim().split("\\s+");
        return f[0] + ":" + f[1];
    }

    /** The node that last claimed the VIP on the LAN (the capture's word), else the first node. */
    private String ownerOf(String vip) {
        List<String[]> seen = List.copyOf(frames);
        for (int i = seen.size() - 1; i >= 0; i--) {
            String[] f = seen.get(i);
            if (f[3].equals(vip) && !f[2].equals("ask")) {
                for (String n : NODES) {
                    if (net.mac(n).equals(f[1])) {
                        return n;
                    }
                }
            }
        }
        return NODES.get(0);
    }

    /**
     * The client: one prober per VIP (fresh connections every 100 ms), an ARP capture of every
     * frame about the VIPs, and a neighbour flush every 300 ms so that the client's kernel keeps
     * asking who has them.
     */
    private void watch() throws IOException {
        long count = TimeUnit.HOURS.toMillis(12) / PROBE_INTERVAL_MILLIS;
        for (String vip : VIPS.keySet()) {
            List<long[]> seen = new CopyOnWriteArrayList<>();
            probes.put(vip, seen);
            Process p = net.startPiped("cl", Jvm.java(Prober.class.getName(), vip, "80",
                    String.valueOf(PROBE_INTERVAL_MILLIS), String.valueOf(count)));
            read(p, line -> {
                String backend = line.substring(line.indexOf(' ') + 1);
                int node = backend.startsWith("echo-") ? NODES.indexOf(backend.substring(5)) + 1 : 0;
                seen.add(new long[] {System.currentTimeMillis(), node});
            });
        }
        List<String> args = new ArrayList<>(List.of("eth0", "100000000"));
        args.addAll(VIPS.keySet());
        Process capture = net.startPiped("cl", Jvm.java(ArpWatch.class.getName(), args.toArray(String[]::new)));
        BufferedReader r = new BufferedReader(new InputStreamReader(capture.getInputStream(), StandardCharsets.UTF_8));
        String first = r.readLine();
        if (!"ready".equals(first)) {
            throw new IllegalStateException("the ARP capture did not start: " + first);
        }
        read(r, line -> frames.add(line.split(" ")));
        Thread flusher = new Thread(() -> {
            while (capturing) {
                try {
                    net.flushNeighbours("cl");
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                } catch (IllegalStateException e) {
                    // the lab is being torn down
                }
            }
        }, "chaos-neigh-flush");
        flusher.setDaemon(true);
        flusher.start();
        readers.add(flusher);
    }

    private void read(Process p, Consumer<String> each) {
        read(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)), each);
    }

    private void read(BufferedReader r, Consumer<String> each) {
        Thread t = new Thread(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    each.accept(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "chaos-reader");
        t.setDaemon(true);
        t.start();
        readers.add(t);
    }

    /** Every VIP answered a probe after {@code since}. */
    private boolean awaitServedAfter(long since, Duration max) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < until) {
            if (probes.values().stream().allMatch(seen -> seen.stream().anyMatch(p -> p[0] > since && p[1] > 0))) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Per VIP, the longest time between a failed probe and the next answered one, from {@code from} to {@code to}. */
    private Map<String, Long> outages(long from, long to) {
        Map<String, Long> longest = new LinkedHashMap<>();
        probes.forEach((vip, seen) -> {
            long worst = 0;
            long failingSince = -1;
            for (long[] p : seen) {
                if (p[0] < from || p[0] > to) {
                    continue;
                }
                if (p[1] == 0 && failingSince < 0) {
                    failingSince = p[0];
                } else if (p[1] > 0 && failingSince >= 0) {
                    worst = Math.max(worst, p[0] - failingSince);
                    failingSince = -1;
                }
            }
            longest.put(vip, failingSince >= 0 ? Math.max(worst, to - failingSince) : worst);
        });
        return longest;
    }

    /**
     * Instants at which two nodes answered for one VIP, from the capture: two different MACs
     * replying to the same who-has (within {@value #ANSWER_WINDOW_MILLIS} ms, before the next
     * one), or a node claiming the VIP again after another node claimed it, within a second.
     */
    List<String> dualClaims() {
        return dualClaims(List.copyOf(frames));
    }

    static List<String> dualClaims(List<String[]> frames) {
        List<String> found = new ArrayList<>();
        Map<String, long[]> askAt = new LinkedHashMap<>();
        Map<String, List<String>> answeredBy = new LinkedHashMap<>();
        Map<String, List<String[]>> claims = new LinkedHashMap<>();
        for (String[] f : frames) {
            long t = Long.parseLong(f[0]);
            String mac = f[1];
            String op = f[2];
            String vip = f[3];
            if (op.equals("ask")) {
                askAt.put(vip, new long[] {t});
                answeredBy.put(vip, new ArrayList<>());
                continue;
            }
            long[] ask = askAt.get(vip);
            if (op.equals("reply") && ask != null && t - ask[0] <= ANSWER_WINDOW_MILLIS) {
                List<String> macs = answeredBy.get(vip);
                if (!macs.contains(mac)) {
                    macs.add(mac);
                    if (macs.size() == 2) {
                        found.add(vip + " at " + t + ": " + macs + " both answered one who-has");
                    }
                }
            }
            List<String[]> seq = claims.computeIfAbsent(vip, v -> new ArrayList<>());
            if (seq.isEmpty() || !seq.get(seq.size() - 1)[1].equals(mac)) {
                seq.add(f);
                int n = seq.size();
                if (n >= 3 && seq.get(n - 3)[1].equals(mac) && t - Long.parseLong(seq.get(n - 3)[0]) <= 1_000) {
                    found.add(vip + " at " + t + ": " + mac + " claimed it again after " + seq.get(n - 2)[1]);
                }
            }
        }
        return found;
    }

    /** File descriptors and threads of each agent now. */
    private Map<String, String> resources() throws IOException {
        Map<String, String> r = new LinkedHashMap<>();
        for (String n : NODES) {
            Process p = agents.get(n);
            Path proc = Path.of("/proc", String.valueOf(p.pid()));
            long fds;
            try (Stream<Path> list = Files.list(proc.resolve("fd"))) {
                fds = list.count();
            }
            String threads = Files.readAllLines(proc.resolve("status")).stream().filter(l -> l.startsWith("Threads:"))
                    .map(l -> l.substring(8).trim()).findFirst().orElse("?");
            r.put(n, fds + " fds " + threads + " threads");
        }
        return r;
    }

    public Path logs() {
        return dir;
    }

    @Override
    public void close() {
        capturing = false;
        for (String n : NODES) {
            Process p = agents.get(n);
            if (p != null && p.isAlive()) {
                try {
                    signal(p, "-CONT"); // a paused agent must be able to hear its SIGTERM
                } catch (IOException | InterruptedException ignored) {
                    // it is stopped forcibly below anyway
                }
            }
        }
        net.close();
        readers.forEach(Thread::interrupt);
        if (System.getenv("FLOATLB_LAB_KEEP_LOGS") != null) {
            System.err.println("chaos lab logs kept in " + dir);
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // leftovers in /tmp are harmless
        }
    }
}
