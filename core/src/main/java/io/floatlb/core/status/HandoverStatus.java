package io.floatlb.core.status;

import java.net.InetAddress;

/** A planned hand-over in progress: the VIP, the node serving its old connections, the new owner, and how many are left. */
public record HandoverStatus(InetAddress vip, String from, String to, int connections) {}
