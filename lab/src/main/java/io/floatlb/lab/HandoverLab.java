package io.floatlb.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The planned-restart comparison: N long-lived connections through the VIP (a request every
 * 100 ms each) while the VIP's holder is restarted, once with floatlb's hand-over and once
 * with keepalived moving the same VIP in the same namespaces; it counts the connections reset.
 */
public final class HandoverLab {
    private static final int EXCHANGES = 40;
    private static final long INTERVAL_MILLIS = 100;

    private HandoverLab() {}

    /** One restart: which keeper, and what the connections saw. */
    public record Round(String keeper, int round, int connections, int completed, int reset, int failed) {
        @Override
        public String toString() {
            return String.format("%-10s round %d: %d connections, %d completed, %d reset, %d failed otherwise",
                    keeper, round, connections, completed, reset, failed);
        }
    }

    /** Runs {@code rounds} planned restarts with floatlb, then (if asked) with keepalived; prints each round. */
    public static List<Round> run(int connections, int rounds, boolean keepalived, Consumer<String> out) throws Exception {
        List<Round> all = new ArrayList<>();
        try (FailoverLab lab = FailoverLab.start(Duration.ofSeconds(1), "local")) {
            lab.nodeSettings("drain-timeout = 30s");
            for (String n : FailoverLab.NODES) {
                lab.stopAgent(n);
                lab.startAgent(n);
            }
            requireServed(lab);
            for (int r = 1; r <= rounds; r++) {
                all.add(restart(lab, "floatlb", r, connections, lab.owner(), out));
            }
            if (keepalived) {
                lab.useKeepalived("1");
                for (int r = 1; r <= rounds; r++) {
                    all.add(restart(lab, "keepalived", r, connections, lab.vipHolders().get(0), out));
                }
            }
        }
        return all;
    }

    private static Round restart(FailoverLab lab, String keeper, int round, int connections, String holder,
                                 Consumer<String> out) throws Exception {
        FailoverLab.LongRun run = lab.longConnections(connections, EXCHANGES, INTERVAL_MILLIS);
        Thread.sleep(1000);
        lab.stopAgent(holder, Duration.ofSeconds(60));
        lab.startAgent(holder);
        List<String> report = run.await(Duration.ofSeconds(90));
        requireServed(lab);
        Thread.sleep(3000); // the restarted node settles before the next round
        int completed = FailoverLab.LongRun.count(report, "completed");
        int reset = FailoverLab.LongRun.count(report, "reset");
        Round r = new Round(keeper, round, connections, completed, reset, connections - completed - reset);
        out.accept(r.toString());
        return r;
    }

    private static void requireServed(FailoverLab lab) throws Exception {
        if (!lab.awaitServed(Duration.ofSeconds(30))) {
            throw new IllegalStateException("the VIP was not served again within 30 s");
        }
    }
}
