package io.floatlb.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three `floatlb zk` servers in their own namespaces: losing one of them must change nothing.
 * With a 3 s session, as the README advises for ensembles: the ZooKeeper client waits a
 * random 0-1 s before it reconnects to another server, so with 1 s sessions a node that was
 * connected to the lost server can lose its session (and its VIPs, safely) now and then.
 */
@Timeout(240)
class EnsembleEndToEndTest {

    @Test
    void losingOneServerOfThreeMovesNoVipAndSplitsNothing() throws Exception {
        assumeTrue(FailoverLab.possibleHere(), "needs root and iproute2 for network namespaces (CI runs it as root)");
        try (FailoverLab lab = FailoverLab.start(Duration.ofSeconds(3), "local", 3)) {
            String owner = lab.owner();
            List<String> seen = new ArrayList<>();
            List<String> frames = lab.watchArp(() -> {
                try {
                    // Servers starting together with equal histories elect the highest id (zk3): zk1
                    // is a follower.
                    lab.killZooKeeper(1);
                    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    while (System.nanoTime() < until) {
                        seen.add(lab.owner());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(seen).as("who served each probe after the server was lost").isNotEmpty()
                    .allMatch(owner::equals);
            assertThat(FailoverLab.claimants(frames)).as("nodes claiming the VIP: %s", frames).isEqualTo(1);
        }
    }
}
