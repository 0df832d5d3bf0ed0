package io.floatlb.daemon.reload;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads when the config file changes. Watches the directory, not the file, because
 * editors and config management replace files by rename; waits for the writes to settle
 * before reloading, so a half-written file is not what gets validated.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
    static final long SETTLE_MILLIS = 300;

    private final WatchService watch;
    private final Thread thread;

    private ConfigWatcher(WatchService watch, Path file, ConfigReloader reloader) {
        this.watch = watch;
        this.thread = new Thread(() -> run(file, reloader), "config-watch");
        thread.setDaemon(true);
    }

    public static ConfigWatcher start(ConfigReloader reloader) throws IOException {
        Path file = reloader.file().toAbsolutePath();
        WatchService watch = FileSystems.getDefault().newWatchService();
        file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        ConfigWatcher w = new ConfigWatcher(watch, file, reloader);
        w.thread.start();
        return w;
    }

    private void run(Path file, ConfigReloader reloader) {
        try {
            while (true) {
                WatchKey key = watch.take();
                boolean ours = touches(key, file);
                key.reset();
                if (!ours) {
                    continue;
                }
                // Let the burst of events of one save pass, then reload once.
                for (WatchKey more = watch.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS); more != null;
                     more = watch.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) {
                    more.pollEvents();
                    more.reset();
                }
                try {
                    reloader.reload("file changed");
                } catch (RuntimeException e) {
                    // The reloader answers every file with an outcome; whatever escapes it must not end the watch.
                    log.error("reload after a file change failed, the running config stays: {}", e.toString());
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            log.debug("config watch stopped");
        }
    }

    private static boolean touches(WatchKey key, Path file) {
        boolean ours = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            if (e.context() instanceof Path p && p.equals(file.getFileName())) {
                ours = true;
            }
        }
        return ours;
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException e) {
            log.debug("closing the config watch: {}", e.getMessage());
        }
    }
}
