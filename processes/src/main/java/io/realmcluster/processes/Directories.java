package io.realmcluster.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** File-tree chores shared by the process wrappers. */
final class Directories {
    private static final int TAIL_LINES = 40;

    private Directories() {}

    static void deleteRecursively(final Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (final NoSuchFileException ignored) {
            // Someone else (the process itself, a second stop) removed it first.
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** The last lines of a log, to put into an error message; never throws. */
    static String tail(final Path log) {
        try {
            final List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (final IOException | RuntimeException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
