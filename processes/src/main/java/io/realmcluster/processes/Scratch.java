package io.realmcluster.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where throw-away process data lives: /dev/shm when it is a roomy tmpfs, since etcd's fsyncs and
 * PostgreSQL's 40 MB data directories cost seconds on a slow disk and nothing in memory. Each
 * directory is locked by its JVM, so directories of JVMs that were killed can be swept.
 */
final class Scratch {
    static final String ETCD = "etcd-";
    static final String POSTGRES = "postgres-";

    private static final Path SHARED_MEMORY = Path.of("/dev/shm");
    // Docker gives containers a 64 MB /dev/shm: too small for a few PostgreSQL data directories.
    private static final long MIN_FREE_BYTES = 1L << 30;
    private static final String LOCK = ".owner-lock";
    // Between creating a directory and locking it, another JVM must not take it for abandoned.
    private static final Duration UNLOCKED_GRACE = Duration.ofMinutes(10);
    private static final Path ROOT = chooseRoot();
    private static final Map<Path, FileChannel> OWNED = new ConcurrentHashMap<>();
    private static volatile boolean swept;

    private Scratch() {}

    /** The directory throw-away directories go to; the property {@code realmcluster.scratch} overrides it. */
    static Path root() {
        return ROOT;
    }

    /** A new directory, locked by this JVM until {@link #delete(Path)}. */
    static Path createDirectory(final String prefix) {
        sweepOnce();
        try {
            final Path directory = Files.createTempDirectory(ROOT, prefix);
            final FileChannel lock =
                    FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock.lock();
            OWNED.put(directory, lock);
            return directory;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create a " + prefix + " directory in " + ROOT, e);
        }
    }

    /** Delete a directory, ours or not; null is ignored. */
    static void delete(final Path directory) {
        if (directory == null) {
            return;
        }
        final FileChannel lock = OWNED.remove(directory);
        if (lock != null) {
            try {
                lock.close();
            } catch (final IOException ignored) {
                // Closing releases the lock even when it reports an error.
            }
        }
        Directories.deleteRecursively(directory);
    }

    private static void sweepOnce() {
        if (swept) {
            return;
        }
        synchronized (Scratch.class) {
            if (!swept) {
                swept = true;
                sweep();
            }
        }
    }

    /** Delete the directories whose JVM died without deleting them. */
    static void sweep() {
        try (DirectoryStream<Path> candidates = Files.newDirectoryStream(ROOT, "{" + ETCD + "," + POSTGRES + "}*")) {
            for (final Path candidate : candidates) {
                if (Files.isDirectory(candidate) && isAbandoned(candidate)) {
                    Directories.deleteRecursively(candidate);
                }
            }
        } catch (final IOException | UncheckedIOException e) {
            // Sweeping is hygiene; a failure must not fail the test that happened to trigger it.
        }
    }

    private static boolean isAbandoned(final Path directory) throws IOException {
        final Path lockFile = directory.resolve(LOCK);
        if (!Files.exists(lockFile)) {
            final FileTime modified = Files.getLastModifiedTime(directory);
            return modified.toInstant().isBefore(Instant.now().minus(UNLOCKED_GRACE));
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            return lock != null;
        } catch (final OverlappingFileLockException ownedByThisJvm) {
            return false;
        }
    }

    private static Path chooseRoot() {
        final String configured = System.getProperty("realmcluster.scratch");
        if (configured != null) {
            return Path.of(configured);
        }
        try {
            if (Files.isDirectory(SHARED_MEMORY)
                    && Files.isWritable(SHARED_MEMORY)
                    && Files.getFileStore(SHARED_MEMORY).getUsableSpace() >= MIN_FREE_BYTES) {
                return SHARED_MEMORY;
            }
        } catch (final IOException | SecurityException e) {
            // Fall through to the disk.
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
