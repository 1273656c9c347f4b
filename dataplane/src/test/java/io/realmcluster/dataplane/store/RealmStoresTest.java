package io.realmcluster.dataplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two realms with a database each, on a real PostgreSQL, whose characters have the same ids: every
 * claim, save, transfer and release reaches the character's own realm database.
 */
class RealmStoresTest {
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static Database main;
    private static Database second;
    private static RealmStores stores;

    @BeforeAll
    static void databases() throws SQLException {
        main = open("main_realm");
        second = open("second_realm");
        stores = new RealmStores(
                Map.of("main", new PostgresCharacterStore(main), "second", new PostgresCharacterStore(second)), null);
    }

    @AfterAll
    static void close() {
        main.close();
        second.close();
    }

    @Test
    void charactersWithOneIdInTwoRealmsAreTwoCharactersEachSavedToItsOwnDatabase() throws Exception {
        final long id = newCharacter(main, "main", "Twin");
        assertThat(newCharacter(second, "second", "Twin"))
                .as("the second realm's database issues the same id")
                .isEqualTo(id);
        final long mainKey = stores.realms().key("main", id);
        final long secondKey = stores.realms().key("second", id);
        assertThat(mainKey).isNotEqualTo(secondKey);

        final ClaimedCharacter a = stores.claim(mainKey, 1, "node-a");
        final ClaimedCharacter b = stores.claim(secondKey, 1, "node-a");
        assertThat(a.key()).isEqualTo(mainKey);
        assertThat(b.key()).isEqualTo(secondKey);
        assertThat(List.of(a.characterId(), b.characterId())).containsOnly(id);
        assertThat(List.of(a.realm(), b.realm())).containsExactly("main", "second");
        assertThat(b.nameWithRealm()).isEqualTo("Twin-second");

        // One batch of both: each lands in its own database, fenced by its own epoch.
        assertThat(stores.save(
                        List.of(
                                PendingSaves.of(mainKey, a.epoch(), 1, 111, false),
                                PendingSaves.of(secondKey, b.epoch(), 1, 222, false)),
                        "node-a"))
                .containsExactly(true, true);
        assertThat(column(main, id, "money")).isEqualTo("111");
        assertThat(column(second, id, "money")).isEqualTo("222");

        // A stale epoch in one realm is fenced there only.
        assertThat(stores.save(
                        List.of(
                                PendingSaves.of(mainKey, a.epoch() + 5, 2, 999, false),
                                PendingSaves.of(secondKey, b.epoch(), 2, 333, true)),
                        "node-a"))
                .containsExactly(false, true);
        assertThat(column(main, id, "money")).isEqualTo("111");
        assertThat(column(second, id, "state")).isEqualTo("OFFLINE");
        assertThat(column(main, id, "state")).isEqualTo("ONLINE");

        assertThat(stores.releaseAll("node-a")).isEqualTo(1);
        assertThat(column(main, id, "state")).isEqualTo("OFFLINE");
    }

    @Test
    void aTransferBatchAcrossRealmsClaimsEachInItsDatabase() throws Exception {
        final long mainId = newCharacter(main, "main", "Mover");
        final long secondId = newCharacter(second, "second", "Mover");
        final long mainKey = stores.realms().key("main", mainId);
        final long secondKey = stores.realms().key("second", secondId);
        final ClaimedCharacter a = stores.claim(mainKey, 1, "node-a");
        final ClaimedCharacter b = stores.claim(secondKey, 1, "node-a");
        final UUID ta = UUID.randomUUID();
        final UUID tb = UUID.randomUUID();
        assertThat(stores.save(
                        List.of(PendingSave.departure(a, a.epoch(), 1, ta), PendingSave.departure(b, b.epoch(), 1, tb)),
                        "node-a"))
                .containsExactly(true, true);

        final List<ClaimedCharacter> claimed = stores.claimTransfers(
                List.of(
                        new CharacterStore.TransferClaim(secondKey, b.epoch(), tb),
                        new CharacterStore.TransferClaim(mainKey, a.epoch(), ta)),
                "node-b");
        assertThat(claimed).extracting(ClaimedCharacter::key).containsExactly(secondKey, mainKey);
        assertThat(claimed).extracting(ClaimedCharacter::realm).containsExactly("second", "main");
        assertThat(column(main, mainId, "owner_node")).isEqualTo("node-b");
        assertThat(column(second, secondId, "owner_node")).isEqualTo("node-b");
        assertThat(stores.abortTransfer(secondKey, b.epoch(), tb, "node-a"))
                .as("claimed first")
                .isEqualTo(-1);
    }

