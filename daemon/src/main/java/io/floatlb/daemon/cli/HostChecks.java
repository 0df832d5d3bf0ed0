package io.floatlb.daemon.cli;

import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.core.config.L2Advertisement;
import io.floatlb.core.config.Names;
import io.floatlb.core.config.PortMapping;
import io.floatlb.core.config.Protocol;
import io.floatlb.core.config.ServiceConfig;
import io.floatlb.core.net.HostPort;
import io.floatlb.daemon.NodeLock;
import io.floatlb.failover.address.Commands;
import io.floatlb.failover.address.VipPlumbing;
import io.floatlb.failover.announce.Libpcap;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@code floatlb run} would refuse on this host although the file is valid: an
 * advertised interface the host lacks, an address another process already listens on, a
 * missing libpcap. For a file meant for another host ({@code --remote}) interfaces are only
 * warned about and the rest is not looked at.
 */
final class HostChecks {

    /** One finding: an error refuses the file here; a warning does not. */
    record Finding(boolean error, String message) {}

    private HostChecks() {}

    static List<Finding> of(FloatlbConfig config, boolean remote) {
        List<Finding> found = new ArrayList<>();
        for (L2Advertisement a : config.l2Advertisements().values()) {
            for (String itf : a.interfaces()) {
                if (Names.isInterface(itf) && !VipPlumbing.exists(itf)) {
                    found.add(new Finding(!remote, "l2-advertisements." + a.name() + ".interfaces: " + itf
                            + " does not exist on this host" + (remote ? "" : " ('ip link' lists its interfaces)")));
                }
            }
        }
        if (remote) {
            return found;
        }
        if (!config.l2Advertisements().isEmpty() && !Libpcap.present()) {
            found.add(new Finding(true, "l2-advertisements: libpcap is not installed, so no VIP can be announced"
                    + " (apt-get install libpcap0.8)"));
        }
        if (config.coordination().handover() && !config.l2Advertisements().isEmpty() && !Commands.available("nft")) {
            found.add(new Finding(false, "coordination.handover: nft is not installed, so planned moves will reset"
                    + " established connections (apt-get install nftables)"));
        }
        if (NodeLock.held(config.nodeName())) {
            found.add(new Finding(false, "ports not checked: the agent of node '" + config.nodeName()
                    + "' runs on this host and holds its own"));
        } else {
            found.addAll(takenPorts(config));
        }
        return found;
    }

    private static List<Finding> takenPorts(FloatlbConfig config) {
        Set<ListeningSockets.Listener> listening = ListeningSockets.now();
        List<Finding> found = new ArrayList<>();
        for (ServiceConfig s : config.services()) {
            for (PortMapping p : s.ports()) {
                if (listening.stream().anyMatch(l -> l.takes(s.vip(), p.port(), p.protocol()))) {
                    found.add(new Finding(true, "services." + s.name() + ".ports: " + new HostPort(s.vip(), p.port())
                            + "/" + p.protocol() + " is already taken by another process on this host ('"
                            + (p.protocol() == Protocol.UDP ? "ss -lunp" : "ss -ltnp") + "' shows which)"));
                }
            }
        }
        HostPort admin = config.adminListen();
        if (admin != null) {
            InetAddress a = admin.address();
            if (listening.stream().anyMatch(l -> l.takes(a, admin.port(), Protocol.TCP))) {
                found.add(new Finding(true, "admin.listen: " + admin + " is already taken by another process on this"
                        + " host ('ss -ltnp' shows which)"));
            }
        }
        return found;
    }

}
