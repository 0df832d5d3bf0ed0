package io.floatlb.core.status;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.floatlb.core.net.IpAddresses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The cluster view as JSON, for {@code floatlb status -o json} and {@code GET /status}. */
public final class StatusJson {

    private StatusJson() {}

    public static String render(ClusterView view) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("node", view.node());
        root.put("connected", view.connected());
        root.put("services", view.services().stream().map(StatusJson::service).toList());
        root.put("nodes", view.nodes().stream().map(StatusJson::node).toList());
        root.put("handovers", view.handovers().stream().map(StatusJson::handover).toList());
        return ConfigValueFactory.fromMap(root).render(ConfigRenderOptions.concise().setFormatted(true)) + "\n";
    }

    private static Map<String, Object> service(ServiceStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("vip", IpAddresses.format(s.vip()));
        m.put("ports", s.ports().stream().map(p -> Map.of("port", p.port(), "target-port", p.targetPort(), "protocol", p.protocol().name())).toList());
        m.put("policy", StatusTable.lower(s.policy()));
        m.put("balance", StatusTable.lower(s.balance()));
        m.put("proxy-protocol", StatusTable.lower(s.proxyProtocol()));
        m.put("owner", s.owner());
        m.put("endpoints", s.endpoints().stream().map(StatusJson::endpoints).toList());
        m.put("connections-here", s.activeConnections());
        return m;
    }

    private static Map<String, Object> endpoints(ServiceStatus.NodeEndpoints e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", e.node());
        m.put("healthy", e.healthy() < 0 ? null : e.healthy());
        m.put("total", e.total());
        return m;
    }

    private static Map<String, Object> node(NodeStatus n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", n.node());
        m.put("live", n.live());
        m.put("config-digest", n.live() ? n.configDigest() : null);
        m.put("drift", n.drift());
        m.put("vips", List.copyOf(n.vips()));
        m.put("drain", StatusTable.lower(n.drain()));
        return m;
    }

    private static Map<String, Object> handover(HandoverStatus h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vip", IpAddresses.format(h.vip()));
        m.put("from", h.from());
        m.put("to", h.to());
        m.put("connections", h.connections());
        return m;
    }
}