    @Test
    void aRealmWithoutADatabaseHereHasNoKey() {
        assertThat(stores.realms().key("third", 7)).isEqualTo(-1);
        assertThat(stores.realms().held()).containsExactlyInAnyOrder("main", "second");
        assertThat(new RealmStores(Map.of(), new PostgresCharacterStore(main))
                        .realms()
                        .key("third", 7))
                .as("a shared database holds every realm")
                .isPositive();
    }

    @Test
    void itemIdsAndItemsComeFromEachRealmsOwnDatabaseAndATradeAcrossTwoIsRefused() throws Exception {
        final long mainId = newCharacter(main, "main", "Looter");
        final long secondId = newCharacter(second, "second", "Looter");
        final long mainKey = stores.realms().key("main", mainId);
        final long secondKey = stores.realms().key("second", secondId);
        final int mainIndex = CharacterKey.realmIndex(mainKey);
        final int secondIndex = CharacterKey.realmIndex(secondKey);
        final long[] mainIds = stores.reserveItemIds(mainIndex, 3);
        final long[] secondIds = stores.reserveItemIds(secondIndex, 3);
        assertThat(mainIds[2] - mainIds[0]).isEqualTo(2);
        assertThat(column(main, mainId, "(SELECT last_value FROM item_id_seq)")).isEqualTo(Long.toString(mainIds[2]));
        assertThat(column(second, secondId, "(SELECT last_value FROM item_id_seq)"))
                .isEqualTo(Long.toString(secondIds[2]));

        final ClaimedCharacter a = stores.claim(mainKey, 1, "node-i");
        final PendingSave looted = PendingSaves.loot(
                PendingSaves.of(mainKey, a.epoch(), 1, 0, false),
                a.epoch(),
                1,
                0,
                0,
                mainIds[0],
                23,
                List.of(new ItemStack(mainIds[0], 118, 23, 1)));
        assertThat(stores.save(List.of(looted), "node-i")).containsExactly(true);
        assertThat(stores.claim(mainKey, 1, "node-j").items()).containsExactly(new ItemStack(mainIds[0], 118, 23, 1));
        assertThat(column(second, secondId, "(SELECT count(*) FROM item)")).isEqualTo("0");

        final ClaimedCharacter b = stores.claim(secondKey, 1, "node-i");
        final PendingSave mainHalf = PendingSaves.trade(
                PendingSaves.of(mainKey, a.epoch() + 1, 5, 0, false),
                a.epoch() + 1,
                5,
                1,
                secondKey,
                0,
                new long[0],
                new long[0],
                List.of());
        final PendingSave secondHalf = PendingSaves.trade(
                PendingSaves.of(secondKey, b.epoch(), 5, 0, false),
                b.epoch(),
                5,
                1,
                mainKey,
                0,
                new long[0],
                new long[0],
                List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> stores.saveTrade(mainHalf, secondHalf, UUID.randomUUID(), "node-i"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("within one realm");
    }

    private static Database open(final String name) throws SQLException {
        try (Connection connection = POSTGRES.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        final Database database = Database.open(
                name,
                POSTGRES.process().jdbcUrl(name),
                new DatabaseCredentials(POSTGRES.user(), POSTGRES.password()),
                4);
        database.migrate(Database.Schema.REALM);
        return database;
    }

    private static long newCharacter(final Database database, final String realm, final String name)
            throws SQLException {
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("INSERT INTO character (account_id, realm, name, race, class, "
                        + "map_id, x, y, z) VALUES (1, '" + realm + "', '" + name + "', 1, 1, 0, 0, 0, 0) "
                        + "RETURNING character_id")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String column(final Database database, final long id, final String column) throws SQLException {
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet row =
                        statement.executeQuery("SELECT " + column + " FROM character WHERE character_id = " + id)) {
            row.next();
            return row.getString(1);
        }
    }
}
