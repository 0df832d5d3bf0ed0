package io.floatlb.daemon.cli;

import io.floatlb.core.net.HostPort;
import io.floatlb.failover.zk.EmbeddedZooKeeper;
import io.floatlb.failover.zk.ZooKeeperProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** A real ZooKeeper server from the bundled jar, standalone or as an ensemble member. */
@Command(name = "zk", mixinStandardHelpOptions = true,
        description = "Run a ZooKeeper server (tick 100 ms, so sub-second sessions are allowed).")
public final class ZkCommand implements Callable<Integer> {

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "client address, e.g. 198.18.0.2:2181")
    HostPort listen;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "data directory (kept across restarts)")
    Path data;

    @Option(names = "--peers", split = ",", paramLabel = "HOST:QUORUM:ELECTION",
            description = "every ensemble member, this one included, e.g. 198.18.0.2:2888:3888,198.18.0.3:2888:3888,198.18.0.4:2888:3888")
    List<String> peers;

    @Option(names = "--id", paramLabel = "N", description = "this server's position in --peers, from 1")
    Integer id;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        UntilStopped stop = UntilStopped.install();
        Files.createDirectories(data);
        String host = listen.address().getHostAddress();
        Properties p;
        if (peers == null || peers.isEmpty()) {
            p = ZooKeeperProperties.standalone(host, listen.port(), data);
        } else {
            if (id == null || id < 1 || id > peers.size()) {
                throw new ParameterException(spec.commandLine(),
                        "--id must give this server's position in --peers (1 to " + peers.size() + ")");
            }
            Files.writeString(data.resolve("myid"), id + "\n", StandardCharsets.US_ASCII);
            p = ZooKeeperProperties.ensembleMember(host, listen.port(), data, peers);
        }
        var server = EmbeddedZooKeeper.start(p, data);
        System.out.printf("ZooKeeper %s on %s (data %s)%n",
                peers == null ? "standalone" : "member " + id + " of " + peers.size(), listen, data);
        stop.await(server::close);
        return 0;
    }
}
