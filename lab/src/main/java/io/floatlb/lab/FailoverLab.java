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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Two floatlb nodes, a ZooKeeper host and a client on a namespace LAN, each node with an echo
 * backend of its own, VIPs 198.18.0.100:80 and [2001:2::100]:80 announced on eth0. Every process is a real
 * floatlb JVM started with this JVM's class path. The client's kernel resolves the VIP.
 */
public final class FailoverLab implements AutoCloseable {
    public static final String VIP = LabNetwork.SUBNET + "100";
    public static final String VIP6 = LabNetwork.SUBNET6 + "100";
    public static final List<String> NODES = List.of("n1", "n2");

    private final LabNetwork net;
    private final Path dir;
    private final Duration session;
    private final String policy;
    private final Map<String, Process> agents = new LinkedHashMap<>();
    private final Map<String, Process> backends = new LinkedHashMap<>();
    private final List<String> zooKeepers = new ArrayList<>();
    private final Map<String, Process> zooKeeperProcesses = new LinkedHashMap<>();
    private boolean keepalived;
    private String advertInterval = "1";
    private String nodeSettings = "";

    private FailoverLab(LabNetwork net, Path dir, Duration session, String policy) {
        this.net = net;
        this.dir = dir;
        this.session = session;
        this.policy = policy;
    }

    public static boolean possibleHere() {
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && isRoot();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean isRoot() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
    }

    public static FailoverLab start(Duration session, String policy) throws Exception {
        return start(session, policy, 1);
    }

    /** @param zooKeepers 1 for a standalone server, 3 for an ensemble (hosts zk1..zk3) */
    public static FailoverLab start(Duration session, String policy, int zooKeepers) throws Exception {
        Map<String, Integer> hosts = new LinkedHashMap<>();
        for (int i = 1; i <= zooKeepers; i++) {
            hosts.put("zk" + i, 1 + i);
        }
        hosts.put("n1", 11);
        hosts.put("n2", 12);
        hosts.put("cl", 50);
        LabNetwork net = LabNetwork.create(hosts);
        Path dir = Files.createTempDirectory("floatlb-lab");
        FailoverLab lab = new FailoverLab(net, dir, session, policy);
        try {
            for (int i = 1; i <= zooKeepers; i++) {
                lab.zooKeepers.add("zk" + i);
            }
            for (int i = 1; i <= zooKeepers; i++) {
                lab.startZooKeeper(i);
            }
            for (String n : NODES) {
                lab.startBackend(n);
                lab.startAgent(n);
            }
            if (!lab.awaitServed(Duration.ofSeconds(60)) || !lab.awaitServed(VIP6, Duration.ofSeconds(10))) {
                throw new IllegalStateException("the lab VIPs were not served within 60 s; logs in " + dir);
            }
        } catch (Exception e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void startZooKeeper(int id) {
        zooKeeperProcesses.put("zk" + id, Ensemble.start(net, dir, zooKeepers, id));
    }

    /** Stops one ZooKeeper server (SIGKILL: a crash, not a shutdown). */
    public void killZooKeeper(int id) throws InterruptedException {
        Process p = zooKeeperProcesses.remove("zk" + id);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
    }

    public void startBackend(String node) {
        backends.put(node, net.start(node, Jvm.floatlb("echo", "--listen", net.address(node) + ":8080", "--name",
                "echo-" + node, "--node", node), dir.resolve("echo-" + node + ".log")));
    }

    public void stopBackend(String node) {
        LabNetwork.stop(backends.remove(node), 3000);
    }

    /** Starts the node's VIP keeper: the floatlb agent, or keepalived once {@link #useKeepalived()} ran. */
    public void startAgent(String node) throws IOException {
        if (keepalived) {
            startKeepalived(node);
            return;
        }
        Path conf = dir.resolve(node + ".conf");
        Files.writeString(conf, config(node));
        agents.put(node, net.start(node, Jvm.floatlb("run", "-c", conf.toString()), dir.resolve(node + ".log")));
    }

    /**
     * The agents' last ownership and hand-over lines, node by node: what a failed assertion
     * shows, since the lab's logs are deleted with it.
     */
    public String events() {
        StringBuilder b = new StringBuilder();
        for (String node : NODES) {
            Path log = dir.resolve(node + ".log");
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log).stream()
                        .filter(l -> l.matches(".*(acquired|released|hand-over|joined|stopped|WARN|ERROR).*")).toList()
                        : List.of();
                lines.subList(Math.max(0, lines.size() - 25), lines.size()).forEach(l -> b.append(node).append(": ").append(l).append('\n'));
            } catch (IOException e) {
                b.append(node).append(": log unreadable: ").append(e.getMessage()).append('\n');
            }
        }
        return b.toString();
    }

