package io.floatlb.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;
import io.floatlb.core.net.AddressRange;
import io.floatlb.core.net.HostPort;
import io.floatlb.core.net.IpAddresses;
import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The schema of a floatlb file: one method per object, each rule next to the key it checks. */
final class ConfigParser {
    private static final Pattern ZK_HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+)(:\\d{1,5})?");
    private static final Pattern ZNODE_PATH = Pattern.compile("(/[A-Za-z0-9._-]+)+");

    private final Problems problems;

    ConfigParser(Problems problems) {
        this.problems = problems;
    }

    FloatlbConfig parse(Config config, String digest) {
        Section top = new Section(config.root(), "", config.origin(), problems);
        top.allowOnly("floatlb");
        Optional<Section> maybeRoot = top.section("floatlb");
        if (maybeRoot.isEmpty()) {
            if (!top.has("floatlb")) {
                top.error(null, "the file has no 'floatlb { ... }' object; see conf/floatlb.conf for an example");
            }
            return null;
        }
        Section root = maybeRoot.get();
        root.allowOnly("node", "nodes", "coordination", "admin", "drain-timeout", "transport", "address-pools",
                "l2-advertisements", "services");

        Section node = root.sectionOrEmpty("node");
        node.allowOnly("name");
        String nodeName = node.requiredString("name").map(n -> checkedName(node, "name", n)).orElse(null);
        Set<String> declaredNodes = declaredNodes(root);
        if (nodeName != null && declaredNodes != null && !declaredNodes.contains(nodeName)) {
            node.error("name", "'" + nodeName + "' is not in the nodes list " + declaredNodes);
        }

        Coordination coordination = coordination(root.sectionOrEmpty("coordination"));
        HostPort admin = admin(root.sectionOrEmpty("admin"));
        Duration drain = root.duration("drain-timeout", Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(1));
        TransportKind transport = root.choice("transport", TransportKind.class, TransportKind.AUTO);
        Map<String, AddressPool> pools = addressPools(root);
        Map<String, L2Advertisement> ads = l2Advertisements(root, pools);
        List<ServiceConfig> services = services(root, pools, declaredNodes);
        if (problems.hasErrors()) {
            return null;
        }
        return new FloatlbConfig(nodeName, coordination, admin, drain, transport, pools, ads, services, digest);
    }

    private Set<String> declaredNodes(Section root) {
        if (!root.has("nodes")) {
            return null;
        }
        Set<String> nodes = new LinkedHashSet<>();
        for (String n : root.stringList("nodes")) {
            if (!nodes.add(checkedName(root, "nodes", n))) {
                root.error("nodes", "'" + n + "' is listed twice");
            }
        }
        return nodes;
    }

    private Coordination coordination(Section s) {
        s.allowOnly("zookeeper", "root", "session-timeout", "failback", "credentials", "handover");
        String zk = s.string("zookeeper", Coordination.EMBEDDED).trim();
        if (!zk.equals(Coordination.EMBEDDED)) {
            String hosts = zk.contains("/") ? zk.substring(0, zk.indexOf('/')) : zk;
            for (String hostPort : hosts.split(",", -1)) {
                if (!ZK_HOST_PORT.matcher(hostPort.trim()).matches()) {
                    s.error("zookeeper", "'" + zk + "' is neither 'embedded' nor a connect string like zk1:2181,zk2:2181");
                    break;
                }
            }
        }
        String root = s.string("root", "/floatlb/default");
        if (!ZNODE_PATH.matcher(root).matches()) {
            s.error("root", "'" + root + "' is not a ZooKeeper path such as /floatlb/default");
        }
        Duration session = s.duration("session-timeout", Coordination.DEFAULT_SESSION_TIMEOUT, Duration.ofMillis(200),
                Duration.ofMinutes(5));
        return new Coordination(zk, root, session, s.bool("failback", false), credentials(s), s.bool("handover", true));
    }

    private Optional<Coordination.Credentials> credentials(Section coordination) {
        Optional<Section> c = coordination.section("credentials");
        if (c.isEmpty()) {
            return Optional.empty();
        }
        Section s = c.get();
        s.allowOnly("user", "password");
        Optional<String> user = s.requiredString("user");
        Optional<String> password = s.requiredString("password");
        user.filter(u -> u.isEmpty() || u.contains(":")).ifPresent(u -> s.error("user", "must be non-empty and without ':'"));
        password.filter(String::isEmpty).ifPresent(p -> s.error("password", "must not be empty"));
        if (user.isEmpty() || password.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Coordination.Credentials(user.get(), password.get()));
    }

    private HostPort admin(Section s) {
        s.allowOnly("listen");
        HostPort fallback = new HostPort(InetAddress.getLoopbackAddress(), 9180);
        Optional<String> listen = s.string("listen");
        if (listen.isEmpty()) {
            return fallback;
        }
        try {
            HostPort hp = HostPort.parse(listen.get());
            if (!hp.address().isLoopbackAddress()) {
                s.warn("listen", "the admin API on " + hp + " is reachable from the network and has no authentication");
            }
            return hp;
        } catch (IllegalArgumentException e) {
            s.error("listen", e.getMessage());
            return fallback;
        }
    }

    private Map<String, AddressPool> addressPools(Section root) {
        Map<String, AddressPool> pools = new LinkedHashMap<>();
        List<Section> sections = root.namedSections("address-pools");
        for (Section p : sections) {
            p.allowOnly("addresses");
            String name = checkedName(p, null, p.name());
            List<AddressRange> ranges = new ArrayList<>();
            for (String text : p.stringList("addresses")) {
                try {
                    AddressRange r = AddressRange.parse(text);
                    IpAddresses.NOT_VIPS.stream().filter(a -> r.contains(a) || IpAddresses.whyNotAVip(r.first()).isPresent()
                                    || IpAddresses.whyNotAVip(r.last()).isPresent()).findFirst().ifPresentOrElse(
                            a -> p.error("addresses", "range " + r + " holds addresses that cannot be VIPs (the"
                                    + " unspecified, broadcast or multicast addresses); list only unicast addresses"),
                            () -> ranges.add(r));
                } catch (IllegalArgumentException e) {
                    p.error("addresses", e.getMessage());
                }
            }
            if (!p.has("addresses")) {
                p.error(null, "needs addresses = [\"first-last\" or CIDR, ...]");
            } else if (ranges.isEmpty() && !problems.hasErrors()) {
                p.error("addresses", "is empty; a pool needs at least one address");
            }
            for (AddressPool other : pools.values()) {
                for (AddressRange r : ranges) {
                    if (other.ranges().stream().anyMatch(o -> overlaps(o, r))) {
                        p.error("addresses", "range " + r + " overlaps pool '" + other.name() + "'");
                    }
                }
            }
            pools.put(name, new AddressPool(name, ranges));
        }
        return pools;
    }

    private static boolean overlaps(AddressRange a, AddressRange b) {
        return a.contains(b.first()) || a.contains(b.last()) || b.contains(a.first());
    }

    private Map<String, L2Advertisement> l2Advertisements(Section root, Map<String, AddressPool> pools) {
        Map<String, L2Advertisement> ads = new LinkedHashMap<>();
        for (Section a : root.namedSections("l2-advertisements")) {
            a.allowOnly("address-pools", "interfaces", "refresh-interval");
            String name = checkedName(a, null, a.name());
            List<String> poolNames = a.stringList("address-pools");
            for (String pool : poolNames) {
                if (!pools.containsKey(pool)) {
                    a.error("address-pools", "unknown address pool '" + pool + "'; known: " + pools.keySet());
                }
            }
            if (poolNames.isEmpty()) {
                a.error(a.has("address-pools") ? "address-pools" : null, "needs address-pools = [pool, ...]");
            }
            List<String> interfaces = a.stringList("interfaces");
            for (String itf : interfaces) {
                if (!Names.isInterface(itf)) {
                    a.error("interfaces", "'" + itf + "' is not an interface name: " + Names.INTERFACE_RULE);
                }
            }
            if (interfaces.isEmpty()) {
                a.error(a.has("interfaces") ? "interfaces" : null, "needs interfaces = [eth0, ...] to announce on");
            }
            Duration refresh = a.duration("refresh-interval", L2Advertisement.DEFAULT_REFRESH, Duration.ofSeconds(1),
                    Duration.ofHours(1));
            ads.put(name, new L2Advertisement(name, poolNames, interfaces, refresh));
        }
        return ads;
    }

    private List<ServiceConfig> services(Section root, Map<String, AddressPool> pools, Set<String> declaredNodes) {
        List<Section> sections = root.namedSections("services");
        List<ServiceDraft> drafts = new ArrayList<>();
        for (Section s : sections) {
            drafts.add(service(s, pools, declaredNodes));
        }
        assignPoolAddresses(drafts, pools);
        rejectSharedListeners(drafts);
        return drafts.stream().map(d -> d.config).toList();
    }

    /** A parsed service and where it was written; its VIP may still have to come from its pool. */
    private static final class ServiceDraft {
        final Section section;
        ServiceConfig config;

        ServiceDraft(Section section, ServiceConfig config) {
            this.section = section;
            this.config = config;
        }
    }

    private ServiceDraft service(Section s, Map<String, AddressPool> pools, Set<String> declaredNodes) {
        s.allowOnly("vip", "address-pool", "ports", "external-traffic-policy", "balance", "proxy-protocol",
                "anti-affinity", "health-check", "endpoints", "connect-timeout", "retries", "idle-timeout",
                "max-connections", "udp");
        String name = checkedName(s, null, s.name());
        InetAddress vip = s.string("vip").map(v -> IpAddresses.parse(v).orElseGet(() -> {
            s.error("vip", "'" + v + "' is not an IP address");
            return null;
        })).orElse(null);
        if (vip != null && IpAddresses.whyNotAVip(vip).isPresent()) {
            s.error("vip", IpAddresses.format(vip) + " is " + IpAddresses.whyNotAVip(vip).get()
                    + ", which no client can reach a service at; use a unicast address");
            vip = null;
        }
        String pool = s.string("address-pool").orElse(null);
        if (pool != null && !pools.containsKey(pool)) {
            s.error("address-pool", "unknown address pool '" + pool + "'; known: " + pools.keySet());
        } else if (pool != null && vip != null && !pools.get(pool).contains(vip)) {
            s.error("vip", IpAddresses.format(vip) + " is outside address pool '" + pool + "' " + pools.get(pool).ranges());
        }
        if (!s.has("vip") && !s.has("address-pool")) {
            s.error(null, "needs vip = \"ADDRESS\" or address-pool = POOL");
        }
        List<PortMapping> ports = ports(s);
        TrafficPolicy policy = s.choice("external-traffic-policy", TrafficPolicy.class, TrafficPolicy.CLUSTER);
        Balance balance = s.choice("balance", Balance.class, Balance.ROUND_ROBIN);
        ProxyProtocol proxy = s.choice("proxy-protocol", ProxyProtocol.class, ProxyProtocol.OFF);
        AntiAffinity antiAffinity = s.choice("anti-affinity", AntiAffinity.class, AntiAffinity.PREFERRED);
        HealthCheck health = healthCheck(s.sectionOrEmpty("health-check"));
        ProxyLimits limits = new ProxyLimits(
                s.duration("connect-timeout", ProxyLimits.DEFAULT.connectTimeout(), Duration.ofMillis(10), Duration.ofMinutes(1)),
                s.integer("retries", ProxyLimits.DEFAULT.retries(), 0, 16),
                s.duration("idle-timeout", ProxyLimits.DEFAULT.idleTimeout(), Duration.ofMillis(100), Duration.ofDays(7)),
                s.integer("max-connections", ProxyLimits.DEFAULT.maxConnections(), 1, 10_000_000));
        UdpLimits udp = udpLimits(s.sectionOrEmpty("udp"));
        if (proxy != ProxyProtocol.OFF && ports.stream().anyMatch(p -> p.protocol() == Protocol.UDP)) {
            s.warn("proxy-protocol", "applies to TCP ports only; UDP datagrams reach the endpoints from this node's"
                    + " address, without a header");
        }
        List<Endpoint> endpoints = endpoints(s, declaredNodes, antiAffinity);
        if (endpoints.isEmpty() && !s.has("endpoints")) {
            s.warn(null, "has no endpoints; connections to it will be closed at once");
        }
        return new ServiceDraft(s, new ServiceConfig(name, vip, pool, ports, policy, balance, proxy, antiAffinity,
                health, limits, udp, endpoints));
    }

    private static UdpLimits udpLimits(Section u) {
        u.allowOnly("idle-timeout", "max-flows");
        UdpLimits d = UdpLimits.DEFAULT;
        return new UdpLimits(u.duration("idle-timeout", d.idleTimeout(), Duration.ofMillis(100), Duration.ofDays(1)),
                u.integer("max-flows", d.maxFlows(), 1, 10_000_000));
    }

    private List<PortMapping> ports(Section s) {
        List<PortMapping> ports = new ArrayList<>();
        Set<VipPort> seen = new LinkedHashSet<>();
        for (Section p : s.objectList("ports")) {
            p.allowOnly("port", "target-port", "protocol");
            if (!p.has("port")) {
                p.error(null, "needs port = 1-65535");
                continue;
            }
            int port = p.integer("port", -1, 1, 65535);
            int target = p.integer("target-port", port, 1, 65535);
            Protocol protocol = p.choice("protocol", Protocol.class, Protocol.TCP);
            if (port > 0 && !seen.add(new VipPort(port, protocol))) {
                p.error("port", "port " + port + "/" + protocol + " is listed twice in this service");
            }
            if (port > 0 && target > 0) {
                ports.add(new PortMapping(port, target, protocol));
            }
        }
        if (!s.has("ports")) {
            s.error(null, "needs ports = [{ port = 80, target-port = 8080 }]");
        } else if (ports.isEmpty() && !problems.hasErrors()) {
            s.error("ports", "is empty; a service needs at least one port");
        }
        return ports;
    }

    private HealthCheck healthCheck(Section h) {
        h.allowOnly("kind", "interval", "timeout", "rise", "fall", "path", "expect-status", "port");
        HealthCheck d = HealthCheck.DEFAULT;
        HealthCheck.Kind kind = h.choice("kind", HealthCheck.Kind.class, d.kind());
        Duration interval = h.duration("interval", d.interval(), Duration.ofMillis(10), Duration.ofHours(1));
        Duration timeout = h.duration("timeout", d.timeout().compareTo(interval) > 0 ? interval : d.timeout(),
                Duration.ofMillis(10), Duration.ofHours(1));
        if (timeout.compareTo(interval) > 0) {
            h.error("timeout", Section.format(timeout) + " is longer than the interval " + Section.format(interval)
                    + "; checks would overlap");
        }
        int rise = h.integer("rise", d.rise(), 1, 100);
        int fall = h.integer("fall", d.fall(), 1, 100);
        String path = h.string("path", d.path());
        if (!path.startsWith("/")) {
            h.error("path", "'" + path + "' must start with '/'");
        }
        int expect = h.integer("expect-status", 0, 100, 599);
        if (kind == HealthCheck.Kind.TCP && (h.has("path") || h.has("expect-status"))) {
            h.error(h.has("path") ? "path" : "expect-status", "applies to kind = http only");
        }
        int port = h.integer("port", d.port(), 1, 65535);
        return new HealthCheck(kind, interval, timeout, rise, fall, path, expect, port);
    }

    private List<Endpoint> endpoints(Section s, Set<String> declaredNodes, AntiAffinity antiAffinity) {
        List<Endpoint> endpoints = new ArrayList<>();
        Map<String, Endpoint> byNode = new HashMap<>();
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (Section e : s.objectList("endpoints")) {
            e.allowOnly("address", "node", "weight");
            Optional<InetAddress> address = e.requiredString("address").flatMap(a -> {
                Optional<InetAddress> ip = IpAddresses.parse(a);
                if (ip.isEmpty()) {
                    e.error("address", "'" + a + "' is not an IP address");
                }
                return ip;
            });
            Optional<String> node = e.requiredString("node").map(n -> checkedName(e, "node", n));
            node.filter(n -> declaredNodes != null && !declaredNodes.contains(n))
                    .ifPresent(n -> e.error("node", "unknown node '" + n + "'; the nodes list has " + declaredNodes));
            int weight = e.integer("weight", 1, 1, 256);
            if (address.isEmpty() || node.isEmpty()) {
                continue;
            }
            if (!addresses.add(address.get())) {
                e.error("address", IpAddresses.format(address.get()) + " is listed twice in this service");
                continue;
            }
            Endpoint endpoint = new Endpoint(address.get(), node.get(), weight);
            Endpoint sameNode = byNode.putIfAbsent(node.get(), endpoint);
            if (sameNode != null) {
                String msg = "endpoint " + endpoint + " shares node '" + node.get() + "' with " + sameNode;
                switch (antiAffinity) {
                    case REQUIRED -> e.error("node", msg + " (anti-affinity = required)");
                    case PREFERRED -> e.warn("node", msg + "; losing that node loses both (anti-affinity = none if"
                            + " that is intended)");
                    case NONE -> { }
                }
            }
            endpoints.add(endpoint);
        }
        return endpoints;
    }

    /** MetalLB-style allocation: the lowest pool address no other service holds, in name order. */
    private void assignPoolAddresses(List<ServiceDraft> drafts, Map<String, AddressPool> pools) {
        Set<InetAddress> taken = new LinkedHashSet<>();
        drafts.stream().filter(d -> d.config.vip() != null).forEach(d -> taken.add(d.config.vip()));
        for (ServiceDraft d : drafts) {
            String pool = d.config.addressPool();
            if (d.config.vip() != null || pool == null || !pools.containsKey(pool)) {
                continue;
            }
            Optional<InetAddress> free = freeAddress(pools.get(pool), taken);
            if (free.isEmpty()) {
                d.section.error("address-pool", "pool '" + pool + "' has no free address left; add addresses or set vip");
            } else {
                taken.add(free.get());
                d.config = d.config.withVip(free.get());
            }
        }
    }

    private static Optional<InetAddress> freeAddress(AddressPool pool, Set<InetAddress> taken) {
        for (AddressRange r : pool.ranges()) {
            BigInteger limit = r.size().min(BigInteger.valueOf(taken.size() + 1L));
            for (BigInteger i = BigInteger.ZERO; i.compareTo(limit) < 0; i = i.add(BigInteger.ONE)) {
                Optional<InetAddress> a = r.at(i).filter(x -> !taken.contains(x));
                if (a.isPresent()) {
                    return a;
                }
            }
        }
        return Optional.empty();
    }

    private void rejectSharedListeners(List<ServiceDraft> drafts) {
        Map<String, String> owners = new HashMap<>();
        for (ServiceDraft d : drafts) {
            if (d.config.vip() == null) {
                continue;
            }
            for (PortMapping p : d.config.ports()) {
                String key = IpAddresses.format(d.config.vip()) + ":" + p.port() + "/" + p.protocol();
                String other = owners.putIfAbsent(key, d.config.name());
                // A port listed twice in one service was reported where it is listed.
                if (other != null && !other.equals(d.config.name())) {
                    d.section.error("ports", key + " is already served by service '" + other + "'");
                }
            }
        }
    }

    private String checkedName(Section s, String key, String name) {
        if (!Names.isName(name)) {
            ConfigOrigin at = key == null ? s.origin() : s.originOf(key);
            problems.error(at, key == null ? s.path() : s.child(key), "'" + name + "' is not a valid name: " + Names.NAME_RULE);
        }
        return name;
    }
}
