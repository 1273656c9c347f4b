package io.realmcluster.bench;

import io.realmcluster.processes.PostgresProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The two PostgreSQL servers a benchmark that writes compares: the tests' (fsync off, its data in memory when
 * /dev/shm has room) and one that commits as an operator's does (fsync, full-page writes and synchronous commit
 * on, its data on the disk of the system's temporary directory), so a benchmark shows what durable commits cost
 * beside the figures it always had.
 */
public final class BenchPostgres {
    private BenchPostgres() {}

    /** The tests' server: commits are not flushed. */
    public static PostgresProcess fast() {
        return PostgresProcess.start();
    }

    /** A server whose every acknowledged commit is on disk, its data deleted when it stops. */
    public static PostgresProcess durable() {
        try {
            final Path data =
                    Files.createTempDirectory("bench-postgres-durable").resolve("data");
            return PostgresProcess.builder()
                    .dataDirectory(data)
                    .cleanDataDirectory(true)
                    .durable(true)
                    .start();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot make a data directory for a durable PostgreSQL", e);
        }
    }

    /**
     * E.g. {@code PostgreSQL 14.22 (fsync on, synchronous_commit on, data on ext4 at /tmp/...)}: what decides
     * what a commit costs.
     */
    public static String describe(final PostgresProcess postgres) {
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            return "PostgreSQL " + show(statement, "server_version") + " (fsync " + show(statement, "fsync")
                    + ", synchronous_commit " + show(statement, "synchronous_commit") + ", data on "
                    + Files.getFileStore(postgres.dataDirectory()).type() + " at " + postgres.dataDirectory() + ")";
        } catch (final SQLException | IOException e) {
            return "PostgreSQL at " + postgres.jdbcUrl() + " (settings unreadable: " + e.getMessage() + ")";
        }
    }

    private static String show(final Statement statement, final String setting) throws SQLException {
        try (ResultSet row = statement.executeQuery("SHOW " + setting)) {
            row.next();
            return row.getString(1);
        }
    }
}
