package io.realmcluster.processes;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL from the zonky binaries jar: on a free port with a throw-away data directory for
 * tests, or on a fixed port with a kept data directory for the local cluster. With {@link Builder#tls}
 * it accepts TCP clients over TLS only ({@code hostssl} in its pg_hba), and its {@link #dataSource()}
 * verifies the server's certificate ({@code sslmode=verify-full}).
 */
public final class PostgresProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresProcess.class);
    private static final String USER = "postgres";
    private static final String DATABASE = "postgres";

    /** Replaced by {@link #restart()}. */
    private volatile EmbeddedPostgres postgres;
    /** How the server was started, to start it again the same way. */
    private final Builder settings;

    private final int port;
    private final Path dataDirectory;
    private final Path logFile;
    private final Path deleteOnStop;
    private final PGSimpleDataSource dataSource;
    /** The CA of the server's certificate; null when the server speaks plaintext. */
    private final Path serverCa;

    private final Thread shutdownHook = new Thread(this::closeQuietly, "postgres-process-shutdown");
    private boolean stopped;

    private PostgresProcess(
            final Builder settings,
            final EmbeddedPostgres postgres,
            final Path dataDirectory,
            final Path logFile,
            final Path deleteOnStop,
            final Path serverCa) {
        this.settings = settings;
        this.postgres = postgres;
        this.serverCa = serverCa;
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
        if (serverCa != null) {
            dataSource.setSsl(true);
            dataSource.setSslMode("verify-full");
            dataSource.setSslRootCert(serverCa.toString());
        }
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

    /**
     * The CA that issued the server's certificate, to give clients as {@code --db-ca}; null when the
     * server speaks plaintext.
     */
    public Path serverCa() {
        return serverCa;
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

    /**
     * The postmaster's pid, from its {@code postmaster.pid}; it is not this JVM's child (pg_ctl
     * starts it), so this is how a supervisor sees it and how an operator signals it.
     */
    public long pid() {
        final Path lockFile = dataDirectory.resolve("postmaster.pid");
        try (var lines = Files.lines(lockFile)) {
            return Long.parseLong(lines.findFirst().orElse("").strip());
        } catch (final IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the postmaster's pid from " + lockFile + ": " + e, e);
        }
    }

    /** Whether the postmaster of {@link #pid()} still runs. */
    public boolean isAlive() {
        try {
            return ProcessHandle.of(pid()).map(ProcessHandle::isAlive).orElse(false);
        } catch (final IllegalStateException noLockFile) {
            return false;
        }
    }

    /**
     * Start the server again on the same port and data, as after a crash: whatever is left of the
     * last one is stopped first (quietly: a killed server cannot answer pg_ctl). PostgreSQL recovers
     * from its write-ahead log on the way up.
     */
    public synchronized void restart() {
        if (stopped) {
            throw new IllegalStateException(this + " was stopped");
        }
        try {
            postgres.close();
        } catch (final IOException | RuntimeException e) {
            LOG.info("{}: the last server did not stop cleanly before the restart ({})", this, e.toString());
        }
        postgres = settings.startEmbedded(port, dataDirectory, logFile, settings.durableCommits(deleteOnStop != null));
        LOG.info("PostgreSQL restarted at {} (pid {})", jdbcUrl(), pid());
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
        /** Null: durable exactly when the data directory is kept. */
        private Boolean durable;

        private Path tlsCa;
        private Path tlsCertificate;
        private Path tlsPrivateKey;

        private Builder() {}

        /**
         * Serve TLS with {@code certificate} and {@code privateKey} (PEM; the key owned by this user and
         * readable by it only, or PostgreSQL refuses it) and refuse plaintext TCP clients; {@code ca}
         * issued the certificate, and is what clients verify it with.
         */
        public Builder tls(final Path ca, final Path certificate, final Path privateKey) {
            for (final Path file : List.of(ca, certificate, privateKey)) {
                if (!Files.isReadable(file)) {
                    throw new IllegalArgumentException("cannot read PostgreSQL's TLS file " + file);
                }
            }
            this.tlsCa = ca.toAbsolutePath();
            this.tlsCertificate = certificate.toAbsolutePath();
            this.tlsPrivateKey = privateKey.toAbsolutePath();
            return this;
        }

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

        /**
         * True: commit as an operator's server does (fsync, full-page writes and synchronous commit on), so a
         * commit's latency includes its flush to disk; false: none of them, for data that dies with its test. By
         * default a kept data directory is durable and a throw-away one is not.
         */
        public Builder durable(final boolean durable) {
            this.durable = durable;
            return this;
        }

        /** Whether the server commits durably: as asked, or when its data is kept. */
        boolean durableCommits(final boolean throwAway) {
            return durable != null ? durable : !throwAway;
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
                postgres = startEmbedded(port != 0 ? port : FreePorts.find(), data, log, durableCommits(throwAway));
            } catch (final RuntimeException e) {
                Scratch.delete(deleteOnStop);
                throw e;
            }
            final PostgresProcess process = new PostgresProcess(this, postgres, data, log, deleteOnStop, tlsCa);
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

        /**
         * A pg_hba beside the data directory (initdb wants that empty) that lets TCP clients in over
         * TLS only: a plaintext connection finds no entry and is refused. Authentication stays as
         * initdb made it, {@code trust}, on loopback.
         */
        private static Path writeTlsOnlyHba(final Path data) throws IOException {
            final Path hba = data.resolveSibling(data.getFileName() + ".pg_hba.conf");
            Files.createDirectories(hba.getParent());
            Files.writeString(
                    hba,
                    String.join(
                            "\n",
                            "# Written by PostgresProcess at every start: TCP over TLS only.",
                            "local all all trust",
                            "hostssl all all 127.0.0.1/32 trust",
                            "hostssl all all ::1/128 trust",
                            ""));
            return hba;
        }

        private EmbeddedPostgres startEmbedded(
                final int chosenPort, final Path data, final Path log, final boolean durableCommits) {
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
                if (durableCommits) {
                    // Kept data is a realm's: a commit is on disk when it returns, as an operator runs it. zonky's
                    // defaults turn synchronous_commit off, and then a killed server comes back without the
                    // transactions of its last moments, though their clients were told they committed.
                    builder.setServerConfig("fsync", "on")
                            .setServerConfig("full_page_writes", "on")
                            .setServerConfig("synchronous_commit", "on");
                } else {
                    // Data that dies with the test needs no crash safety, and skipping it is faster.
                    builder.setServerConfig("fsync", "off")
                            .setServerConfig("full_page_writes", "off")
                            .setServerConfig("synchronous_commit", "off");
                }
                if (tlsCertificate != null) {
                    builder.setServerConfig("ssl", "on")
                            .setServerConfig("ssl_cert_file", tlsCertificate.toString())
                            .setServerConfig("ssl_key_file", tlsPrivateKey.toString())
                            .setServerConfig("hba_file", writeTlsOnlyHba(data).toString())
                            // zonky's own readiness probe connects over TCP: over TLS too, verified.
                            .setConnectConfig("ssl", "true")
                            .setConnectConfig("sslmode", "verify-full")
                            .setConnectConfig("sslrootcert", tlsCa.toString());
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
