package io.floatlb.failover.address;

import io.floatlb.core.config.Names;
import io.floatlb.core.net.IpAddresses;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the kernel accept traffic for the announced VIPs without ever speaking for them.
 * Every node puts the VIPs on a dummy interface, or on {@code lo} where the kernel has no
 * dummy driver (so packets for them are local, as in LVS direct routing), and sets
 * {@code arp_ignore=1} and {@code arp_announce=2} on the advertised interfaces (so the
 * kernel neither answers ARP for an address that is not on the asking interface nor uses a
 * VIP as the source of its own ARP). Only floatlb's responder tells the LAN, and only on the
 * owner. Everything is undone on close.
 */
public final class VipPlumbing implements AddressPlumbing {
    private static final Logger log = LoggerFactory.getLogger(VipPlumbing.class);
    public static final String DUMMY = "floatlb0";

    private final List<InetAddress> added = new ArrayList<>();
    private String device = DUMMY;
    private final Map<Path, String> previousSysctls = new LinkedHashMap<>();
    private boolean createdDummy;

    private VipPlumbing() {}

    public static VipPlumbing setUp(List<InetAddress> vips, List<String> interfaces) {
        VipPlumbing p = new VipPlumbing();
        try {
            p.apply(vips, interfaces);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    private void apply(List<InetAddress> vips, List<String> interfaces) {
        validate(interfaces);
        if (Commands.run(List.of("ip", "link", "show", "dev", DUMMY)).exit() != 0) {
            Commands.Result made = Commands.run(List.of("ip", "link", "add", DUMMY, "type", "dummy"));
            createdDummy = made.exit() == 0;
            if (!createdDummy) {
                log.info("no dummy interface ({}): the VIPs go on lo", made.output());
                device = "lo";
            }
        }
        Commands.check(List.of("ip", "link", "set", "dev", device, "up"));
        silenceKernelArp("all");
        update(vips, interfaces);
    }

    /**
     * A reload: adds the new VIPs and interfaces, removes the VIPs no longer announced.
     * Kernel ARP stays off on an interface until close, even if it is no longer advertised.
     */
    public void update(List<InetAddress> vips, List<String> interfaces) {
        validate(interfaces);
        interfaces.forEach(this::silenceKernelArp);
        for (InetAddress vip : vips) {
            if (!added.contains(vip)) {
                Commands.check(List.of("ip", "addr", "replace", withPrefix(vip), "dev", device));
                added.add(vip);
            }
        }
        for (InetAddress gone : added.stream().filter(v -> !vips.contains(v)).toList()) {
            Commands.run(List.of("ip", "addr", "del", withPrefix(gone), "dev", device));
            added.remove(gone);
        }
        log.info("VIPs {} on {}; kernel ARP for them off on {}", vips.stream().map(IpAddresses::format).toList(),
                device, interfaces);
    }

    /** Fails with one line when an interface name is invalid or the interface does not exist. */
    public static void validate(List<String> interfaces) {
        for (String itf : interfaces) {
            if (!Names.isInterface(itf)) {
                throw new IllegalArgumentException("'" + itf + "' is not an interface name");
            }
            if (!exists(itf)) {
                throw new IllegalStateException("interface " + itf + " (from l2-advertisements) does not exist on this host");
            }
        }
    }

    /** Whether this host has the interface (a validated name). */
    public static boolean exists(String itf) {
        return Files.isDirectory(Path.of("/sys/class/net", itf));
    }

    private void silenceKernelArp(String scope) {
        sysctl(scope, "arp_ignore", "1");
        sysctl(scope, "arp_announce", "2");
    }

    private static String withPrefix(InetAddress vip) {
        return IpAddresses.format(vip) + (vip instanceof Inet4Address ? "/32" : "/128");
    }

    private void sysctl(String scope, String key, String value) {
        Path file = Path.of("/proc/sys/net/ipv4/conf", scope, key);
        try {
            String before = Files.readString(file).strip();
            Files.writeString(file, value);
            previousSysctls.putIfAbsent(file, before);
        } catch (IOException e) {
            throw new IllegalStateException("cannot set " + file + " to " + value + ": " + e.getMessage()
                    + " (needs CAP_NET_ADMIN)", e);
        }
    }

    @Override
    public void close() {
        for (InetAddress vip : added) {
            Commands.run(List.of("ip", "addr", "del", withPrefix(vip), "dev", device));
        }
        added.clear();
        if (createdDummy) {
            Commands.run(List.of("ip", "link", "del", "dev", DUMMY));
            createdDummy = false;
        }
        previousSysctls.forEach((file, value) -> {
            try {
                Files.writeString(file, value);
            } catch (IOException e) {
                log.warn("cannot restore {}: {}", file, e.getMessage());
            }
        });
        previousSysctls.clear();
    }
}
