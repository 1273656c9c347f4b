package io.realmcluster.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.realmcluster.common.cli.StartupException;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.testkit.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The pool, its deadlines, the migrations, and the rules the schema itself enforces. */
class DatabaseTest {
    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final String HISTORIES = "SELECT 'accounts ' || version || ':' || success FROM accounts_schema_history "
            + "UNION ALL SELECT 'realm ' || version || ':' || success FROM realm_schema_history ORDER BY 1";

    private Database database;

    @BeforeEach
    void openAnEmptyDatabase() throws SQLException {
        // A database of its own per test: migrations start from nothing, and tests do not see each other's rows.
        final String name = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = PG.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        database =
                Database.open("test", PG.process().jdbcUrl(name), new DatabaseCredentials(PG.user(), PG.password()), 2);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void migrationsApplyOnAnEmptyDatabaseAndAgainAsANoOp() throws SQLException {
        database.migrate();
        final List<String> first = query(HISTORIES);
        database.migrate();
        // The schema migrated second found the first's tables: its history starts before version 1.
        assertThat(query(HISTORIES))
                .isEqualTo(first)
                .containsExactly(
                        "accounts 1:true",
                        "accounts 2:true",
                        "realm 0:true",
                        "realm 1:true",
                        "realm 2:true",
                        "realm 3:true",
                        "realm 4:true",
                        "realm 5:true");
        assertThat(query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                        + "AND table_name NOT LIKE '%schema_history' ORDER BY table_name"))
                .containsExactly("account", "character", "item", "ledger", "resume_credential");
        // A periodic save writes no indexed column, and pages leave room, so it can update the row in place.
        assertThat(query("SELECT indexdef FROM pg_indexes WHERE indexname = 'character_in_transfer'"))
                .singleElement()
                .asString()
                .contains("(transfer_id)")
                .contains("WHERE (state = 'IN_TRANSFER'::text)");
        assertThat(
                        query(
                                "SELECT count(*) FROM pg_indexes WHERE tablename = 'character' AND indexdef LIKE '%updated_at%'"))
                .containsExactly("0");
        assertThat(query("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'character'"))
                .containsExactly("fillfactor=80");
    }

    @Test
    void everyConnectionCarriesTheStatementDeadline() throws SQLException {
        assertThat(query("SHOW statement_timeout")).containsExactly(Database.STATEMENT_TIMEOUT.toSeconds() + "s");
    }

    @Test
    void theSchemaRefusesWhatWouldBreakOwnershipOrTheEconomy() throws SQLException {
        database.migrate();
        execute(
                "INSERT INTO account (name, password_hash, password_salt, password_iterations) VALUES ('Anduin', '\\x00', '\\x00', 1000)");
        execute(
                "INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z) VALUES (1, 'main', 'Anduin', 1, 5, 0, 1, 2, 3)");
        assertThat(
                        query(
                                "SELECT state || ' ' || epoch || ' ' || save_seq || ' ' || coalesce(owner_node, '-') FROM character"))
                .containsExactly("OFFLINE 0 0 -");

        assertRefused(
                "INSERT INTO account (name, password_hash, password_salt, password_iterations) VALUES ('ANDUIN', '\\x00', '\\x00', 1000)",
                "account_name_unique");
        assertRefused(
                "INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z) VALUES (1, 'main', 'Anduin', 1, 5, 0, 1, 2, 3)",
                "character_name_unique");
        execute(
                "INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z) VALUES (1, 'other', 'Anduin', 1, 5, 0, 1, 2, 3)");
        assertRefused("UPDATE character SET money = -1 WHERE character_id = 1", "money_check");
        assertRefused(
                "UPDATE character SET state = 'AFK', owner_node = 'node-1' WHERE character_id = 1", "state_check");
        assertRefused("UPDATE character SET state = 'ONLINE' WHERE character_id = 1", "character_played_has_owner");
        assertRefused(
                "UPDATE character SET state = 'IN_TRANSFER', owner_node = 'node-1' WHERE character_id = 1",
                "character_transfer_has_id");

        // A claimed transfer keeps its id, so a retried offer can be recognised as done.
        execute(
                "UPDATE character SET state = 'IN_TRANSFER', owner_node = 'node-1', transfer_id = gen_random_uuid() WHERE character_id = 1");
        execute(
                "UPDATE character SET state = 'ONLINE', owner_node = 'node-2', epoch = epoch + 1 WHERE character_id = 1");
    }

