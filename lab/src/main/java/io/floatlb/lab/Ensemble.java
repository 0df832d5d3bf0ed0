package io.floatlb.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** `floatlb zk` servers on lab hosts: one standalone, or an ensemble of several. */
final class Ensemble {

    private Ensemble() {}

    /** Starts server {@code id} (from 1) of the ZooKeeper {@code hosts}; its data stays under {@code dir}. */
    static Process start(LabNetwork net, Path dir, List<String> hosts, int id) {
        String host = hosts.get(id - 1);
        List<String> cmd = new ArrayList<>(List.of("zk", "--listen", net.address(host) + ":2181", "--data",
                dir.resolve(host).toString()));
        if (hosts.size() > 1) {
            cmd.addAll(List.of("--peers", String.join(",", hosts.stream().map(z -> net.address(z) + ":2888:3888").toList()),
                    "--id", String.valueOf(id)));
        }
        return net.start(host, Jvm.floatlb(cmd.toArray(String[]::new)), dir.resolve(host + ".log"));
    }

    static String connectString(LabNetwork net, List<String> hosts) {
        return String.join(",", hosts.stream().map(z -> net.address(z) + ":2181").toList());
    }
}
