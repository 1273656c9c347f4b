package io.realmcluster.controlplane.characters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.db.RealmDatabase;
import io.realmcluster.common.db.RealmDatabases;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.v1.InvariantResult;
import io.realmcluster.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The invariant checker finds each kind of damage it names, and the sweeper repairs what it may. */
class InvariantCheckerTest {
    @RegisterExtension
    final PostgresExtension postgres = new PostgresExtension();

    private Database database;
    private long account;

    @BeforeEach
    void schema() throws SQLException {
        database = Database.open(
                "check-test", postgres.jdbcUrl(), new DatabaseCredentials(postgres.user(), postgres.password()), 2);
        database.migrate();
        account = value("INSERT INTO account (name, password_hash, password_salt, password_iterations) "
                + "VALUES ('Checker', '\\x00', '\\x00', 1) RETURNING account_id");
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aHealthyDatabasePasses() throws SQLException {
        final long looter = character("Looter");
        update("INSERT INTO ledger (character_id, money_delta, source, node, epoch, save_seq) VALUES (" + looter
                + ", 30, 'loot', 'node-a', 1, 1)");
        update("UPDATE character SET money = 30, state = 'ONLINE', owner_node = 'node-a', epoch = 1, save_seq = 1 "
                + "WHERE character_id = " + looter);

        final InvariantReport report = new InvariantChecker(database, 30).check(Set.of("node-a"));
        assertThat(report.getOk()).as(report.toString()).isTrue();
        assertThat(byName(report).get("characters_owned_by_live_nodes").getChecked())
                .isEqualTo(1);
    }

    @Test
    void eachKindOfDamageIsFoundAndNamed() throws SQLException {
        final long orphan = character("Orphan");
        update("UPDATE character SET state = 'ONLINE', owner_node = 'node-dead', epoch = 1 WHERE character_id = "
                + orphan);
        final long rich = character("Rich");
        update("UPDATE character SET money = 500 WHERE character_id = " + rich);
        final long frozen = character("Frozen");
        update("UPDATE character SET state = 'IN_TRANSFER', owner_node = 'node-a', transfer_id = '" + UUID.randomUUID()
                + "', updated_at = now() - interval '5 minutes' WHERE character_id = " + frozen);

        final InvariantReport report = new InvariantChecker(database, 30).check(Set.of("node-a"));
        assertThat(report.getOk()).isFalse();
        final Map<String, InvariantResult> results = byName(report);
        assertThat(results.get("characters_owned_by_live_nodes").getViolationsList())
                .singleElement()
                .asString()
                .contains("Orphan")
                .contains("node-dead");
        assertThat(results.get("money_explained_by_ledger").getViolationsList())
                .singleElement()
                .asString()
                .contains("Rich has 500 copper, its ledger explains 0");
        assertThat(results.get("no_stale_transfers").getViolationsList())
                .singleElement()
                .asString()
                .contains("Frozen");
        assertThat(results.get("item_ids_unique").getOk()).isTrue();
        assertThat(results.get("saves_never_regress").getOk()).isTrue();
    }

    @Test
    void theDatabaseRefusesAnUpdateThatTakesFencingBackwards() throws SQLException {
        final long character = character("Fenced");
        update("UPDATE character SET epoch = 5, save_seq = 9 WHERE character_id = " + character);
        assertThatThrownBy(() -> update("UPDATE character SET save_seq = 8 WHERE character_id = " + character))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("would overwrite epoch 5, save 9");
        assertThatThrownBy(() -> update("UPDATE character SET epoch = 4 WHERE character_id = " + character))
                .isInstanceOf(SQLException.class);
    }

    @Test
    void theSweeperGivesBackCharactersOfGoneNodesAndStuckTransfersButNotRecentOnes() throws SQLException {
        final long orphan = character("Orphan");
        update("UPDATE character SET state = 'ONLINE', owner_node = 'node-dead', epoch = 1, "
                + "updated_at = now() - interval '1 minute' WHERE character_id = " + orphan);
        final long recent = character("Recent");
        update("UPDATE character SET state = 'ONLINE', owner_node = 'node-new', epoch = 1 WHERE character_id = "
                + recent);
        final long alive = character("Alive");
        update("UPDATE character SET state = 'ONLINE', owner_node = 'node-a', epoch = 1, "
                + "updated_at = now() - interval '1 minute' WHERE character_id = " + alive);
        final long frozen = character("Frozen");
        update("UPDATE character SET state = 'IN_TRANSFER', owner_node = 'node-a', epoch = 3, transfer_id = '"
                + UUID.randomUUID() + "', updated_at = now() - interval '5 minutes' WHERE character_id = " + frozen);

        try (CharacterSweeper sweeper = new CharacterSweeper(database, () -> Set.of("node-a"), () -> true, 30)) {
            assertThat(sweeper.sweep(Set.of("node-a"))).isEqualTo(2);
        }
        assertThat(text("SELECT state FROM character WHERE character_id = " + orphan))
                .isEqualTo("OFFLINE");
        assertThat(text("SELECT state FROM character WHERE character_id = " + recent))
                .as("claimed moments ago: its node may have registered after the live set was read")
                .isEqualTo("ONLINE");
        assertThat(text("SELECT state FROM character WHERE character_id = " + alive))
                .isEqualTo("ONLINE");
        assertThat(text("SELECT state || ' ' || epoch FROM character WHERE character_id = " + frozen))
                .as("the reset raises the epoch, so the transfer's claim at epoch 3 can no longer win")
                .isEqualTo("OFFLINE 4");
    }

    @Test
    void theSweeperGivesBackOrphansInEveryRealmDatabase() throws SQLException {
        final long inMain = character("Orphan");
        update("UPDATE character SET state = 'ONLINE', owner_node = 'node-dead', epoch = 1, "
                + "updated_at = now() - interval '1 minute' WHERE character_id = " + inMain);
        update("CREATE DATABASE sweep_second");
        try (RealmDatabases databases = RealmDatabases.open(
                "sweep-test",
                Database.open(
                        "sweep-main",
                        postgres.jdbcUrl(),
                        new DatabaseCredentials(postgres.user(), postgres.password()),
                        2),
                List.of("main", "second"),
                Map.of(
                        "second",
                        new RealmDatabase(
                                "second",
                                postgres.process().jdbcUrl("sweep_second"),
                                new DatabaseCredentials(postgres.user(), postgres.password()))),
                null,
                2)) {
            databases.migrate();
            try (Connection connection = databases.of("second").connection();
                    Statement statement = connection.createStatement()) {
                // The same id as main's orphan: each database issues its own.
                statement.executeUpdate("INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z, "
                        + "state, owner_node, epoch, updated_at) VALUES (" + account + ", 'second', 'Orphan', 1, 1, 0, "
                        + "0, 0, 0, 'ONLINE', 'node-dead', 1, now() - interval '1 minute')");
            }
            final InvariantReport before = new InvariantChecker(databases, 30).check(Set.of("node-a"));
            assertThat(before.getResultsList())
                    .filteredOn(result -> !result.getOk())
                    .extracting(InvariantResult::getName)
                    .containsExactly("main/characters_owned_by_live_nodes", "second/characters_owned_by_live_nodes");
            try (CharacterSweeper sweeper = new CharacterSweeper(databases, () -> Set.of("node-a"), () -> true, 30)) {
                assertThat(sweeper.sweep(Set.of("node-a"))).isEqualTo(2);
            }
            final InvariantReport after = new InvariantChecker(databases, 30).check(Set.of("node-a"));
            assertThat(after.getOk()).as(after.toString()).isTrue();
        }
    }

    private static Map<String, InvariantResult> byName(final InvariantReport report) {
        return report.getResultsList().stream().collect(Collectors.toMap(InvariantResult::getName, r -> r));
    }

    private long character(final String name) throws SQLException {
        return value("INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z) VALUES (" + account
                + ", 'main', '" + name + "', 1, 1, 0, 0, 0, 0) RETURNING character_id");
    }

    private long value(final String sql) throws SQLException {
        return Long.parseLong(text(sql));
    }

    private String text(final String sql) throws SQLException {
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }

    private void update(final String sql) throws SQLException {
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }
}
