package io.realmcluster.processes;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL from the zonky binaries jar: on a free port with a throw-away data directory for
 * tests, or on a fixed port with a kept data directory for the local cluster.
 */
public final class PostgresProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresProcess.class);
    private static final String USER = "postgres";
    private static final String DATABASE = "postgres";

    private final EmbeddedPostgres postgres;
    private final int port;
    private final Path dataDirectory;
    private final Path logFile;
    private final Path deleteOnStop;
    private final PGSimpleDataSource dataSource;
    private final Thread shutdownHook = new Thread(this::closeQuietly, "postgres-process-shutdown");
    private boolean stopped;

    private PostgresProcess(
            final EmbeddedPostgres postgres, final Path dataDirectory, final Path logFile, final Path deleteOnStop) {
        this.postgres = postgres;
        this.port = postgres.getPort();
        this.dataDirectory = dataDirectory;
        this.logFile = logFile;
        this.deleteOnStop = deleteOnStop;
        this.dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"127.0.0.1"});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName(DATABASE);
        dataSource.setUser(USER);
        dataSource.setPassword(password());
    }

    /** A fresh PostgreSQL on a free port, its data deleted on {@link #stop()}. */
    public static PostgresProcess start() {
        return builder().start();
    }

    /**
     * PostgreSQL on {@code port} (0 for a free one) with its data in {@code dataDirectory} (null for a
     * temporary one); {@code cleanDataDirectory} starts from an empty database and deletes it on stop.
     */
    public static PostgresProcess start(final int port, final Path dataDirectory, final boolean cleanDataDirectory) {
        return builder()
                .port(port)
                .dataDirectory(dataDirectory)
                .cleanDataDirectory(cleanDataDirectory)
                .start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** E.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres}. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    /** The JDBC URL of another database on this server. */
    public String jdbcUrl(final String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The superuser the cluster was initialised with. */
    public String user() {
        return USER;
    }

    /** Authentication is {@code trust} on loopback, so this is only what clients may send. */
    public String password() {
        return USER;
    }

    public int port() {
        return port;
    }

    /** A data source for {@link #jdbcUrl()} as {@link #user()}, without pooling. */
    public DataSource dataSource() {
        return dataSource;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Output of initdb, pg_ctl and the server. */
    public Path logFile() {
        return logFile;
    }

    /** Fast shutdown ({@code pg_ctl stop -m fast}); deletes the data if the directory was to be cleaned. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            postgres.close();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot stop PostgreSQL on port " + port, e);
        } finally {
            Scratch.delete(deleteOnStop);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (final IllegalStateException shuttingDown) {
                // The hook is running or about to, and finds the server stopped.
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "postgres[" + jdbcUrl() + ", " + dataDirectory + "]";
    }

    private void closeQuietly() {
        try {
            stop();
        } catch (final RuntimeException e) {
            LOG.warn("cannot stop {} at JVM exit", this, e);
        }
    }

    /** Where and how to run PostgreSQL; {@link #start()} blocks until it answers {@code select 1}. */
    public static final class Builder {
        private int port;
        private Path dataDirectory;
        private boolean cleanDataDirectory = true;
        private Path logFile;
        private boolean stopOnJvmExit = true;

        private Builder() {}

        /** False when the caller stops the server itself, in an order of its own (after its clients). */
        public Builder stopOnJvmExit(final boolean stop) {
            this.stopOnJvmExit = stop;
            return this;
        }

        /** A fixed port, or 0 (the default) for a free one. */
        public Builder port(final int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** A data directory to use or create, or null (the default) for a temporary one. */
        public Builder dataDirectory(final Path dataDirectory) {
            this.dataDirectory = dataDirectory == null
                    ? null
                    : dataDirectory.toAbsolutePath().normalize();
            return this;
        }

        /** True (the default): empty the data directory before start and delete it on stop. */
        public Builder cleanDataDirectory(final boolean cleanDataDirectory) {
            this.cleanDataDirectory = cleanDataDirectory;
            return this;
        }

        /** Where server output goes; default beside the data directory, as {@code <data dir>.log}. */
        public Builder logFile(final Path logFile) {
            this.logFile = logFile;
            return this;
        }

        public PostgresProcess start() {
            RootCheck.requireUsablePostgresUser();
            final long startNanos = System.nanoTime();
            final Path data;
            final Path deleteOnStop;
            if (dataDirectory == null) {
                deleteOnStop = Scratch.createDirectory(Scratch.POSTGRES);
                data = deleteOnStop.resolve("data");
            } else {
                data = dataDirectory;
                deleteOnStop = cleanDataDirectory ? data : null;
                if (cleanDataDirectory) {
                    Directories.deleteRecursively(data);
                }
            }
            final Path log = logFile != null ? logFile : data.resolveSibling(data.getFileName() + ".log");
            final boolean throwAway = deleteOnStop != null;
            final boolean seeded;
            final EmbeddedPostgres postgres;
            try {
                seeded = PostgresTemplate.seed(data);
                postgres = startEmbedded(data, log, throwAway);
            } catch (final RuntimeException e) {
                Scratch.delete(deleteOnStop);
                throw e;
            }
            final PostgresProcess process = new PostgresProcess(postgres, data, log, deleteOnStop);
            if (stopOnJvmExit) {
                Runtime.getRuntime().addShutdownHook(process.shutdownHook);
            }
            LOG.info(
                    "PostgreSQL ready at {} in {} ms{}",
                    process.jdbcUrl(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                    seeded ? " (data from the template)" : "");
            return process;
        }

        private EmbeddedPostgres startEmbedded(final Path data, final Path log, final boolean throwAway) {
            final int chosenPort = port != 0 ? port : FreePorts.find();
            try {
                Files.createDirectories(log.toAbsolutePath().getParent());
                final ProcessBuilder.Redirect toLog = ProcessBuilder.Redirect.appendTo(log.toFile());
                final EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setPort(chosenPort)
                        .setDataDirectory(data)
                        // We empty and delete directories ourselves: zonky's flag would re-run initdb on kept data.
                        .setCleanDataDirectory(false)
                        .setRegisterShutdownHook(false)
                        .setOutputRedirector(toLog)
                        .setErrorRedirector(toLog)
                        .setServerConfig("listen_addresses", "127.0.0.1");
                if (throwAway) {
                    // Data that dies with the test needs no crash safety, and skipping it is faster.
                    builder.setServerConfig("fsync", "off").setServerConfig("full_page_writes", "off");
                }
                return builder.start();
            } catch (final IOException | RuntimeException e) {
                throw new IllegalStateException(
                        "cannot start PostgreSQL on port " + chosenPort + " with data in " + data + ": "
                                + e.getMessage() + "\n--- " + log + " ---\n" + Directories.tail(log),
                        e);
            }
        }
    }
}
