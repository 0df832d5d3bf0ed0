package io.floatlb.lab;

import io.floatlb.daemon.Main;
import io.floatlb.daemon.cli.DurationConverter;
import io.floatlb.failover.address.Commands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Labs on network namespaces: real agents, a real ZooKeeper, a client whose ARP is the
 * kernel's. Not part of the product: {@code bin/floatlb lab ...} starts this entry point.
 */
@Command(name = "floatlb lab", mixinStandardHelpOptions = true, description = "Run a lab on network namespaces (root).",
        subcommands = {LabCommand.Failover.class, LabCommand.Chaos.class, LabCommand.Handover.class})
public final class LabCommand {

    /** Labs need root and iproute2; without them one line says so. */
    static boolean possibleHere(CommandSpec spec) {
        if (FailoverLab.possibleHere()) {
            return true;
        }
        spec.commandLine().getErr().println("floatlb lab: needs root and iproute2 (network namespaces)");
        return false;
    }

    public static void main(String[] args) {
        System.exit(Main.configure(new CommandLine(new LabCommand())).execute(args));
    }

    @Command(name = "chaos", mixinStandardHelpOptions = true,
            description = "3 nodes, a 3-server ensemble, 3 VIPs; seeded random faults; checks that no two nodes ever"
                    + " answer for one VIP and that no agent hangs or crashes.")
    static final class Chaos implements Callable<Integer> {

        @Option(names = "--faults", defaultValue = "20", description = "faults to inject (default ${DEFAULT-VALUE})")
        int faults;

