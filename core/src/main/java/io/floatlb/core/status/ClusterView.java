package io.floatlb.core.status;

import io.floatlb.core.config.Endpoint;
import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.election.MemberState;
import io.floatlb.core.handover.HandoverOffer;
import io.floatlb.core.net.IpAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The cluster as one node sees it through ZooKeeper: every service of this node's config
 * with its owner and, per node, the healthy and total endpoints that node reports for
 * itself; and every node with its config digest. Nodes edit their files by hand, so a
 * digest that differs from the cluster's is flagged as drift. Without a ZooKeeper
 * connection ({@code connected} false) nothing of the cluster is known: no owner, no other
 * node, only what this node's own checks say.
 */
public record ClusterView(String node, List<ServiceStatus> services, List<NodeStatus> nodes, boolean connected,
                          List<HandoverStatus> handovers) {

    public ClusterView {
        services = List.copyOf(services);
        nodes = List.copyOf(nodes);
        handovers = List.copyOf(handovers);
    }

    /** What this node itself knows of a service, apart from ZooKeeper. */
    public interface LocalView {
        /** The endpoints of {@code node} this node health-checks and finds up, or -1 if it checks none. */
        int healthyHere(String service, String node);

        int activeConnections(String service);
    }

    /**
     * @param members live members by node name, this node included
     * @param owner who owns a VIP now, if anyone
     * @param local for nodes that are not live: what this node's own checks say (cluster policy)
     */
    public static ClusterView of(FloatlbConfig config, Map<String, MemberState> members,
                                 Function<InetAddress, Optional<String>> owner, LocalView local) {
        return of(config, members, owner, Map.of(), local, true);
    }

    /** @param offers the hand-overs in progress: per VIP, the old owner's offer */
    public static ClusterView of(FloatlbConfig config, Map<String, MemberState> members,
                                 Function<InetAddress, Optional<String>> owner, Map<InetAddress, HandoverOffer> offers,
                                 LocalView local) {
        return of(config, members, owner, offers, local, true);
    }

    /** The view of a node cut off from ZooKeeper: whatever its cache holds is stale, so none of it is shown. */
    public static ClusterView disconnected(FloatlbConfig config, LocalView local) {
        return of(config, Map.of(), vip -> Optional.empty(), Map.of(), local, false);
    }

    private static ClusterView of(FloatlbConfig config, Map<String, MemberState> members,
                                  Function<InetAddress, Optional<String>> owner, Map<InetAddress, HandoverOffer> offers,
                                  LocalView local, boolean connected) {
        List<ServiceStatus> services = config.services().stream()
                .map(s -> service(s, members, owner.apply(s.vip()).orElse(null), local))
                .toList();
        String reference = referenceDigest(config, members);
        Set<String> names = new LinkedHashSet<>();
        names.add(config.nodeName());
        config.services().forEach(s -> s.endpoints().forEach(e -> names.add(e.node())));
        names.addAll(members.keySet().stream().sorted().toList());
        List<NodeStatus> nodes = new ArrayList<>();
        for (String n : names.stream().sorted().toList()) {
            MemberState m = members.get(n);
            List<String> vips = services.stream().filter(s -> n.equals(s.owner())).map(s -> IpAddresses.format(s.vip()))
                    .distinct().toList();
            boolean handingOver = offers.values().stream().anyMatch(o -> o.from().equals(n));
            NodeStatus.Drain drain = m == null || !m.draining() ? NodeStatus.Drain.NONE
                    : vips.isEmpty() && !handingOver ? NodeStatus.Drain.DRAINED : NodeStatus.Drain.DRAINING;
            nodes.add(m == null ? new NodeStatus(n, false, "", false, vips)
                    : new NodeStatus(n, true, m.configDigest(), !m.configDigest().equals(reference), vips, drain));
        }
        List<HandoverStatus> handovers = offers.entrySet().stream()
                .map(e -> new HandoverStatus(e.getKey(), e.getValue().from(), owner.apply(e.getKey()).orElse(null),
                        e.getValue().flows().size()))
                .sorted(Comparator.comparing(h -> IpAddresses.format(h.vip())))
                .toList();
        return new ClusterView(config.nodeName(), services, nodes, connected, handovers);
    }

    /** The digest most live nodes run; on a tie, this node's own. */
    private static String referenceDigest(FloatlbConfig config, Map<String, MemberState> members) {
        Map<String, Long> counts = members.values().stream()
                .collect(Collectors.groupingBy(MemberState::configDigest, LinkedHashMap::new, Collectors.counting()));
        long most = counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return counts.getOrDefault(config.digest(), 0L) == most ? config.digest()
                : counts.entrySet().stream().filter(e -> e.getValue() == most).map(Map.Entry::getKey)
                        .min(Comparator.naturalOrder()).orElse(config.digest());
    }

    private static ServiceStatus service(ServiceConfig s, Map<String, MemberState> members, String owner,
                                         LocalView local) {
        Map<String, Integer> totals = new LinkedHashMap<>();
        for (Endpoint e : s.endpoints()) {
            totals.merge(e.node(), 1, Integer::sum);
        }
        List<ServiceStatus.NodeEndpoints> endpoints = totals.entrySet().stream().map(t -> {
            MemberState m = members.get(t.getKey());
            int healthy = m != null ? m.healthyLocal(s.name()) : local.healthyHere(s.name(), t.getKey());
            return new ServiceStatus.NodeEndpoints(t.getKey(), healthy, t.getValue());
        }).toList();
        return new ServiceStatus(s.name(), s.vip(), s.ports(), s.trafficPolicy(), s.balance(), s.proxyProtocol(),
                owner, endpoints, local.activeConnections(s.name()));
    }
}
