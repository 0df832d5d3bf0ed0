package io.floatlb.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One agent per node on a host: an exclusive lock on a file named after the node, taken
 * before anything is bound and held for the agent's life. The kernel drops the lock with
 * the process, so a crashed agent never blocks its successor. The file holds the PID of
 * the holder, for the error a second agent prints.
 */
public final class NodeLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private NodeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @param node a validated node name (letters, digits, '.', '_', '-'), so a safe file name */
    public static NodeLock acquire(String node) {
        return acquire(runtimeDirectory(), node);
    }

    /** Whether an agent for {@code node} runs on this host now (its lock is taken). */
    public static boolean held(String node) {
        Path file = runtimeDirectory().resolve(node + ".lock");
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false; // not ours to open: say nothing of it
        }
    }

    static NodeLock acquire(Path dir, String node) {
        Path file = dir.resolve(node + ".lock");
        FileChannel channel;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            String why = e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            throw new IllegalStateException("cannot open the agent lock " + file + ": " + why
                    + "; set RUNTIME_DIRECTORY to a directory this user may write", e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another agent in this very process
        } catch (IOException e) {
            close(channel);
            throw new IllegalStateException("cannot lock " + file + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            String holder = holder(file);
            close(channel);
            throw new IllegalStateException("another floatlb agent" + holder + " already serves node '" + node
                    + "' on this host (lock " + file + "); stop it first, or give this one another node.name");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException e) {
            // the PID is only for the message a second agent prints
        }
        return new NodeLock(channel, lock);
    }

    /**
     * Where agents keep their locks: systemd's RuntimeDirectory, else /run/floatlb for root,
     * else a directory of this user's under the temporary directory.
     */
    static Path runtimeDirectory() {
        String systemd = System.getenv("RUNTIME_DIRECTORY");
        if (systemd != null && !systemd.isBlank()) {
            return Path.of(systemd.split(":")[0]);
        }
        if (Files.isWritable(Path.of("/run"))) {
            return Path.of("/run/floatlb");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "floatlb-" + System.getProperty("user.name"));
    }

    private static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        close(channel);
    }
}
