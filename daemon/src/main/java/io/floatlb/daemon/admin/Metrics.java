package io.floatlb.daemon.admin;

import io.floatlb.core.config.Protocol;
import io.floatlb.core.net.IpAddresses;
import io.floatlb.core.select.Target;
import io.floatlb.daemon.NodeRuntime;
import io.floatlb.daemon.reload.ConfigReloader;
import io.floatlb.dataplane.proxy.BackendPool;
import io.floatlb.dataplane.proxy.ServiceProxy;
import io.floatlb.dataplane.proxy.TargetStats;
import io.floatlb.dataplane.proxy.UdpCounters;
import io.floatlb.dataplane.transport.DirectMemory;
import io.floatlb.failover.announce.DropReason;
import io.floatlb.failover.announce.Responder;
import io.floatlb.failover.handover.HandoverCounts;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;

/**
 * The node's Prometheus metrics. Every value is read at scrape time from the counters the
 * data path and the election keep anyway, so metrics cost the data path nothing and follow
 * reloads (a removed service simply stops being reported).
 */
public final class Metrics {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final NodeRuntime node;

    /** Receives one sample: its value and its label values. */
    private interface Sample {
        void call(double value, String... labels);
    }

    private enum Kind { GAUGE, COUNTER }

    public Metrics(NodeRuntime node, ConfigReloader reloader) {
        this.node = node;
        JvmMetrics.builder().register(registry);
        services();
        endpoints();
        vips();
        neighbors();
        handovers();
        register(Kind.COUNTER, "floatlb_accept_failures_total",
                "Accepts that failed (file descriptors or buffers exhausted); each pauses its listener for a second",
                s -> s.call(node.transport().acceptFailures()));
        register(Kind.GAUGE, "floatlb_direct_memory_used_bytes",
                "Direct memory the data path holds (Netty's count); from three quarters of the limit reads shrink",
                s -> s.call(DirectMemory.used()));
        register(Kind.GAUGE, "floatlb_direct_memory_limit_bytes", "The JVM's limit on direct memory (-XX:MaxDirectMemorySize)",
                s -> s.call(DirectMemory.limit()));
        register(Kind.GAUGE, "floatlb_direct_memory_short",
                "1 while direct memory runs short and reads are shrunk to a few KiB, else 0",
                s -> s.call(DirectMemory.wasShort() ? 1 : 0));
        register(Kind.COUNTER, "floatlb_config_reloads_total",
                "Config reloads, by result: applied, or rejected (invalid file or failed apply)", s -> {
                    s.call(reloader.applied(), "applied");
                    s.call(reloader.rejected(), "rejected");
                }, "result");
    }

    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    private void register(Kind kind, String name, String help, Consumer<Sample> samples, String... labels) {
        if (kind == Kind.GAUGE) {
            GaugeWithCallback.builder().name(name).help(help).labelNames(labels)
                    .callback(c -> samples.accept(c::call)).register(registry);
        } else {
            CounterWithCallback.builder().name(name).help(help).labelNames(labels)
                    .callback(c -> samples.accept(c::call)).register(registry);
        }
    }

    private void services() {
        service(Kind.GAUGE, "floatlb_service_connections_active", "Open client connections of a service on this node",
                ServiceProxy::activeConnections);
        service(Kind.COUNTER, "floatlb_service_connections_total", "Client connections a service accepted on this node",
                ServiceProxy::acceptedConnections);
        service(Kind.COUNTER, "floatlb_service_connections_rejected_total",
                "Client connections refused at the connection limit", ServiceProxy::rejectedConnections);
        udp(Kind.GAUGE, "floatlb_service_udp_flows_active", "UDP flows (client address and port) a service keeps on this node",
                (u, s) -> s.call(u.flowsActive()));
        udp(Kind.COUNTER, "floatlb_service_udp_flows_total", "UDP flows a service started on this node",
                (u, s) -> s.call(u.flowsTotal()));
        udp(Kind.COUNTER, "floatlb_service_udp_datagrams_total",
                "UDP datagrams relayed, by direction: to_backend (client to endpoint) or to_client", (u, s) -> {
                    s.call(u.datagramsToBackend(), "to_backend");
                    s.call(u.datagramsToClient(), "to_client");
                }, "direction");
        udp(Kind.COUNTER, "floatlb_service_udp_bytes_total", "UDP payload bytes relayed, by direction", (u, s) -> {
            s.call(u.bytesToBackend(), "to_backend");
            s.call(u.bytesToClient(), "to_client");
        }, "direction");
        udp(Kind.COUNTER, "floatlb_service_udp_datagrams_dropped_total", "UDP datagrams dropped, by reason", (u, s) -> {
            for (UdpCounters.Drop reason : UdpCounters.Drop.values()) {
                s.call(u.dropped(reason), reason.label());
            }
        }, "reason");
    }

    /** One service's UDP samples; the service label comes first. */
    private interface UdpSamples {
        void call(UdpCounters counters, Sample sample);
    }

    /** Reported for the services that have a UDP port. */
    private void udp(Kind kind, String name, String help, UdpSamples samples, String... labels) {
        String[] all = new String[labels.length + 1];
        all[0] = "service";
        System.arraycopy(labels, 0, all, 1, labels.length);
        register(kind, name, help, s -> node.agent().proxies().stream()
                .filter(p -> p.config().ports().stream().anyMatch(port -> port.protocol() == Protocol.UDP))
                .forEach(p -> samples.call(p.udp(), (value, values) -> {
                    String[] withService = new String[values.length + 1];
                    withService[0] = p.config().name();
                    System.arraycopy(values, 0, withService, 1, values.length);
                    s.call(value, withService);
                })), all);
    }

