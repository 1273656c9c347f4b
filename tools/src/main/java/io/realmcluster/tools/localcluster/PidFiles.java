package io.realmcluster.tools.localcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * {@code RUN/pids/}: one {@code NAME.pid} per child of the launcher, rewritten at each restart, so that
 * an operator, a test or a chaos run can signal it; and {@code NAME.restart}, the mark by which
 * {@code rollout restart} tells the supervisor that the exit it is about to cause is wanted.
 */
public final class PidFiles {
    static final String DIRECTORY = "pids";
    private static final String PID = ".pid";
    private static final String RESTART = ".restart";

    private final Path directory;

    public PidFiles(final Path runDirectory) {
        this.directory = runDirectory.resolve(DIRECTORY);
    }

    Path directory() {
        return directory;
    }

    /** Write {@code pid} for {@code name}, replacing the file at once (a reader never sees half a number). */
    void write(final String name, final long pid) {
        try {
            Files.createDirectories(directory);
            final Path temporary = directory.resolve(name + PID + ".tmp");
            Files.writeString(temporary, pid + "\n");
            Files.move(
                    temporary,
                    pidFile(name),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the pid file of " + name + " in " + directory, e);
        }
    }

    /** The pid written for {@code name}, if any. */
    public OptionalLong read(final String name) {
        final Path file = pidFile(name);
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(file).strip()));
        } catch (final java.nio.file.NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (final NumberFormatException e) {
            throw new IllegalStateException(file + " holds no pid: " + e.getMessage(), e);
        }
    }

    /** The children with a pid file whose names start with {@code prefix}, sorted by name. */
    public List<String> names(final String prefix) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(file -> file.endsWith(PID) && file.startsWith(prefix))
                    .map(file -> file.substring(0, file.length() - PID.length()))
                    .sorted()
                    .toList();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    /** Mark the next exit of {@code name} as wanted: the supervisor restarts it at once. */
    void requestRestart(final String name) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(name + RESTART), "");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot mark " + name + " for a restart in " + directory, e);
        }
    }

    /** Whether a restart of {@code name} was asked for; the mark is consumed. */
    boolean takeRestartRequest(final String name) {
        try {
            return Files.deleteIfExists(directory.resolve(name + RESTART));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the restart mark of " + name + " in " + directory, e);
        }
    }

    /** Remove the pid files and marks of a cluster that stopped. */
    void clear(final String name) {
        try {
            Files.deleteIfExists(pidFile(name));
            Files.deleteIfExists(directory.resolve(name + RESTART));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot remove the pid file of " + name + " in " + directory, e);
        }
    }

    private Path pidFile(final String name) {
        return directory.resolve(name + PID);
    }
}
