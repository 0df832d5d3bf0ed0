package io.floatlb.core.status;

import io.floatlb.core.config.PortMapping;
import io.floatlb.core.net.IpAddresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders the cluster the way {@code kubectl get services} does: aligned columns, one row per
 * service, then one row per node with its config digest and a drift flag.
 */
public final class StatusTable {
    private static final int DIGEST_SHOWN = 12;

    private StatusTable() {}

    public static String render(ClusterView view, boolean wide) {
        String warning = view.connected() ? ""
                : "no ZooKeeper connection: owners and other nodes unknown; endpoints as this node's own checks see them\n\n";
        return warning + services(view.services(), wide, view.connected()) + "\n" + nodes(view.nodes(), wide, view.connected())
                + handovers(view.handovers());
    }

    /** Planned hand-overs in progress, shown only while there are some. */
    private static String handovers(List<HandoverStatus> handovers) {
        if (handovers.isEmpty()) {
            return "";
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("HAND-OVER", "FROM", "TO", "CONNECTIONS"));
        for (HandoverStatus h : handovers) {
            rows.add(List.of(IpAddresses.format(h.vip()), h.from(), h.to() == null ? "<none>" : h.to(),
                    String.valueOf(h.connections())));
        }
        return "\n" + align(rows);
    }

    private static String nodes(List<NodeStatus> nodes, boolean wide, boolean connected) {
        List<String> header = new ArrayList<>(List.of("NODE", "STATUS", "CONFIG", "DRIFT"));
        if (wide) {
            header.add("VIPS");
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        boolean anyDown = connected && nodes.stream().anyMatch(n -> !n.live());
        for (NodeStatus n : nodes) {
            List<String> row = new ArrayList<>(List.of(n.node(), !connected ? "unknown" : !n.live() ? "down"
                    : n.drain() == NodeStatus.Drain.NONE ? "live" : lower(n.drain()),
                    n.live() ? n.configDigest().substring(0, Math.min(DIGEST_SHOWN, n.configDigest().length())) : "-",
                    n.drift() ? "DRIFT" : "-"));
            if (wide) {
                row.add(n.vips().isEmpty() ? "-" : String.join(",", n.vips()));
            }
            rows.add(row);
        }
        return align(rows) + (anyDown ? "(down: no floatlb agent of that node is connected to ZooKeeper; its endpoints"
                + " are counted by this node's own checks, or '?')\n" : "");
    }

    private static String services(List<ServiceStatus> services, boolean wide, boolean connected) {
        List<String> header = new ArrayList<>(List.of("SERVICE", "VIP", "PORTS", "POLICY", "OWNER", "ENDPOINTS"));
        if (wide) {
            header.addAll(List.of("BALANCE", "PROXY-PROTOCOL", "CONNECTIONS-HERE"));
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        for (ServiceStatus s : services) {
            List<String> row = new ArrayList<>(List.of(
                    s.name(),
                    IpAddresses.format(s.vip()),
                    s.ports().stream().map(PortMapping::label).collect(Collectors.joining(",")),
                    lower(s.policy()),
                    s.owner() != null ? s.owner() : connected ? "<none>" : "<unknown>",
                    s.endpoints().stream().map(StatusTable::endpoints).collect(Collectors.joining(" "))));
            if (wide) {
                row.addAll(List.of(lower(s.balance()), lower(s.proxyProtocol()), String.valueOf(s.activeConnections())));
            }
            rows.add(row);
        }
        return align(rows);
    }

    private static String endpoints(ServiceStatus.NodeEndpoints e) {
        return e.node() + "=" + (e.healthy() < 0 ? "?" : String.valueOf(e.healthy())) + "/" + e.total();
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String align(List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(r.get(i));
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - r.get(i).length() + 3));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
