package io.realmcluster.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accounts schema and the realm schema: in one database or in two, new or upgraded in place
 * from the combined migrations that came before the split; and the flags that name realm databases.
 */
class SchemaSplitTest {
    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    private static final String CHARACTER =
            "INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z) VALUES (%d, '%s', '%s', 1, 1, 0, 1, 2, 3)";

    @Test
    void aCombinedDatabaseOfTheOldMigrationsIsUpgradedInPlaceWithItsRows() throws SQLException {
        final String name = freshDatabase();
        // Made by the code before the split: V1 to V4 in flyway_schema_history, a character with an item and money.
        legacy(name, "4");
        try (Database database = open(name)) {
            execute(
                    database,
                    "INSERT INTO account (name, password_hash, password_salt, password_iterations) VALUES ('Jaina', '\\x00', '\\x00', 1000)");
            execute(database, CHARACTER.formatted(1, "main", "Jaina"));
            execute(database, "INSERT INTO item (character_id, template_id, slot) VALUES (1, 25, 0)");
            execute(
                    database,
                    "INSERT INTO ledger (character_id, money_delta, items_created, source, node, epoch, save_seq) "
                            + "VALUES (1, 50, '{1}', 'loot', 'node-a', 1, 1)");
            execute(database, "UPDATE character SET money = 50 WHERE character_id = 1");
            assertThat(query(
                            database, "SELECT count(*) FROM pg_constraint WHERE conname = 'character_account_id_fkey'"))
                    .containsExactly("1");

            database.migrate();
            database.migrate();

            assertThat(query(database, DatabaseTest.HISTORIES))
                    .as("both histories start at the version the old migrations already hold")
                    .containsExactly(
                            "accounts 1:true",
                            "accounts 2:true",
                            "realm 1:true",
                            "realm 2:true",
                            "realm 3:true",
                            "realm 4:true",
                            "realm 5:true");
            assertThat(query(database, "SELECT version FROM flyway_schema_history ORDER BY installed_rank"))
                    .containsExactly("1", "2", "3", "4");
            assertThat(
                            query(
                                    database,
                                    "SELECT a.name || ' ' || c.name || ' ' || c.money || ' ' || i.item_id FROM account a "
                                            + "JOIN character c ON c.account_id = a.account_id JOIN item i ON i.character_id = c.character_id"))
                    .containsExactly("Jaina Jaina 50 1");
            assertThat(query(
                            database, "SELECT count(*) FROM pg_constraint WHERE conname = 'character_account_id_fkey'"))
                    .as("the account may live in another database: no foreign key")
                    .containsExactly("0");
            // The fencing trigger and the constraints of the old schema are still there.
            assertThatThrownBy(() -> execute(database, "UPDATE character SET epoch = -1 WHERE character_id = 1"))
                    .hasMessageContaining("would overwrite");
            execute(database, CHARACTER.formatted(42, "main", "Thrall"));
        }
    }

    @Test
    void aCombinedDatabaseBehindTheLastOldMigrationIsBroughtUpToItFirst() throws SQLException {
        final String name = freshDatabase();
        legacy(name, "2");
        try (Database database = open(name)) {
            database.migrate(Database.Schema.REALM);
            database.migrate(Database.Schema.ACCOUNTS);
            assertThat(query(database, "SELECT version FROM flyway_schema_history ORDER BY installed_rank"))
                    .containsExactly("1", "2", "3", "4");
            assertThat(query(database, DatabaseTest.HISTORIES))
                    .containsExactly(
                            "accounts 1:true",
                            "accounts 2:true",
                            "realm 1:true",
                            "realm 2:true",
                            "realm 3:true",
                            "realm 4:true",
                            "realm 5:true");
            assertThat(query(
                            database,
                            "SELECT count(*) FROM pg_trigger WHERE tgname = 'character_fencing_never_regresses'"))
                    .containsExactly("1");
        }
    }

