package io.realmcluster.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.processes.PostgresProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL that speaks TLS only, as the local cluster runs it, against the pool that verifies it
 * ({@code --db-ca}: {@code sslmode=verify-full}).
 */
class DatabaseTlsTest {
    @TempDir
    static Path directory;

    private static PostgresProcess postgres;
    private static DatabaseCredentials credentials;

    @BeforeAll
    static void startPostgresWithTls() throws Exception {
        final Pki pki = Pki.at(directory.resolve("pki"));
        pki.init("test", Pki.CA_VALIDITY);
        final TlsFiles server = pki.issue(Role.SERVER, "postgres", List.of("localhost", "127.0.0.1"), Pki.VALIDITY);
        postgres = PostgresProcess.builder()
                .tls(server.ca(), server.certificate(), server.privateKey())
                .start();
        credentials = new DatabaseCredentials(postgres.user(), postgres.password());
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.stop();
        }
    }

    @Test
    void poolWithTheServersCaConnectsOverVerifiedTls() throws SQLException {
        try (Database database = Database.open("tls", postgres.jdbcUrl(), credentials, postgres.serverCa(), 1);
                Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet row =
                        statement.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getBoolean("ssl")).as("this connection is encrypted").isTrue();
            assertThat(row.getString("version")).startsWith("TLSv1.");
        }
    }

    @Test
    void plaintextConnectionIsRefusedByPgHba() {
        assertThatThrownBy(() -> DriverManager.getConnection(
                                postgres.jdbcUrl() + "?sslmode=disable", postgres.user(), postgres.password())
                        .close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("no pg_hba.conf entry")
                .hasMessageContaining("no encryption");
    }

    @Test
    void serverCertificateOfAnotherCaFailsVerifyFull() throws Exception {
        final Pki stranger = Pki.at(directory.resolve("another-pki"));
        stranger.init("stranger", Pki.CA_VALIDITY);
        assertThatThrownBy(() -> Database.open("stranger", postgres.jdbcUrl(), credentials, stranger.caCertificate(), 1)
                        .close())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("cannot connect to the database at " + postgres.jdbcUrl())
                .hasMessageContaining("certification path");
    }

    @Test
    void serverCaWithTlsSettingsInTheUrlIsRefused() {
        assertThatThrownBy(() -> Database.open(
                                "both", postgres.jdbcUrl() + "?sslmode=disable", credentials, postgres.serverCa(), 1)
                        .close())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("remove them from --db-url");
    }

    @Test
    void unreadableServerCaIsNamed() {
        final Path missing = directory.resolve("no-such-ca.crt");
        assertThatThrownBy(() -> Database.open("missing", postgres.jdbcUrl(), credentials, missing, 1)
                        .close())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("--db-ca");
    }
}