    @Test
    void itemIdsAreUniqueAndASaveMaySwapTwoSlots() throws SQLException {
        database.migrate();
        execute(
                "INSERT INTO account (name, password_hash, password_salt, password_iterations) VALUES ('Rexxar', '\\x00', '\\x00', 1000)");
        execute(
                "INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z) VALUES (1, 'main', 'Rexxar', 2, 3, 1, 1, 2, 3)");
        execute("INSERT INTO item (character_id, template_id, slot) VALUES (1, 25, 0), (1, 2362, 1)");
        assertThat(query("SELECT item_id FROM item ORDER BY item_id")).containsExactly("1", "2");
        assertRefused("INSERT INTO item (character_id, template_id, slot) VALUES (1, 6948, 0)", "item_slot_unique");

        try (Connection connection = database.connection();
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("UPDATE item SET slot = 1 WHERE item_id = 1");
            statement.execute("UPDATE item SET slot = 0 WHERE item_id = 2");
            connection.commit();
        }
        assertThat(query("SELECT item_id || '@' || slot FROM item ORDER BY item_id"))
                .containsExactly("1@1", "2@0");
    }

    @Test
    void aDatabaseThatIsDownIsOneLineNamingItNotAHang() {
        final String url = "jdbc:postgresql://127.0.0.1:" + FreePorts.find() + "/realm?user=x&password=not-for-logs";
        final StartupException refused = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try {
                Database.open("down", url, new DatabaseCredentials("postgres", "also-secret"), 2)
                        .close();
            } catch (final StartupException e) {
                return e;
            }
            throw new AssertionError("a database that is down was opened");
        });
        assertThat(refused.getMessage())
                .startsWith("cannot connect to the database at "
                        + url.replace("=x", "=***").replace("=not-for-logs", "=***") + ": ")
                .contains("refused")
                .doesNotContain("not-for-logs", "also-secret", "\n");
    }

    @Test
    void onlyPostgresqlUrlsAreAccepted() {
        assertThatThrownBy(
                        () -> Database.open("x", "jdbc:mysql://h/db?password=pw", new DatabaseCredentials("u", ""), 1))
                .isInstanceOf(StartupException.class)
                .hasMessage(
                        "only PostgreSQL is supported: --db-url must start with jdbc:postgresql:, got jdbc:mysql://h/db?password=***");
    }

    @Test
    void urlsAndCredentialsHideWhatIsSecret() {
        assertThat(Database.redact(
                        "jdbc:postgresql://h:5432/realm?ssl=true&user=bob&password=p&sslpassword=q&Password=r"))
                .isEqualTo(
                        "jdbc:postgresql://h:5432/realm?ssl=true&user=***&password=***&sslpassword=***&Password=***");
        assertThat(new DatabaseCredentials("bob", "hunter2").toString())
                .doesNotContain("hunter2")
                .contains("(set)");
        assertThat(database.where())
                .isEqualTo(PG.process()
                        .jdbcUrl(database.where().substring(database.where().lastIndexOf('/') + 1)));
    }

    @Test
    void credentialsComeFromTheEnvironmentOrAPasswordFile(@TempDir final Path directory) throws Exception {
        final Map<String, String> env =
                Map.of(DatabaseCredentials.USER_VARIABLE, "realm", DatabaseCredentials.PASSWORD_VARIABLE, "from-env");
        assertThat(DatabaseCredentials.from(env, null)).isEqualTo(new DatabaseCredentials("realm", "from-env"));
        final Path file = Files.writeString(directory.resolve("pw"), "from-file\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        assertThatThrownBy(() -> DatabaseCredentials.from(env, file)).hasMessageContaining("chmod 600 " + file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(DatabaseCredentials.from(env, file)).isEqualTo(new DatabaseCredentials("realm", "from-file"));
        assertThatThrownBy(() -> DatabaseCredentials.from(Map.of(), null))
                .hasMessage("the database user is not set: export REALM_DB_USER");
    }

    private void execute(final String sql) throws SQLException {
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void assertRefused(final String sql, final String constraint) {
        assertThatThrownBy(() -> execute(sql)).isInstanceOf(SQLException.class).hasMessageContaining(constraint);
    }

    private List<String> query(final String sql) throws SQLException {
        final List<String> rows = new ArrayList<>();
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }
}
