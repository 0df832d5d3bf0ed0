package io.floatlb.daemon;

import io.floatlb.core.config.FloatlbConfig;
import io.floatlb.daemon.admin.AdminServer;
import io.floatlb.daemon.admin.Metrics;
import io.floatlb.daemon.reload.ConfigReloader;
import io.floatlb.daemon.reload.ConfigWatcher;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * A node as an operator runs it: the {@link NodeRuntime} built from a config file, plus
 * what operates it: reload (by file change or by the admin API; SIGHUP is the command's),
 * metrics and the admin API. Stopping gives up the VIPs first, drains, and closes the
 * admin API last, so {@code /readyz} reports the stop while it happens.
 */
public final class NodeService implements AutoCloseable {
    private final NodeRuntime node;
    private final ConfigReloader reloader;
    private final AdminServer admin;
    private final ConfigWatcher watcher;

    private NodeService(NodeRuntime node, ConfigReloader reloader, AdminServer admin, ConfigWatcher watcher) {
        this.node = node;
        this.reloader = reloader;
        this.admin = admin;
        this.watcher = watcher;
    }

    public static NodeService start(Path file, FloatlbConfig config) throws Exception {
        NodeRuntime node = NodeRuntime.start(config);
        AdminServer admin = null;
        try {
            ConfigReloader reloader = new ConfigReloader(file, node);
            admin = AdminServer.start(config.adminListen(), node, reloader, new Metrics(node, reloader));
            return new NodeService(node, reloader, admin, ConfigWatcher.start(reloader));
        } catch (IOException | RuntimeException e) {
            if (admin != null) {
                admin.close();
            }
            node.close();
            throw e;
        }
    }

    public NodeRuntime node() {
        return node;
    }

    public ConfigReloader reloader() {
        return reloader;
    }

    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    @Override
    public void close() {
        watcher.close();
        node.close();
        admin.close();
    }
}
