package io.floatlb.lab;

import io.floatlb.failover.announce.Libpcap;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNetworkInterface;

/**
 * The lab's LAN capture: prints "{@code <epoch millis> <sender MAC> <op> <address>}" for every
 * ARP frame about a watched address: {@code reply} and {@code request} (gratuitous, from the
 * address itself) are claims, {@code ask} a who-has from someone else. It stops after
 * {@code max} lines or when it is stopped. Arguments: interface, max, addresses.
 */
public final class ArpWatch {

    private ArpWatch() {}

    public static void main(String[] args) throws Exception {
        String itf = args[0];
        int max = Integer.parseInt(args[1]);
        List<byte[]> watched = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            watched.add(InetAddress.getByName(args[i]).getAddress());
            names.add(args[i]);
        }
        Libpcap.locate();
        PcapHandle h = new PcapHandle.Builder(itf).snaplen(128)
                .promiscuousMode(PcapNetworkInterface.PromiscuousMode.PROMISCUOUS)
                .timeoutMillis(100).immediateMode(true).build();
        h.setFilter("arp", BpfProgram.BpfCompileMode.OPTIMIZE);
        System.out.println("ready");
        System.out.flush();
        int[] printed = {0};
        h.loop(-1, (byte[] f) -> {
            if (f.length < 42) {
                return;
            }
            byte[] sender = Arrays.copyOfRange(f, 28, 32);
            byte[] target = Arrays.copyOfRange(f, 38, 42);
            String line = null;
            for (int w = 0; w < watched.size() && line == null; w++) {
                if (Arrays.equals(sender, watched.get(w))) {
                    line = mac(f) + " " + (f[21] == 2 ? "reply" : "request") + " " + names.get(w);
                } else if (f[21] == 1 && Arrays.equals(target, watched.get(w))) {
                    line = mac(f) + " ask " + names.get(w);
                }
            }
            if (line != null) {
                System.out.println(System.currentTimeMillis() + " " + line);
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

    private static String mac(byte[] f) {
        StringBuilder mac = new StringBuilder();
        for (int i = 22; i < 28; i++) {
            mac.append(i == 22 ? "" : ":").append(String.format("%02x", f[i]));
        }
        return mac.toString();
    }
}
