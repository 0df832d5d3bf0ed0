package io.floatlb.failover.handover;

import java.net.InetAddress;

/** The election's hand-over steps; every call comes on the election's thread. */
public interface Handover {

    /** A planned release of an owned VIP: publish its flows; called before the VIP's znode is deleted. */
    void offer(InetAddress vip);

    /**
     * About to compete for a VIP: take over any flows its old owner offered (forwarding them
     * back to it), then run {@code then}, the create, on the election's thread, always.
     */
    void adopt(InetAddress vip, Runnable then);

    /**
     * This node owns the VIP now, its create landed and adopted: an offer of its own flows
     * left from a release just before is withdrawn, since those connections are local again.
     * Not before: an attempt that ends without owning the VIP (the successor it handed over
     * to is preferred) must leave the offer to that successor.
     */
    void owned(InetAddress vip);

    /** This node no longer owns the VIP: forwarding its old owner's flows is for the next owner. */
    void dropped(InetAddress vip);

    /** No hand-over at all, for an election on its own (its tests): releases offer nothing, acquisitions go on at once. */
    Handover NONE = new Handover() {
        @Override
        public void offer(InetAddress vip) { }

        @Override
        public void adopt(InetAddress vip, Runnable then) {
            then.run();
        }

        @Override
        public void owned(InetAddress vip) { }

        @Override
        public void dropped(InetAddress vip) { }
    };
}