    @Test
    void accountsAndARealmInSeparateDatabasesHoldOnlyTheirOwnTables() throws SQLException {
        try (Database accounts = open(freshDatabase());
                Database realm = open(freshDatabase())) {
            accounts.migrate(Database.Schema.ACCOUNTS);
            realm.migrate(Database.Schema.REALM);
            realm.migrate(Database.Schema.REALM);
            assertThat(tables(accounts)).containsExactly("account", "accounts_schema_history", "resume_credential");
            assertThat(tables(realm)).containsExactly("character", "item", "ledger", "realm_schema_history");
            assertThat(query(
                            realm,
                            "SELECT version || ':' || success FROM realm_schema_history ORDER BY installed_rank"))
                    .containsExactly("1:true", "2:true", "3:true", "4:true", "5:true");
            // The account is in the other database: the realm's row names it without a reference to check.
            execute(realm, CHARACTER.formatted(7, "second", "Sylvanas"));
            assertThat(query(realm, "SELECT character_id || ' ' || account_id FROM character"))
                    .containsExactly("1 7");
        }
    }

    @Test
    void aRealmSchemaMigratedFirstLeavesRoomForTheAccounts() throws SQLException {
        try (Database database = open(freshDatabase())) {
            database.migrate(Database.Schema.REALM);
            database.migrate(Database.Schema.ACCOUNTS);
            assertThat(query(database, DatabaseTest.HISTORIES))
                    .containsExactly(
                            "accounts 0:true",
                            "accounts 1:true",
                            "accounts 2:true",
                            "realm 1:true",
                            "realm 2:true",
                            "realm 3:true",
                            "realm 4:true",
                            "realm 5:true");
            assertThat(tables(database))
                    .contains("account", "character", "item", "ledger")
                    .doesNotContain("flyway_schema_history");
        }
    }

