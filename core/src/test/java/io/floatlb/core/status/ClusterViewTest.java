package io.floatlb.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.floatlb.core.config.ConfigLoader;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.election.MemberState;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterViewTest {
    private final FloatlbConfig config;

    ClusterViewTest() throws Exception {
        config = ConfigLoader.parseString("""
                floatlb {
                  node.name = n1
                  services.web {
                    vip = "127.0.0.10"
                    ports = [{ port = 80, target-port = 8080 }, { port = 53, target-port = 5353, protocol = UDP }]
                    endpoints = [
                      { address = "127.0.0.11", node = n1 }
                      { address = "127.0.0.12", node = n2 }
                      { address = "127.0.0.13", node = n2 }
                      { address = "127.0.0.14", node = n3 }
                    ]
                  }
                }
                """, "view.conf").config();
    }

    private static MemberState member(String node, String digest, int healthy, int total) {
        return new MemberState(node, digest, Map.of("web", new MemberState.EndpointCount(healthy, total)));
    }

    private static final ClusterView.LocalView NOTHING_CHECKED_HERE = new ClusterView.LocalView() {
        @Override
        public int healthyHere(String service, String node) {
            return node.equals("n3") ? 1 : -1;
        }

        @Override
        public int activeConnections(String service) {
            return 7;
        }
    };

    @Test
    void eachNodeReportsItsOwnEndpointsAndTheOddDigestIsDrift() {
        String mine = config.digest();
        ClusterView view = ClusterView.of(config,
                Map.of("n1", member("n1", mine, 1, 1), "n2", member("n2", "other", 1, 2),
                        "n4", new MemberState("n4", mine, Map.of())),
                vip -> Optional.of("n2"), NOTHING_CHECKED_HERE);

        ServiceStatus web = view.services().get(0);
        assertThat(web.owner()).isEqualTo("n2");
        assertThat(web.activeConnections()).isEqualTo(7);
        assertThat(web.endpoints()).containsExactly(
                new ServiceStatus.NodeEndpoints("n1", 1, 1),
                new ServiceStatus.NodeEndpoints("n2", 1, 2),
                new ServiceStatus.NodeEndpoints("n3", 1, 1));
        assertThat(view.nodes()).containsExactly(
                new NodeStatus("n1", true, mine, false, java.util.List.of()),
                new NodeStatus("n2", true, "other", true, java.util.List.of("127.0.0.10")),
                new NodeStatus("n3", false, "", false, java.util.List.of()),
                new NodeStatus("n4", true, mine, false, java.util.List.of()));
        assertThat(StatusTable.render(view, true)).containsPattern("n2\\s+live\\s+other\\s+DRIFT\\s+127.0.0.10")
                .containsPattern("n3\\s+down\\s+-\\s+-").contains("n1=1/1 n2=1/2 n3=1/1")
                .as("what down means, under the nodes").contains("(down: no floatlb agent of that node is connected");
    }

    @Test
    void aDrainingNodeIsDrainingWhileItHandsOverAndDrainedAfter() {
        String mine = config.digest();
        java.net.InetAddress vip = config.services().get(0).vip();
        io.floatlb.core.handover.HandoverOffer offer = new io.floatlb.core.handover.HandoverOffer("n1",
                java.util.List.of(), java.util.Set.of(new io.floatlb.core.handover.Flow(vip, 40000, 8080)));
        Map<String, MemberState> members = Map.of("n1", member("n1", mine, 1, 1).draining(true), "n2", member("n2", mine, 1, 2));
        ClusterView during = ClusterView.of(config, members, v -> Optional.of("n2"), Map.of(vip, offer), NOTHING_CHECKED_HERE);
        assertThat(during.nodes().get(0).drain()).isEqualTo(NodeStatus.Drain.DRAINING);
        assertThat(during.handovers()).containsExactly(new HandoverStatus(vip, "n1", "n2", 1));
        assertThat(StatusTable.render(during, false)).containsPattern("n1\\s+draining")
                .containsPattern("HAND-OVER\\s+FROM\\s+TO\\s+CONNECTIONS\n127.0.0.10\\s+n1\\s+n2\\s+1");
        assertThat(StatusJson.render(during)).contains("\"drain\" : \"draining\"", "\"connections\" : 1");

        ClusterView after = ClusterView.of(config, members, v -> Optional.of("n2"), Map.of(), NOTHING_CHECKED_HERE);
        assertThat(after.nodes().get(0).drain()).isEqualTo(NodeStatus.Drain.DRAINED);
        assertThat(StatusTable.render(after, false)).containsPattern("n1\\s+drained").doesNotContain("HAND-OVER");
    }

    @Test
    void onATieTheAskingNodesOwnDigestIsTheReference() {
        ClusterView view = ClusterView.of(config,
                Map.of("n1", member("n1", config.digest(), 1, 1), "n2", member("n2", "other", 2, 2)),
                vip -> Optional.empty(), NOTHING_CHECKED_HERE);
        assertThat(view.nodes()).filteredOn(NodeStatus::drift).extracting(NodeStatus::node).containsExactly("n2");
        assertThat(view.services().get(0).endpoints()).contains(new ServiceStatus.NodeEndpoints("n3", 1, 1));
        assertThat(StatusTable.render(view, false)).contains("<none>", " 80:8080/TCP,53:5353/UDP ");
    }

    @Test
    void theJsonCarriesEveryField() {
        ClusterView view = ClusterView.of(config, Map.of("n1", member("n1", config.digest(), 1, 1)),
                vip -> Optional.of("n1"), NOTHING_CHECKED_HERE);
        assertThat(StatusJson.render(view)).contains("\"owner\" : \"n1\"", "\"policy\" : \"cluster\"",
                "\"target-port\" : 8080", "\"protocol\" : \"UDP\"", "\"healthy\" : null", "\"drift\" : false", "\"live\" : false");
    }

    @Test
    void aNodeCutOffFromZooKeeperShowsNoOwnerAndNoOtherNodeAsKnown() {
        ClusterView view = ClusterView.disconnected(config, NOTHING_CHECKED_HERE);
        assertThat(view.connected()).isFalse();
        assertThat(view.services().get(0).owner()).isNull();
        String table = StatusTable.render(view, false);
        assertThat(table).startsWith("no ZooKeeper connection").contains("<unknown>").containsPattern("n2 +unknown")
                .doesNotContain("live", "<none>", "(down:");
        assertThat(StatusJson.render(view)).contains("\"connected\" : false");
    }
}