        @Option(names = "--seed", defaultValue = "1", description = "seed of the fault sequence (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--session-timeout", defaultValue = "2s", converter = DurationConverter.class,
                description = "the agents' coordination.session-timeout (default ${DEFAULT-VALUE})")
        Duration session;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!possibleHere(spec)) {
                return 1;
            }
            System.out.printf("chaos: %d faults, seed %d, session %d ms; 3 nodes, 3 ZooKeeper servers, VIPs %s%n",
                    faults, seed, session.toMillis(), ChaosLab.VIPS);
            ChaosLab.Report r;
            try (ChaosLab lab = ChaosLab.start(session)) {
                r = lab.run(faults, seed, System.out::println);
            }
            System.out.print(r.table());
            r.dualClaimDetails().forEach(d -> System.out.println("two claimants: " + d));
            return r.dualClaims() == 0 && r.hangs() == 0 && r.crashes() == 0 ? 0 : 2;
        }
    }

    @Command(name = "handover", mixinStandardHelpOptions = true,
            description = "Long-lived connections through the VIP while its holder restarts: connections reset with"
                    + " floatlb's planned hand-over, then with keepalived moving the same VIP.")
    static final class Handover implements Callable<Integer> {

        @Option(names = "--connections", defaultValue = "50", description = "long-lived connections (default ${DEFAULT-VALUE})")
        int connections;

        @Option(names = "--rounds", defaultValue = "3", description = "restarts per keeper (default ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--keepalived", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "also restart keepalived in front of the same backends (default; --no-keepalived: floatlb only)")
        boolean keepalived;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!possibleHere(spec) || !Failover.ensure("nftables", "nft", spec)
                    || (keepalived && !Failover.ensure("keepalived", "keepalived", spec))) {
                return 1;
            }
            System.out.printf("handover: 2 nodes, 1 ZooKeeper, 1 client; %d connections to %s:80, a request every 100 ms"
                    + " each for 4 s; the VIP's holder restarts 1 s in%n", connections, FailoverLab.VIP);
            List<HandoverLab.Round> rounds = HandoverLab.run(connections, this.rounds, keepalived, System.out::println);
            for (String keeper : List.of("floatlb", "keepalived")) {
                List<HandoverLab.Round> of = rounds.stream().filter(r -> r.keeper().equals(keeper)).toList();
                if (!of.isEmpty()) {
                    System.out.printf("%s: %d of %d connections reset over %d restarts%n", keeper,
                            of.stream().mapToInt(HandoverLab.Round::reset).sum(),
                            of.stream().mapToInt(HandoverLab.Round::connections).sum(), of.size());
                }
            }
            return 0;
        }
    }

    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "Measure the outage a client sees when the VIP owner crashes (link down) or stops.")
    static final class Failover implements Callable<Integer> {

        @Option(names = "--runs", defaultValue = "5", description = "runs of each event (default ${DEFAULT-VALUE})")
        int runs;

        @Option(names = "--session-timeout", defaultValue = "1s", converter = DurationConverter.class,
                description = "the agents' coordination.session-timeout (default ${DEFAULT-VALUE})")
        Duration session;

        @Option(names = "--interval", defaultValue = "20", description = "client probe interval in ms (default ${DEFAULT-VALUE})")
        long interval;

        @Option(names = "--keepalived", description = "then run the same events against keepalived (VRRP, advert_int 1)")
        boolean keepalived;

        @Option(names = "--advert-int", defaultValue = "1",
                description = "keepalived's advert_int in seconds; below 1 uses VRRPv3 (default ${DEFAULT-VALUE})")
        String advertInt;

        @Option(names = "--idle-minutes", defaultValue = "0",
                description = "first watch an idle cluster this long and count VIP moves (default ${DEFAULT-VALUE})")
        int idleMinutes;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!possibleHere(spec)) {
                return 1;
            }
            if (keepalived && !ensure("keepalived", "keepalived", spec)) {
                return 2;
            }
            System.out.printf("lab: 2 nodes, 1 ZooKeeper, 1 client on 198.18.0.0/24; VIP %s; session %d ms; probe every %d ms%n",
                    FailoverLab.VIP, session.toMillis(), interval);
            List<String> summaries = new ArrayList<>();
            try (FailoverLab lab = FailoverLab.start(session, "local")) {
                if (idleMinutes > 0) {
                    summaries.add(idle(lab));
                }
                summaries.addAll(runs(lab, "floatlb"));
                if (keepalived) {
                    lab.useKeepalived(advertInt);
                    summaries.addAll(runs(lab, "keepalived advert_int " + advertInt));
                }
            }
            summaries.forEach(System.out::println);
            return 0;
        }

        /** An idle cluster must keep its VIP where it is: every ARP claim is captured, owner probed every second. */
        private String idle(FailoverLab lab) throws Exception {
            String start = lab.owner();
            int[] moves = {0};
            int[] probes = {0};
            List<String> frames = lab.watchArp(() -> {
                String last = start;
                long until = System.nanoTime() + Duration.ofMinutes(idleMinutes).toNanos();
                try {
                    while (System.nanoTime() < until) {
                        String now = lab.owner();
                        probes[0]++;
                        if (!now.equals(last)) {
                            moves[0]++;
                            last = now;
                        }
                        Thread.sleep(1000);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            return String.format("floatlb idle %d min: %d VIP move(s) in %d probes, %d node(s) claimed the VIP in %d ARP frames",
                    idleMinutes, moves[0], probes[0], FailoverLab.claimants(frames), frames.size());
        }

        private List<String> runs(FailoverLab lab, String keeper) throws Exception {
            List<Long> crash = new ArrayList<>();
            List<Long> graceful = new ArrayList<>();
            System.out.printf("%-10s %-4s %-9s %-6s %10s %8s  %s%n", "keeper", "run", "event", "owner", "outage_ms",
                    "failed", "then served by");
            for (int run = 1; run <= runs; run++) {
                String owner = lab.owner();
                FailoverLab.Outage o = lab.measure(() -> lab.network().linkDown(owner), interval, Duration.ofSeconds(10));
                report(keeper, run, "crash", owner, o, crash);
                lab.network().linkUp(owner);
                lab.awaitServed(Duration.ofSeconds(30));
                Thread.sleep(session.multipliedBy(3).toMillis() + 3000);

                String owner2 = lab.owner();
                FailoverLab.Outage g = lab.measure(() -> lab.stopAgent(owner2), interval, Duration.ofSeconds(8));
                report(keeper, run, "graceful", owner2, g, graceful);
                lab.startAgent(owner2);
                Thread.sleep(session.multipliedBy(3).toMillis() + 4000);
            }
            List<String> frames = lab.watchArp(() -> {
                try {
                    lab.partitionNodes();
                    // VRRP needs three missed advertisements (and skew) before a backup promotes itself.
                    Thread.sleep(5000);
                    lab.keepAsking(Duration.ofSeconds(5));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            lab.healPartition();
            long macs = FailoverLab.claimants(frames);
            System.out.printf("%-10s partition between the nodes: %d node(s) answered ARP for the VIP%n", keeper, macs);
            Thread.sleep(session.multipliedBy(3).toMillis() + 4000);
            return List.of(summary(keeper + " crash", crash), summary(keeper + " graceful", graceful),
                    keeper + " partition: " + (macs > 1 ? macs + " owners (split brain)" : macs + " owner"));
        }

        /** A tool the lab needs, installed with apt-get when missing; false with one line when it cannot be. */
        static boolean ensure(String pkg, String tool, CommandSpec spec) throws Exception {
            if (Commands.available(tool)) {
                return true;
            }
            System.out.println("lab: installing " + pkg + " (apt-get)");
            if (!installed(pkg, tool)) {
                spec.commandLine().getErr().println("floatlb lab: " + tool + " is missing and apt-get could not install " + pkg);
                return false;
            }
            return true;
        }


        private static boolean installed(String pkg, String tool) throws Exception {
            for (List<String> cmd : List.of(List.of("apt-get", "update", "-qq"),
                    List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", pkg))) {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    return false;
                }
            }
            return Commands.available(tool);
        }

        private static void report(String keeper, int run, String event, String owner, FailoverLab.Outage o,
                                   List<Long> into) {
            System.out.printf("%-10s %-4d %-9s %-6s %10s %8d  %s%n", keeper, run, event, owner,
                    o.recovered() ? String.valueOf(o.millis()) : "never", o.failedProbes(), o.servedBy());
            if (o.recovered()) {
                into.add(o.millis());
            }
        }

        private static String summary(String event, List<Long> values) {
            if (values.isEmpty()) {
                return event + ": no run recovered";
            }
            List<Long> sorted = values.stream().sorted().toList();
            long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
            return String.format("%s: median %d ms, min %d, max %d over %d runs", event, median, sorted.get(0),
                    sorted.get(sorted.size() - 1), sorted.size());
        }
    }
}
