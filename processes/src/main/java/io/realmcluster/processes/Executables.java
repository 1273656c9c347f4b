package io.realmcluster.processes;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Programs on the PATH, and commands started out of reach of the terminal's signals. */
public final class Executables {
    private Executables() {}

    /** {@code name} in the first directory of {@code path} (a PATH value) that holds it as an executable file. */
    public static Optional<Path> onPath(final String name, final String path) {
        for (final String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            final Path candidate = Path.of(directory, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code command} run in a session of its own (through setsid, where the PATH has it), so that a
     * Ctrl-C in the terminal reaches only the caller, which then stops it in its own order. setsid
     * execs the command in place, so the process started is the command's own.
     */
    public static List<String> inOwnSession(final List<String> command) {
        final Optional<Path> setsid =
                onPath("setsid", Optional.ofNullable(System.getenv("PATH")).orElse(""));
        if (setsid.isEmpty()) {
            return command;
        }
        final List<String> detached = new ArrayList<>(command.size() + 1);
        detached.add(setsid.get().toString());
        detached.addAll(command);
        return detached;
    }
}
