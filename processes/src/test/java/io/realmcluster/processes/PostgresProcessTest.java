package io.realmcluster.processes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresProcessTest {
    @Test
    void keptDataDirectorySurvivesAStopOnTheSamePort(@TempDir final Path runDirectory) throws SQLException {
        final Path data = runDirectory.resolve("postgres");
        final int port = FreePorts.find();

        try (PostgresProcess first = PostgresProcess.start(port, data, false)) {
            execute(first, "create table realm (name text primary key)");
            execute(first, "insert into realm values ('azeroth')");
        }
        assertThat(data.resolve("PG_VERSION")).exists();

        try (PostgresProcess second = PostgresProcess.start(port, data, false)) {
            assertThat(second.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/postgres");
            assertThat(queryString(second, "select name from realm")).isEqualTo("azeroth");
        }
        assertThat(data).isDirectory();
    }

    @Test
    void killedPostmasterRestartsOnTheSamePortWithItsCommittedRows(@TempDir final Path runDirectory) throws Exception {
        try (PostgresProcess postgres = PostgresProcess.start(0, runDirectory.resolve("postgres"), false)) {
            execute(postgres, "create table realm (name text primary key)");
            execute(postgres, "insert into realm values ('azeroth')");
            assertThat(queryString(postgres, "show synchronous_commit"))
                    .as("a kept cluster's commit is durable when it returns")
                    .isEqualTo("on");
            final long killed = postgres.pid();
            final ProcessHandle postmaster = ProcessHandle.of(killed).orElseThrow();

            postmaster.destroyForcibly();
            postmaster.onExit().get(10, TimeUnit.SECONDS);
            assertThat(postgres.isAlive()).isFalse();

            postgres.restart();
            assertThat(postgres.isAlive()).isTrue();
            assertThat(postgres.pid()).isNotEqualTo(killed);
            assertThat(queryString(postgres, "select name from realm")).isEqualTo("azeroth");
        }
    }

    @Test
    void cleanDataDirectoryStartsEmptyAndLeavesNothing(@TempDir final Path runDirectory) throws SQLException {
        final Path data = runDirectory.resolve("postgres");
        try (PostgresProcess kept = PostgresProcess.start(0, data, false)) {
            execute(kept, "create table leftover (id int)");
        }

        try (PostgresProcess clean = PostgresProcess.start(0, data, true)) {
            assertThat(queryString(clean, "select count(*)::text from pg_tables where tablename = 'leftover'"))
                    .isEqualTo("0");
        }
        assertThat(data).doesNotExist();
    }

    @Test
    void temporaryDataDirectoryIsDeletedOnStop() throws SQLException {
        final PostgresProcess postgres = PostgresProcess.start();
        final Path data = postgres.dataDirectory();
        assertThat(queryString(postgres, "select 'up'")).isEqualTo("up");

        postgres.stop();

        assertThat(data).doesNotExist();
    }

    private static void execute(final PostgresProcess postgres, final String sql) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String queryString(final PostgresProcess postgres, final String sql) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).as("a row from: %s", sql).isTrue();
            return result.getString(1);
        }
    }
}
