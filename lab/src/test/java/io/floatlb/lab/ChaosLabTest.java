package io.floatlb.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A short seeded chaos run (every kind of fault twice): the cluster never has two nodes
 * answering for one VIP, no agent hangs or crashes, and every VIP is served again after
 * every fault. The README shows a run of 200 faults.
 */
@Timeout(900)
class ChaosLabTest {

    @Test
    void everyKindOfFaultTwiceLeavesOneOwnerPerVipAndNoHungOrCrashedAgent() throws Exception {
        assumeTrue(FailoverLab.possibleHere(), "needs root and iproute2 for network namespaces (CI runs it as root)");
        ChaosLab.Report r;
        try (ChaosLab lab = ChaosLab.start(Duration.ofSeconds(2))) {
            r = lab.run(2 * ChaosLab.Fault.values().length, 20261127L, System.out::println);
        }
        System.out.print(r.table());
        assertThat(r.events()).hasSize(18);
        assertThat(r.dualClaimDetails()).as("instants with two claimants for one VIP").isEmpty();
        assertThat(r.hangs()).as("agents hung").isZero();
        assertThat(r.crashes()).as("agents crashed").isZero();
        assertThat(r.events()).as("every VIP served again after every fault")
                .allSatisfy(e -> assertThat(e.problems()).isEmpty());
    }

    @Test
    void twoNodesAnsweringOneWhoHasOrInterleavingClaimsCountAsDualClaims() {
        List<String[]> oneAnswerer = List.of(f("1000 cc ask v"), f("1002 aa reply v"), f("1300 cc ask v"), f("1301 aa reply v"));
        assertThat(ChaosLab.dualClaims(oneAnswerer)).isEmpty();
        List<String[]> handover = List.of(f("1000 aa request v"), f("1050 aa request v"), f("3000 bb request v"),
                f("3050 bb request v"), f("3200 cc ask v"), f("3201 bb reply v"));
        assertThat(ChaosLab.dualClaims(handover)).isEmpty();
        List<String[]> twoAnswers = List.of(f("1000 cc ask v"), f("1001 aa reply v"), f("1002 bb reply v"));
        assertThat(ChaosLab.dualClaims(twoAnswers)).hasSize(1);
        List<String[]> flipBack = List.of(f("1000 aa request v"), f("1100 bb request v"), f("1200 aa request v"));
        assertThat(ChaosLab.dualClaims(flipBack)).hasSize(1);
    }

    private static String[] f(String line) {
        return line.split(" ");
    }
}
