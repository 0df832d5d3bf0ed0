package io.floatlb.core.handover;

import io.floatlb.core.config.Names;
import io.floatlb.core.net.IpAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code nftables} input that forwards handed-over flows: one table of floatlb's own
 * ({@code table netdev floatlb}), and per advertised interface an ingress chain that sends
 * each handed-over flow of a VIP to its old owner ({@code fwd}, as LVS direct routing
 * does) and an egress chain that drops this node's resets from that VIP while the hand-over
 * lasts, so a segment of a flow not yet in the set is retransmitted instead of reset.
 * Every script replaces the whole table in one transaction: no packet ever meets half a
 * ruleset. Built only from parsed addresses, numbers and validated interface names.
 */
public final class NftRuleset {
    public static final String TABLE = "floatlb";
    private static final String HEADER = "table netdev " + TABLE + " {}\ndelete table netdev " + TABLE + "\n";

    private NftRuleset() {}

    /** One VIP's handed-over flows, forwarded on one interface to one address of the old owner. */
    public record Forward(InetAddress vip, String device, InetAddress to, Set<Flow> flows) {
        public Forward {
            if (!Names.isInterface(device)) {
                throw new IllegalArgumentException("'" + device + "' is not an interface name");
            }
            if (vip.getClass() != to.getClass()) {
                throw new IllegalArgumentException("VIP " + IpAddresses.format(vip) + " cannot be forwarded to "
                        + IpAddresses.format(to) + " (another address family)");
            }
            flows = Set.copyOf(flows);
        }
    }

    /** The script that removes the table, whether or not it exists. */
    public static String removal() {
        return HEADER;
    }

    /** The script that makes the table exactly {@code forwards} (none: no table). */
    public static String render(List<Forward> forwards) {
        if (forwards.isEmpty()) {
            return HEADER;
        }
        Map<String, List<Integer>> byDevice = new LinkedHashMap<>();
        StringBuilder sets = new StringBuilder();
        for (int i = 0; i < forwards.size(); i++) {
            Forward f = forwards.get(i);
            byDevice.computeIfAbsent(f.device(), d -> new ArrayList<>()).add(i);
            sets.append("  set f").append(i).append(" { type ").append(v4(f) ? "ipv4_addr" : "ipv6_addr")
                    .append(" . inet_service . inet_service;");
            if (!f.flows().isEmpty()) {
                sets.append(" elements = { ").append(f.flows().stream()
                        .map(x -> IpAddresses.format(x.client()) + " . " + x.clientPort() + " . " + x.vipPort())
                        .sorted().collect(Collectors.joining(", "))).append(" };");
            }
            sets.append(" }\n");
        }
        StringBuilder chains = new StringBuilder();
        int c = 0;
        for (Map.Entry<String, List<Integer>> d : byDevice.entrySet()) {
            String device = "\"" + d.getKey() + "\"";
            chains.append("  chain in").append(c).append(" {\n    type filter hook ingress device ").append(device)
                    .append(" priority 0;\n");
            for (int i : d.getValue()) {
                Forward f = forwards.get(i);
                String ip = v4(f) ? "ip" : "ip6";
                chains.append("    ").append(ip).append(" daddr ").append(IpAddresses.format(f.vip())).append(' ')
                        .append(ip).append(" saddr . tcp sport . tcp dport @f").append(i).append(" fwd ").append(ip)
                        .append(" to ").append(IpAddresses.format(f.to())).append(" device ").append(device).append('\n');
            }
            chains.append("  }\n  chain out").append(c).append(" {\n    type filter hook egress device ").append(device)
                    .append(" priority 0;\n");
            d.getValue().stream().map(forwards::get).map(f -> (v4(f) ? "ip" : "ip6") + " saddr "
                    + IpAddresses.format(f.vip())).distinct()
                    .forEach(match -> chains.append("    ").append(match).append(" tcp flags & rst == rst drop\n"));
            chains.append("  }\n");
            c++;
        }
        return HEADER + "table netdev " + TABLE + " {\n" + sets + chains + "}\n";
    }

    private static boolean v4(Forward f) {
        return f.vip() instanceof Inet4Address;
    }
}