    @Test
    void realmDatabasesAreNamedOnlyForServedRealmsWithTheirOwnCredentials(@TempDir final Path directory)
            throws Exception {
        final Map<String, String> env = Map.of(
                "REALM_DB_USER", "realm",
                "REALM_DB_PASSWORD", "shared",
                "REALM_DB_USER_SECOND", "second_user",
                "REALM_DB_PASSWORD_SECOND", "second-secret");
        final Map<String, String> urls = new LinkedHashMap<>();
        urls.put("second", "jdbc:postgresql://h/second?password=in-url");
        urls.put("third-realm", "jdbc:postgresql://h/third");
        final Map<String, RealmDatabase> resolved =
                new RealmDatabaseOptions(urls, Map.of()).resolve(List.of("main", "second", "third-realm"), env);
        assertThat(resolved.get("second").credentials())
                .isEqualTo(new DatabaseCredentials("second_user", "second-secret"));
        assertThat(resolved.get("third-realm").credentials()).isEqualTo(new DatabaseCredentials("realm", "shared"));
        assertThat(resolved).doesNotContainKey("main");
        assertThat(resolved.toString()).doesNotContain("second-secret", "shared", "in-url");
        assertThat(DatabaseCredentials.variable("REALM_DB_USER", "third-realm")).isEqualTo("REALM_DB_USER_THIRD_REALM");

        assertThatThrownBy(() -> new RealmDatabaseOptions(urls, Map.of()).resolve(List.of("main", "second"), env))
                .isInstanceOf(StartupException.class)
                .hasMessage(
                        "--realm-db third-realm=...: realm third-realm is not served here (serving [main, second]); "
                                + "add it to --realms or drop its --realm-db");
        assertThatThrownBy(() -> new RealmDatabaseOptions(Map.of(), Map.of("main", directory.resolve("pw")))
                        .resolve(List.of("main"), env))
                .hasMessageStartingWith(
                        "--realm-db-password-file main=...: realm main has no --realm-db main=JDBC-URL");

        final Path file = Files.writeString(directory.resolve("second.pw"), "from-file\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        final RealmDatabaseOptions withFile = new RealmDatabaseOptions(urls, Map.of("second", file));
        assertThatThrownBy(() -> withFile.resolve(List.of("second", "third-realm"), env))
                .hasMessageContaining("chmod 600 " + file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(withFile.resolve(List.of("second", "third-realm"), env)
                        .get("second")
                        .credentials())
                .isEqualTo(new DatabaseCredentials("second_user", "from-file"));
        assertThatThrownBy(() -> new RealmDatabaseOptions(urls, Map.of())
                        .resolve(List.of("second", "third-realm"), Map.of("REALM_DB_USER_SECOND", "x")))
                .hasMessage("the database user of realm third-realm is not set: export REALM_DB_USER_THIRD_REALM or "
                        + "REALM_DB_USER");
    }

    @Test
    void aRealmDatabaseThatIsDownIsOneLineNamingTheRealmAndNoPassword() {
        final Database accounts = open(freshDatabase());
        final String url = "jdbc:postgresql://127.0.0.1:" + FreePorts.find() + "/second?password=not-for-logs";
        assertThatThrownBy(() -> RealmDatabases.open(
                        "test",
                        accounts,
                        List.of("main", "second"),
                        Map.of("second", new RealmDatabase("second", url, new DatabaseCredentials("u", "also-secret"))),
                        null,
                        1))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith(
                        "realm second's database (--realm-db second=...): cannot connect to the database at "
                                + url.replace("=not-for-logs", "=***"))
                .hasMessageNotContaining("not-for-logs")
                .hasMessageNotContaining("also-secret");
        // The accounts pool it was given is closed with the failure.
        assertThatThrownBy(accounts::connection).isInstanceOf(SQLException.class);
    }

    @Test
    void realmsWithoutADatabaseOfTheirOwnShareTheAccountsDatabase() throws SQLException {
        final String secondName = freshDatabase();
        try (RealmDatabases databases = RealmDatabases.open(
                "test",
                open(freshDatabase()),
                List.of("main", "second"),
                Map.of(
                        "second",
                        new RealmDatabase(
                                "second",
                                PG.process().jdbcUrl(secondName),
                                new DatabaseCredentials(PG.user(), PG.password()))),
                null,
                2)) {
            databases.migrate();
            assertThat(databases.of("main")).isSameAs(databases.accounts());
            assertThat(databases.of("second")).isNotSameAs(databases.accounts());
            assertThat(databases.byDatabase().values()).containsExactly(List.of("main"), List.of("second"));
            assertThat(tables(databases.accounts())).contains("account", "character");
            assertThat(tables(databases.of("second"))).contains("character").doesNotContain("account");
            // Ids come from each database's own sequence: identity is (realm, id).
            execute(databases.of("main"), CHARACTER.formatted(1, "main", "Anduin"));
            execute(databases.of("second"), CHARACTER.formatted(1, "second", "Anduin"));
            assertThat(query(databases.of("main"), "SELECT character_id || realm FROM character"))
                    .containsExactly("1main");
            assertThat(query(databases.of("second"), "SELECT character_id || realm FROM character"))
                    .containsExactly("1second");
            assertThatThrownBy(() -> databases.of("third"))
                    .hasMessage("no database for realm 'third': the realms served are [main, second]");
        }
    }

    /** The schema as the code before the split made it, up to {@code version}. */
    private static void legacy(final String name, final String version) {
        try (Database database = open(name)) {
            Flyway.configure()
                    .dataSource(database.dataSource())
                    .locations("classpath:db/legacy")
                    .target(version)
                    .load()
                    .migrate();
        }
    }

    private static String freshDatabase() {
        final String name = "s_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = PG.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (final SQLException e) {
            throw new IllegalStateException(e);
        }
        return name;
    }

    private static Database open(final String name) {
        return Database.open("test", PG.process().jdbcUrl(name), new DatabaseCredentials(PG.user(), PG.password()), 2);
    }

    private static List<String> tables(final Database database) throws SQLException {
        return query(
                database,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    }

    private static void execute(final Database database, final String sql) throws SQLException {
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<String> query(final Database database, final String sql) throws SQLException {
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
