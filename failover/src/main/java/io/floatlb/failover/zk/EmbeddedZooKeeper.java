package io.floatlb.failover.zk;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A real ZooKeeper server inside the agent's process, for the demo and single-host use.
 * Its tick is 100 ms, so sessions as short as 200 ms are granted.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
    public static final int TICK_MILLIS = 100;
    private static final long START_TIMEOUT_MILLIS = 15_000;

    private final ZooKeeperServerEmbedded server;
    private final int port;
    private final Path dataDir;

    private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, int port, Path dataDir) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** Starts a standalone server on a free loopback port with a throw-away data directory. */
    public static EmbeddedZooKeeper start() throws Exception {
        Path dir = Files.createTempDirectory("floatlb-zk");
        int port = freeLoopbackPort();
        Properties p = ZooKeeperProperties.standalone(InetAddress.getLoopbackAddress().getHostAddress(), port, dir);
        return new EmbeddedZooKeeper(start(p, dir), port, dir);
    }

    /** Starts a server from zoo.cfg properties; its data stays in {@code dir}. */
    public static ZooKeeperServerEmbedded start(Properties p, Path dir) throws Exception {
        ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder()
                .baseDir(dir)
                .configuration(p)
                .exitHandler(ExitHandler.LOG_ONLY)
                .build();
        server.start(START_TIMEOUT_MILLIS);
        return server;
    }

    public String connectString() {
        return InetAddress.getLoopbackAddress().getHostAddress() + ":" + port;
    }

    @Override
    public void close() {
        server.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is not worth failing a shutdown for
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
