package io.floatlb.daemon.admin;

import io.floatlb.core.config.Names;
import io.floatlb.core.status.ClusterView;
import io.floatlb.core.status.HandoverStatus;
import io.floatlb.core.status.NodeStatus;
import io.floatlb.daemon.NodeRuntime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maintenance through the admin API: {@code POST /drain} and {@code POST /undrain} mark and
 * unmark a node ({@code ?node=NAME}, this node by default) in ZooKeeper, and
 * {@code GET /drain-progress} says how far its drain is, in one line of {@code key=value}
 * pairs: its state (live, draining, drained, down or unknown), the VIPs it still owns, and
 * its hand-overs in progress with their connections.
 */
final class DrainRoutes {

    private DrainRoutes() {}

    static AdminServer.Reply drain(Map<String, List<String>> query, NodeRuntime node) {
        return known(query, node).map(name -> node.maintenance().drain(name)
                ? AdminServer.Reply.text(200, "node " + name + " draining: its VIPs move to other nodes without"
                        + " resetting a connection, and it takes none until 'floatlb undrain'\n")
                : AdminServer.Reply.text(200, "node " + name + " was already marked drained\n"))
                .orElseGet(() -> unknown(query));
    }

    static AdminServer.Reply undrain(Map<String, List<String>> query, NodeRuntime node) {
        return known(query, node).map(name -> node.maintenance().undrain(name)
                ? AdminServer.Reply.text(200, "node " + name + " undrained: it may own VIPs again\n")
                : AdminServer.Reply.text(200, "node " + name + " was not drained\n"))
                .orElseGet(() -> unknown(query));
    }

    static AdminServer.Reply progress(Map<String, List<String>> query, NodeRuntime node) {
        String name = name(query, node);
        if (!Names.isName(name)) {
            return unknown(query);
        }
        ClusterView view = node.view();
        Optional<NodeStatus> n = view.nodes().stream().filter(s -> s.node().equals(name)).findFirst();
        String state = !view.connected() ? "unknown" : n.isEmpty() || !n.get().live() ? "down"
                : n.get().drain() == NodeStatus.Drain.NONE ? "live" : n.get().drain().name().toLowerCase(Locale.ROOT);
        List<HandoverStatus> handovers = view.handovers().stream().filter(h -> h.from().equals(name)).toList();
        return AdminServer.Reply.text(200, "state=" + state + " vips=" + n.map(s -> s.vips().size()).orElse(0)
                + " handovers=" + handovers.size()
                + " connections=" + handovers.stream().mapToInt(HandoverStatus::connections).sum() + "\n");
    }

    private static String name(Map<String, List<String>> query, NodeRuntime node) {
        return query.getOrDefault("node", List.of(node.agent().config().nodeName())).get(0);
    }

    /** The node named in the query, if the cluster knows it (a configured node or a live member). */
    private static Optional<String> known(Map<String, List<String>> query, NodeRuntime node) {
        String name = name(query, node);
        if (!Names.isName(name)) {
            return Optional.empty();
        }
        return node.view().nodes().stream().map(NodeStatus::node).filter(name::equals).findFirst();
    }

    private static AdminServer.Reply unknown(Map<String, List<String>> query) {
        return AdminServer.Reply.text(400, "no node '" + query.getOrDefault("node", List.of("")).get(0)
                + "' in this cluster; 'floatlb status' lists the nodes\n");
    }
}