    private void service(Kind kind, String name, String help, ToDoubleFunction<ServiceProxy> value) {
        register(kind, name, help, s -> node.agent().proxies()
                .forEach(p -> s.call(value.applyAsDouble(p), p.config().name())), "service");
    }

    private void endpoints() {
        endpoint(Kind.GAUGE, "floatlb_endpoint_up", "1 when the endpoint passes its health checks", t -> t.up() ? 1 : 0);
        endpoint(Kind.GAUGE, "floatlb_endpoint_connections_active", "Open connections to the endpoint",
                TargetStats::active);
        endpoint(Kind.COUNTER, "floatlb_endpoint_connections_total", "Connections made to the endpoint",
                TargetStats::connections);
        endpoint(Kind.COUNTER, "floatlb_endpoint_connect_failures_total",
                "Connects to the endpoint that failed or timed out", TargetStats::connectFailures);
        endpoint(Kind.COUNTER, "floatlb_endpoint_check_failures_total", "Failed health checks (and failed connects)",
                TargetStats::checkFailures);
        endpoint(Kind.COUNTER, "floatlb_endpoint_closed_silently_total",
                "Proxied connections the endpoint closed before sending a byte while the client still talked (a server"
                        + " that does not expect the PROXY header, or refuses this node)", TargetStats::closedSilently);
        register(Kind.COUNTER, "floatlb_endpoint_bytes_total",
                "Bytes relayed, by direction: to_backend (client to endpoint) or from_backend", s -> eachTarget(
                        (labels, t) -> {
                            s.call(t.bytesToBackend(), labels[0], labels[1], labels[2], "to_backend");
                            s.call(t.bytesFromBackend(), labels[0], labels[1], labels[2], "from_backend");
                        }), "service", "endpoint", "node", "direction");
    }

    private void endpoint(Kind kind, String name, String help, ToDoubleFunction<TargetStats> value) {
        register(kind, name, help, s -> eachTarget((labels, t) -> s.call(value.applyAsDouble(t), labels)),
                "service", "endpoint", "node");
    }

    private interface TargetSample {
        void accept(String[] labels, TargetStats stats);
    }

    private void eachTarget(TargetSample each) {
        for (ServiceProxy proxy : node.agent().proxies()) {
            BackendPool pool = proxy.pool();
            for (Target t : pool.targets()) {
                each.accept(new String[] {proxy.config().name(), t.where(), t.node()}, pool.stats(t));
            }
        }
    }

    private void vips() {
        vip(Kind.GAUGE, "floatlb_vip_owner", "1 while this node owns the VIP and may answer for it",
                vip -> node.election().ownedHere(vip) ? 1 : 0);
        vip(Kind.COUNTER, "floatlb_vip_elections_won_total", "Times this node took the VIP", vip -> node.vipCounts().won(vip));
        vip(Kind.COUNTER, "floatlb_vip_elections_lost_total",
                "Times this node stopped owning the VIP (handed over, released, or session lost)",
                vip -> node.vipCounts().lost(vip));
        register(Kind.GAUGE, "floatlb_members_unreadable",
                "Member znodes this node cannot read and ignores (written by a foreign or older agent)",
                s -> s.call(node.membership().unreadableMembers()));
    }

    private void vip(Kind kind, String name, String help, ToDoubleFunction<InetAddress> value) {
        register(kind, name, help, s -> node.agent().config().servicesByVip().keySet()
                .forEach(vip -> s.call(value.applyAsDouble(vip), IpAddresses.format(vip))), "vip");
    }

    private void handovers() {
        register(Kind.COUNTER, "floatlb_handovers_total", "Planned hand-overs, by result: clean and timed_out counted by"
                + " the node giving the VIP up, unsupported by a successor that could not forward (no nft, no capability)",
                s -> {
                    for (HandoverCounts.Result r : HandoverCounts.Result.values()) {
                        s.call(node.handovers().counts().handovers(r), r.label());
                    }
                }, "result");
        register(Kind.COUNTER, "floatlb_handover_flows_total",
                "Established connections this node offered to successors in planned hand-overs",
                s -> s.call(node.handovers().counts().flowsOffered()));
        vip(Kind.GAUGE, "floatlb_handover_flows_forwarded", "Connections of old owners this node forwards back to them now",
                vip -> node.handovers().forwarding().getOrDefault(vip, 0));
    }

    private void neighbors() {
        answered("floatlb_vip_requests_answered_total",
                "ARP requests and neighbor solicitations for the VIP this node answered", Responder::answered);
        answered("floatlb_vip_announcements_total",
                "Gratuitous ARPs and unsolicited neighbor advertisements sent for the VIP", Responder::announced);
        register(Kind.COUNTER, "floatlb_neighbor_frames_dropped_total",
                "ARP and neighbor-discovery frames the responder ignored, by reason", s -> responders().forEach(r -> {
                    for (DropReason reason : DropReason.values()) {
                        s.call(r.dropped(reason), r.interfaceName(), reason.label());
                    }
                }), "interface", "reason");
    }

    private void answered(String name, String help, ToDoubleBiFunction<Responder, InetAddress> value) {
        register(Kind.COUNTER, name, help, s -> responders().forEach(r -> r.vips().forEach(
                vip -> s.call(value.applyAsDouble(r, vip), IpAddresses.format(vip), r.interfaceName()))),
                "vip", "interface");
    }

    private List<Responder> responders() {
        return node.announcement().map(a -> a.responders()).orElse(List.of());
    }
}
