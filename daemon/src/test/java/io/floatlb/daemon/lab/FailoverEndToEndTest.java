package io.floatlb.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Two agents, a ZooKeeper and a client in network namespaces, with the client's kernel
 * doing ARP. Needs root; elsewhere every test is skipped with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class FailoverEndToEndTest {
    private static final Duration SESSION = Duration.ofMillis(1000);
    private FailoverLab lab;

    @BeforeAll
    void startLab() throws Exception {
        assumeTrue(FailoverLab.possibleHere(), "needs root and iproute2 for network namespaces (CI runs it as root)");
        lab = FailoverLab.start(SESSION, "local");
    }

    @AfterAll
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private String other(String node) {
        return node.equals("n1") ? "n2" : "n1";
    }

    private boolean awaitServedBy(String node, Duration max) throws Exception {
        long until = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < until) {
            if (lab.owner().equals(node)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Test
    @Order(1)
    void theClientsKernelResolvesTheVipToTheOwnersMacAndGetsAnEcho() throws Exception {
        lab.network().flushNeighbours("cl");
        String owner = lab.owner();
        assertThat(owner).isIn(FailoverLab.NODES);
        assertThat(lab.network().neighbour("cl", FailoverLab.VIP)).isEqualTo(lab.network().mac(owner));
    }

    @Test
    @Order(2)
    void aCrashedOwnerIsReplacedByTheOtherNode() throws Exception {
        String owner = lab.owner();
        FailoverLab.Outage o = lab.measure(() -> lab.network().linkDown(owner), 20, Duration.ofSeconds(6));
        try {
            assertThat(o.recovered()).as("the VIP is served again").isTrue();
            assertThat(o.servedBy()).isEqualTo("echo-" + other(owner));
            assertThat(lab.network().neighbour("cl", FailoverLab.VIP)).isEqualTo(lab.network().mac(other(owner)));
        } finally {
            lab.network().linkUp(owner);
        }
        Thread.sleep(SESSION.multipliedBy(3).toMillis());
    }

    @Test
    @Order(3)
    void aGracefulStopHandsTheVipOver() throws Exception {
        String owner = lab.owner();
        FailoverLab.Outage o = lab.measure(() -> lab.stopAgent(owner), 20, Duration.ofSeconds(5));
        lab.startAgent(owner);
        assertThat(o.recovered()).isTrue();
        assertThat(o.servedBy()).isEqualTo("echo-" + other(owner));
        assertThat(o.millis()).as("graceful hand-over outage (ms)").isLessThan(500);
    }

    @Test
    @Order(4)
    void withLocalPolicyTheVipMovesToTheNodeThatStillHasEndpoints() throws Exception {
        String owner = lab.owner();
        assertThat(awaitServedBy(owner, Duration.ofSeconds(5))).isTrue();
        Thread.sleep(SESSION.multipliedBy(3).toMillis());
        lab.stopBackend(owner);
        try {
            assertThat(awaitServedBy(other(owner), Duration.ofSeconds(15))).isTrue();
            assertThat(lab.network().neighbour("cl", FailoverLab.VIP)).isEqualTo(lab.network().mac(other(owner)));
            // The node without endpoints stays silent: a fresh resolution still finds the other node.
            lab.network().flushNeighbours("cl");
            assertThat(lab.owner()).isEqualTo(other(owner));
            assertThat(lab.network().neighbour("cl", FailoverLab.VIP)).isEqualTo(lab.network().mac(other(owner)));
        } finally {
            lab.startBackend(owner);
        }
    }
}
