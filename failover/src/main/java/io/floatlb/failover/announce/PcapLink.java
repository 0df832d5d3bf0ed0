package io.floatlb.failover.announce;

import java.util.function.Consumer;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.RawPacketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mechanism half of a responder: libpcap handles on one interface, a thread that hands
 * every received frame to a consumer, and sends. A link that went down and up leaves
 * libpcap's sockets unusable; the link reopens them until the interface is back.
 */
final class PcapLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PcapLink.class);
    /** ARP requests, and neighbor solicitations without IPv6 extension headers. */
    static final String FILTER = "arp or (icmp6 and ip6[40] == " + NdpFrames.NEIGHBOR_SOLICITATION + ")";
    /** Enough for a neighbor solicitation with a few options; longer ones are dropped as truncated. */
    private static final int SNAPLEN = 256;
    private static final long REOPEN_EVERY_MILLIS = 200;

    private final String itf;
    private volatile PcapHandle receive;
    private volatile PcapHandle send;
    private volatile boolean broken;
    private volatile boolean running = true;
    private Thread loop;

    private PcapLink(String itf, PcapHandle receive, PcapHandle send) {
        this.itf = itf;
        this.receive = receive;
        this.send = send;
    }

    static PcapLink open(String itf) throws PcapNativeException, NotOpenException {
        PcapHandle receive = receiving(itf);
        PcapHandle send;
        try {
            send = handle(itf);
        } catch (PcapNativeException | RuntimeException e) {
            receive.close();
            throw e;
        }
        return new PcapLink(itf, receive, send);
    }

    /** Starts handing every received frame to {@code frames}, on a thread of its own. */
    void start(Consumer<byte[]> frames) {
        loop = new Thread(() -> run(frames), "neighbor-" + itf);
        loop.setDaemon(true);
        loop.start();
    }

    private static PcapHandle receiving(String itf) throws PcapNativeException, NotOpenException {
        PcapHandle h = handle(itf);
        try {
            h.setFilter(FILTER, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException | NotOpenException | RuntimeException e) {
            h.close();
            throw e;
        }
        return h;
    }

    private static PcapHandle handle(String itf) throws PcapNativeException {
        return new PcapHandle.Builder(itf)
                .snaplen(SNAPLEN)
                .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(100)
                .immediateMode(true)
                .build();
    }

    /**
     * Reads with pcap_loop: in immediate mode libpcap ignores the read timeout, so only
     * pcap_breakloop (from {@link #close()} or a failed send) gets the thread out of a read.
     */
    private void run(Consumer<byte[]> frames) {
        while (running) {
            if (broken && !reopen()) {
                continue;
            }
            try {
                receive.loop(-1, (RawPacketListener) frames::accept);
            } catch (InterruptedException e) {
                // pcap_breakloop: closing, or a send failed and the handles are to be reopened
            } catch (PcapNativeException | NotOpenException e) {
                if (running && !broken) {
                    log.warn("ARP/NDP responder on {} lost its capture ({}); reopening", itf, e.getMessage());
                    broken = true;
                }
            }
        }
    }

    private boolean reopen() {
        try {
            PcapHandle r = receiving(itf);
            PcapHandle s = handle(itf);
            PcapHandle oldReceive = receive;
            receive = r;
            synchronized (this) {
                PcapHandle oldSend = send;
                send = s;
                oldSend.close();
            }
            oldReceive.close();
            broken = false;
            log.info("ARP/NDP responder on {} reopened", itf);
            return true;
        } catch (PcapNativeException | NotOpenException e) {
            try {
                Thread.sleep(REOPEN_EVERY_MILLIS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                running = false;
            }
            return false;
        }
    }

    /** Sends one frame; false when it could not (the handles are then reopened). */
    boolean send(byte[] frame) {
        try {
            synchronized (this) {
                send.sendPacket(frame);
            }
            return true;
        } catch (PcapNativeException | NotOpenException e) {
            if (!broken) {
                log.warn("ARP/NDP send on {} failed ({}); reopening", itf, e.getMessage());
                broken = true;
                breakLoop();
            }
            return false;
        }
    }

    private void breakLoop() {
        try {
            receive.breakLoop();
        } catch (NotOpenException e) {
            // already closed: nothing to wake up
        }
    }

    @Override
    public void close() {
        running = false;
        breakLoop();
        try {
            if (loop != null) {
                loop.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        receive.close();
        synchronized (this) {
            send.close();
        }
    }
}
