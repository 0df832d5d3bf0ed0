package io.floatlb.failover.zk;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * zoo.cfg settings for floatlb's servers: a short tick, so that sub-second sessions are
 * allowed, and a maximum as long as any session a config may ask for, since ZooKeeper
 * otherwise caps sessions at 20 ticks (2 s) without a word to the client.
 */
public final class ZooKeeperProperties {
    /** The longest {@code coordination.session-timeout} a config may set. */
    public static final long MAX_SESSION_MILLIS = 300_000;

    private ZooKeeperProperties() {}

    public static Properties standalone(String host, int port, Path dataDir) {
        Properties p = new Properties();
        p.setProperty("tickTime", String.valueOf(EmbeddedZooKeeper.TICK_MILLIS));
        p.setProperty("minSessionTimeout", String.valueOf(2 * EmbeddedZooKeeper.TICK_MILLIS));
        p.setProperty("maxSessionTimeout", String.valueOf(MAX_SESSION_MILLIS));
        p.setProperty("initLimit", "50");
        p.setProperty("syncLimit", "20");
        p.setProperty("dataDir", dataDir.toString());
        p.setProperty("clientPort", String.valueOf(port));
        p.setProperty("clientPortAddress", host);
        p.setProperty("admin.enableServer", "false");
        p.setProperty("maxCnxns", "0");
        p.setProperty("4lw.commands.whitelist", "ruok,mntr,stat");
        return p;
    }

    /**
     * A member of an ensemble. {@code peers} are "host:quorumPort:electionPort", server ids
     * 1..n in that order; the caller writes {@code myid} into the data directory.
     */
    public static Properties ensembleMember(String host, int port, Path dataDir, List<String> peers) {
        Properties p = standalone(host, port, dataDir);
        for (int i = 0; i < peers.size(); i++) {
            p.setProperty("server." + (i + 1), peers.get(i));
        }
        return p;
    }
}
