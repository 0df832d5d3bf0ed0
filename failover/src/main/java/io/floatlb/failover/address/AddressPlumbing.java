package io.floatlb.failover.address;

import java.net.InetAddress;
import java.util.List;

/** VIP addresses on this host and the kernel ARP settings around them, as the announcement changes them. */
public interface AddressPlumbing extends AutoCloseable {

    /** A reload: the VIPs to hold now, and the interfaces they are announced on. */
    void update(List<InetAddress> vips, List<String> interfaces);

    /** Undoes everything. */
    @Override
    void close();
}