    /** SIGTERM, as systemd would: the agent hands its VIPs over, drains and exits. */
    public void stopAgent(String node) {
        stopAgent(node, Duration.ofSeconds(10));
    }

    /** SIGTERM, then SIGKILL if the agent has not exited within {@code grace}; returns its exit code. */
    public int stopAgent(String node, Duration grace) {
        Process p = agents.remove(node);
        LabNetwork.stop(p, grace.toMillis());
        return p.isAlive() ? -1 : p.exitValue();
    }

    /** SIGTERM without waiting: the agent starts its stop (hand-over, drain) while the caller goes on. */
    public void beginStop(String node) {
        signal(node, "-TERM");
    }

    /** SIGKILL: the agent dies at once, as in a crash. */
    public void killAgent(String node) throws InterruptedException {
        Process p = agents.remove(node);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
    }

    /** Extra node settings (HOCON inside {@code floatlb { }}), in effect from each agent's next start. */
    public void nodeSettings(String hocon) {
        this.nodeSettings = hocon;
    }

    /**
     * Replaces the floatlb agents by keepalived (VRRP, nopreempt, the same VIP on
     * eth0) with an echo backend on port 80 of each node, so the same probes measure it.
     */
    public void useKeepalived(String advertSeconds) throws Exception {
        this.advertInterval = advertSeconds;
        for (String n : NODES) {
            stopAgent(n);
        }
        if (!vipHolders().isEmpty()) {
            throw new IllegalStateException("floatlb left the VIP configured on " + vipHolders());
        }
        keepalived = true;
        for (String n : NODES) {
            net.start(n, Jvm.floatlb("echo", "--listen", "0.0.0.0:80", "--name", "echo-" + n, "--node", n),
                    dir.resolve("echo80-" + n + ".log"));
            startAgent(n);
        }
        // VRRP elects a master only after three silent advertisement intervals.
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (vipHolders().size() != 1 && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        if (vipHolders().size() != 1) {
            throw new IllegalStateException("keepalived did not elect one master within 30 s: " + vipHolders());
        }
        net.flushNeighbours("cl");
        if (!awaitServed(Duration.ofSeconds(30))) {
            throw new IllegalStateException("keepalived did not bring up the VIP within 30 s; logs in " + dir);
        }
    }

    /** SIGSTOP: the agent freezes as in a long GC pause, its sockets open, its session ticking away. */
    public void pause(String node) {
        signal(node, "-STOP");
    }

    public void resume(String node) {
        signal(node, "-CONT");
    }

    private void signal(String node, String signal) {
        try {
            Process p = new ProcessBuilder("kill", signal, String.valueOf(agents.get(node).pid())).start();
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("kill " + signal + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Cuts one node off from ZooKeeper only: the LAN, the client and the other node still reach it. */
    public void cutFromZooKeeper(String node) {
        zooKeepers.forEach(z -> net.run(node, "ip", "route", "add", "blackhole", net.address(z) + "/32"));
    }

    public void restoreZooKeeper(String node) {
        zooKeepers.forEach(z -> net.run(node, "ip", "route", "del", "blackhole", net.address(z) + "/32"));
    }

    /**
     * Cuts the two nodes off from each other while both still reach ZooKeeper and the client:
     * each drops the other's packets (a blackhole route plus strict reverse-path filtering,
     * which also drops the other's multicast, such as VRRP advertisements).
     */
    public void partitionNodes() {
        for (String n : NODES) {
            net.run(n, "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=1", "net.ipv4.conf.eth0.rp_filter=1");
            net.run(n, "ip", "route", "add", "blackhole", net.address(NODES.get(0).equals(n) ? NODES.get(1) : NODES.get(0)) + "/32");
        }
    }

    public void healPartition() {
        for (String n : NODES) {
            net.run(n, "ip", "route", "del", "blackhole", net.address(NODES.get(0).equals(n) ? NODES.get(1) : NODES.get(0)) + "/32");
            net.run(n, "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.eth0.rp_filter=0");
        }
    }

    /** Makes the client's kernel ask for the VIP again and again, for a while. */
    public void keepAsking(Duration d) throws Exception {
        long until = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < until) {
            net.flushNeighbours("cl");
            probeOnce();
        }
    }

    /** The distinct MACs that claimed the VIP in a capture (questions are not claims). */
    public static long claimants(List<String> frames) {
        return frames.stream().map(f -> f.split(" ")).filter(f -> !f[2].equals("ask")).map(f -> f[1]).distinct().count();
    }

    /** A capture on the client of every ARP frame that claims the VIP: "epoch-millis mac op" lines. */
    public List<String> watchArp(Runnable during) throws Exception {
        Process p = net.startPiped("cl", Jvm.java(ArpWatch.class.getName(), "eth0", "100000", VIP));
        List<String> frames = new CopyOnWriteArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = r.readLine();
        if (!"ready".equals(first)) {
            LabNetwork.stop(p, 1000);
            throw new IllegalStateException("the ARP capture did not start: " + first);
        }
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    frames.add(line);
                }
            } catch (IOException ignored) {
                // capture stopped
            }
        });
        reader.start();
        try {
            during.run();
        } finally {
            LabNetwork.stop(p, 1000);
            reader.join(2000);
        }
        return new ArrayList<>(frames);
    }

    /** The nodes that have the VIP configured on any interface right now. */
    public List<String> vipHolders() {
        return NODES.stream().filter(n -> net.run(n, "ip", "-o", "addr", "show").contains(" " + VIP + "/")).toList();
    }

    private void startKeepalived(String node) throws IOException {
        Path conf = dir.resolve("keepalived-" + node + ".conf");
        Files.writeString(conf, """
                global_defs {
                  router_id %s
                  enable_script_security
                  vrrp_version %d
                }
                vrrp_instance lab {
                  state BACKUP
                  nopreempt
                  interface eth0
                  virtual_router_id 51
                  priority %d
                  advert_int %s
                  virtual_ipaddress {
                    %s/24 dev eth0
                  }
                }
                """.formatted(node, Double.parseDouble(advertInterval) < 1 ? 3 : 2, node.equals("n1") ? 150 : 100,
                advertInterval, VIP));
        agents.put(node, net.start(node, List.of("keepalived", "--dont-fork", "--log-console", "--vrrp",
                "--use-file", conf.toString(), "--pid", dir.resolve("ka-" + node + ".pid").toString(),
                "--vrrp_pid", dir.resolve("ka-vrrp-" + node + ".pid").toString()), dir.resolve("keepalived-" + node + ".log")));
    }

    public LabNetwork network() {
        return net;
    }

    /** Runs a floatlb command (status, reload) in a node's namespace, against that node's agent; returns its output. */
    public String floatlbOn(String node, String... args) {
        return net.run(node, Jvm.floatlb(args).toArray(String[]::new));
    }

    /** Edits a node's config file in place, as an operator would (written aside, then renamed over it). */
    public void editConfig(String node, UnaryOperator<String> edit) throws IOException {
        Path conf = dir.resolve(node + ".conf");
        Path next = dir.resolve(node + ".conf.new");
        Files.writeString(next, edit.apply(Files.readString(conf)));
        Files.move(next, conf, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private String config(String node) {
        StringBuilder endpoints = new StringBuilder();
        for (String n : NODES) {
            endpoints.append("{ address = \"").append(net.address(n)).append("\", node = ").append(n).append(" }\n");
        }
        String service = LabConfigs.service("{ port = 80, target-port = 8080 }", policy, endpoints.toString());
        return """
                floatlb {
                  node.name = %s
                  nodes = [n1, n2]
                  drain-timeout = 2s
                  coordination { zookeeper = "%s", session-timeout = %dms }
                  address-pools.lan.addresses = ["%s/32"]
                  address-pools.lan6.addresses = ["%s/128"]
                  l2-advertisements.adv { address-pools = [lan, lan6], interfaces = [eth0] }
                  services.echo { address-pool = lan, %s }
                  services.echo6 { address-pool = lan6, %s }
                  %s
                }
                """.formatted(node, Ensemble.connectString(net, zooKeepers),
                session.toMillis(), VIP, VIP6, service, service, nodeSettings);
    }

    /**
     * Opens {@code connections} long-lived connections from the client to the VIP, each
     * exchanging a request every {@code intervalMillis}, {@code exchanges} times; returns once
     * all are open.
     */
    public LongRun longConnections(int connections, int exchanges, long intervalMillis) throws Exception {
        return longConnections(VIP, connections, exchanges, intervalMillis);
    }

    public LongRun longConnections(String vip, int connections, int exchanges, long intervalMillis) throws Exception {
        Process p = net.startPiped("cl", Jvm.java(LongClient.class.getName(), vip, "80", String.valueOf(connections),
                String.valueOf(exchanges), String.valueOf(intervalMillis)));
        LongRun run = new LongRun(p);
        if (!run.ready.await(20, TimeUnit.SECONDS)) {
            LabNetwork.stop(p, 1000);
            throw new IllegalStateException("the long connections did not open within 20 s");
        }
        return run;
    }

    /** The long connections of {@link #longConnections}, read as they report. */
    public static final class LongRun {
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        private final Thread reader;

        LongRun(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.equals("ready")) {
                            ready.countDown();
                        } else {
                            lines.add(line);
                        }
                    }
                } catch (IOException ignored) {
                    // the client ended
                }
            });
            reader.start();
        }

        /** Waits for the end and returns every line: one per connection, then the summary. */
        public List<String> await(Duration max) throws InterruptedException {
            if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
                LabNetwork.stop(process, 1000);
            }
            reader.join(5000);
            return List.copyOf(lines);
        }

        /** A count from the summary line ("completed", "reset" or "failed"), -1 without one. */
        public static int count(List<String> lines, String what) {
            return lines.stream().filter(l -> l.startsWith("summary ")).flatMap(l -> java.util.Arrays.stream(l.split(" ")))
                    .filter(kv -> kv.startsWith(what + "=")).mapToInt(kv -> Integer.parseInt(kv.substring(what.length() + 1)))
                    .findFirst().orElse(-1);
        }
    }

    /** The backend that answers one probe from the client, or "FAIL". */
    public String probeOnce() throws Exception {
        return probeOnce(VIP);
    }

    public String probeOnce(String vip) throws Exception {
        Process p = net.startPiped("cl", Jvm.java(Prober.class.getName(), vip, "80", "20", "1"));
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            p.waitFor(10, TimeUnit.SECONDS);
            return line == null ? "FAIL" : line.substring(line.indexOf(' ') + 1);
        }
    }

    public boolean awaitServed(Duration max) throws Exception {
        return awaitServed(VIP, max);
    }

    public boolean awaitServed(String vip, Duration max) throws Exception {
        return within(max, () -> !probeOnce(vip).equals("FAIL"));
    }

    /** Until the node serves the VIP (bounded). */
    public boolean awaitOwner(String node, Duration max) throws Exception {
        return within(max, () -> owner().equals(node));
    }

    /** A condition of the lab, asked again and again. */
    public interface Check {
        boolean holds() throws Exception;
    }

    /** Asks {@code check} every 100 ms until it holds (true) or {@code max} has passed (false). */
    public static boolean within(Duration max, Check check) throws Exception {
        long until = System.nanoTime() + max.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() >= until) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** Which node serves the VIP now (each node forwards to its own echo backend under local policy). */
    public String owner() throws Exception {
        return owner(VIP);
    }

    public String owner(String vip) throws Exception {
        String backend = probeOnce(vip);
        return backend.startsWith("echo-") ? backend.substring(5) : backend;
    }

    /**
     * Probes every {@code intervalMillis} while {@code event} runs, and returns the outage:
     * from the first failed probe after the event to the first success after it (0 if no
     * probe failed), and which backend answered last.
     */
    public Outage measure(Runnable event, long intervalMillis, Duration window) throws Exception {
        return measure(VIP, event, intervalMillis, window);
    }

    public Outage measure(String vip, Runnable event, long intervalMillis, Duration window) throws Exception {
        int count = (int) (window.toMillis() / intervalMillis);
        Process p = net.startPiped("cl", Jvm.java(Prober.class.getName(), vip, "80", String.valueOf(intervalMillis),
                String.valueOf(count)));
        List<String[]> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line.split(" ", 2));
                }
            } catch (IOException ignored) {
                // the prober ended
            }
        });
        reader.start();
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (lines.size() < 10 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        long eventAt = lines.isEmpty() ? 0 : Long.parseLong(lines.get(lines.size() - 1)[0]);
        event.run();
        p.waitFor(window.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        reader.join(5000);
        return Outage.of(new ArrayList<>(lines), eventAt, intervalMillis);
    }

    /** What the client saw around an event. */
    public record Outage(long millis, int failedProbes, String servedBy, boolean recovered) {

        static Outage of(List<String[]> probes, long eventAt, long interval) {
            long firstFail = -1;
            long recoveredAt = -1;
            int failed = 0;
            String last = "FAIL";
            for (String[] p : probes) {
                long t = Long.parseLong(p[0]);
                if (t < eventAt) {
                    continue;
                }
                if (p[1].equals("FAIL")) {
                    failed++;
                    if (firstFail < 0) {
                        firstFail = t;
                    }
                    recoveredAt = -1;
                } else {
                    last = p[1];
                    if (firstFail >= 0 && recoveredAt < 0) {
                        recoveredAt = t;
                    }
                }
            }
            long outage = firstFail < 0 ? 0 : recoveredAt < 0 ? -1 : recoveredAt - firstFail;
            return new Outage(outage, failed, last, firstFail < 0 || recoveredAt >= 0);
        }
    }

    @Override
    public void close() {
        net.close();
        if (System.getenv("FLOATLB_LAB_KEEP_LOGS") != null) {
            System.err.println("lab logs kept in " + dir);
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // leftovers in /tmp are harmless
        }
    }
}
