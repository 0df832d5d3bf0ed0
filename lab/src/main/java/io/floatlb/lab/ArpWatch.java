package io.floatlb.lab;

import io.floatlb.failover.announce.Libpcap;
import java.net.InetAddress;
import java.util.Arrays;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNetworkInterface;

/**
 * The lab's LAN capture: prints "{@code <epoch millis> <sender MAC> <request|reply>}" for
 * every ARP frame in which some host claims the watched address (replies, and gratuitous
 * requests from it), until it has printed {@code max} lines or is stopped.
 */
public final class ArpWatch {

    private ArpWatch() {}

    public static void main(String[] args) throws Exception {
        String itf = args[0];
        byte[] watched = InetAddress.getByName(args[1]).getAddress();
        int max = Integer.parseInt(args[2]);
        Libpcap.locate();
        PcapHandle h = new PcapHandle.Builder(itf).snaplen(128)
                .promiscuousMode(PcapNetworkInterface.PromiscuousMode.PROMISCUOUS)
                .timeoutMillis(100).immediateMode(true).build();
        h.setFilter("arp", BpfProgram.BpfCompileMode.OPTIMIZE);
        System.out.println("ready");
        System.out.flush();
        int[] printed = {0};
        h.loop(-1, (byte[] f) -> {
            if (f.length >= 42 && Arrays.equals(Arrays.copyOfRange(f, 28, 32), watched)) {
                StringBuilder mac = new StringBuilder();
                for (int i = 22; i < 28; i++) {
                    mac.append(i == 22 ? "" : ":").append(String.format("%02x", f[i]));
                }
                System.out.println(System.currentTimeMillis() + " " + mac + " " + (f[21] == 2 ? "reply" : "request"));
                System.out.flush();
                if (++printed[0] >= max) {
                    try {
                        h.breakLoop();
                    } catch (Exception ignored) {
                        // the loop ends anyway when the process does
                    }
                }
            }
        });
    }
}
