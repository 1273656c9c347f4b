package io.realmcluster.controlplane.characters;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.db.RealmDatabase;
import io.realmcluster.common.db.RealmDatabases;
import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.common.items.ItemTemplates;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The checker's item invariants on a realm written as the node's saver writes it (one fenced save
 * per change, a ledger entry for each loot, split, merge, destroy, and two for a trade), and each
 * kind of damage, written with SQL, found and named.
 */
class ItemInvariantsTest {
    private static final int LINEN_CLOTH = 2589;
    private static final int COPPER_ORE = 2770;
    private static final int MINOR_HEALING_POTION = 118;
    private static final int WORN_SHORTSWORD = 25;
    private static final int BACKPACK = InventorySlots.BACKPACK_START;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private Database database;
    private String mainUrl;
    private long alice;
    private long bob;

    @BeforeEach
    void realm() throws SQLException {
        final String name = "items_" + DATABASES.incrementAndGet();
        try (Database server = open(POSTGRES.jdbcUrl())) {
            execute(server, "CREATE DATABASE " + name);
        }
        mainUrl = POSTGRES.process().jdbcUrl(name);
        database = open(mainUrl);
        database.migrate(Database.Schema.REALM);
        alice = character("Alice");
        bob = character("Bob");
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aRealmWithLootSplitMergeDestroyATradeAndAMarkIsHealthyAndCounted() throws SQLException {
        // Alice loots two stacks of cloth, splits one, merges the part onto the other.
        loot(alice, 1, 30, 1001, LINEN_CLOTH, 8, BACKPACK);
        loot(alice, 2, 0, 1002, LINEN_CLOTH, 5, BACKPACK + 1);
        save(alice, 3, "split", 0, "{1003}", "{}");
        execute("UPDATE item SET count = 5 WHERE item_id = 1001");
        item(1003, alice, LINEN_CLOTH, 3, BACKPACK + 2);
        save(alice, 4, "merge", 0, "{}", "{1003}");
        execute("DELETE FROM item WHERE item_id = 1003");
        execute("UPDATE item SET count = 8 WHERE item_id = 1002");
        // A sword looted and worn, a potion looted and destroyed.
        loot(alice, 5, 12, 1004, WORN_SHORTSWORD, 1, BACKPACK + 2);
        execute("UPDATE item SET slot = " + InventorySlots.MAIN_HAND + " WHERE item_id = 1004");
        loot(alice, 6, 0, 1005, MINOR_HEALING_POTION, 2, BACKPACK + 3);
        save(alice, 7, "destroy", 0, "{}", "{1005}");
        execute("DELETE FROM item WHERE item_id = 1005");
        // Bob loots ore, and trades it to Alice for her merged cloth and 10 copper.
        loot(bob, 1, 4, 1006, COPPER_ORE, 4, BACKPACK);
        final UUID trade = UUID.randomUUID();
        trade(trade, alice, 8, -10, "{1002}", "{1006}");
        trade(trade, bob, 2, 10, "{1006}", "{1002}");
        execute("UPDATE item SET character_id = " + bob + ", slot = " + (BACKPACK + 1) + " WHERE item_id = 1002");
        execute("UPDATE item SET character_id = " + alice + ", slot = " + (BACKPACK + 1) + " WHERE item_id = 1006");
        // A mark from a battleground, as the trip home writes it: an item and a ledger entry without a save.
        final long mark = value("INSERT INTO item (character_id, template_id, count, slot) VALUES (" + bob + ", "
                + ItemTemplates.WARSONG_GULCH_MARK + ", 1, " + (BACKPACK + 2) + ") RETURNING item_id");
        execute("INSERT INTO ledger (character_id, items_created, source, node, epoch) VALUES (" + bob + ", ARRAY["
                + mark + "]::bigint[], 'battleground', 'node-a', 1)");
        execute("UPDATE character SET money = 32 WHERE character_id = " + alice);
        execute("UPDATE character SET money = 14 WHERE character_id = " + bob);

        final InvariantReport report = check();

        assertThat(report.getOk()).as(report.toString()).isTrue();
        assertThat(result(report, "items_created_exist_or_destroyed").getChecked())
                .as("items 1001 to 1006 and the mark")
                .isEqualTo(7);
        assertThat(result(report, "trades_balanced").getChecked()).isEqualTo(1);
        assertThat(report.getItems().getHeld()).isEqualTo(5);
        assertThat(report.getItems().getHolders()).isEqualTo(2);
        assertThat(report.getItems().getDestroyed())
                .as("the merged stack and the potion")
                .isEqualTo(2);
        assertThat(report.getItems().getTrades()).isEqualTo(1);
    }

    @Test
    void anItemCreatedThatNeitherExistsNorWasDestroyedIsNamed() throws SQLException {
        save(alice, 1, "loot", 0, "{2001}", "{}");
        // Destroyed by an entry before the one that created it: not an explanation.
        save(bob, 1, "destroy", 0, "{}", "{2002}");
        save(bob, 2, "loot", 0, "{2002}", "{}");

        final InvariantResult result = result(check(), "items_created_exist_or_destroyed");

        assertThat(result.getOk()).isFalse();
        assertThat(result.getViolationsList())
                .hasSize(2)
                .anySatisfy(v -> assertThat(v).contains("item 2001", "(loot) of character " + alice + " Alice"))
                .anySatisfy(v -> assertThat(v).contains("item 2002", "of character " + bob + " Bob"));
    }

    @Test
    void anItemCreatedTwiceIsNamedWithBothEntries() throws SQLException {
        loot(alice, 1, 0, 2003, LINEN_CLOTH, 1, BACKPACK);
        save(bob, 1, "loot", 0, "{2003}", "{}");

        final InvariantResult result = result(check(), "items_created_exist_or_destroyed");

        assertThat(result.getViolationsList())
                .singleElement()
                .asString()
                .contains("item 2003 was created by 2 ledger entries, the last", "of character " + bob);
    }

    @Test
    void anItemNoLedgerEntryCreatedIsNamed() throws SQLException {
        item(3001, alice, LINEN_CLOTH, 2, BACKPACK);

        final InvariantResult result = result(check(), "items_held_were_created");

        assertThat(result.getViolationsList())
                .singleElement()
                .asString()
                .contains("item 3001", "held by character " + alice + " Alice", "no ledger entry created it");
    }

    @Test
    void aDestroyedItemThatStillExistsIsNamed() throws SQLException {
        loot(alice, 1, 0, 3002, MINOR_HEALING_POTION, 1, BACKPACK);
        save(alice, 2, "destroy", 0, "{}", "{3002}");

        final InvariantResult result = result(check(), "items_held_were_created");

        assertThat(result.getViolationsList())
                .singleElement()
                .asString()
                .contains("item 3002", "Alice", "was destroyed by ledger entry", "(destroy)");
    }

    @Test
    void aStackAboveItsLargestAnUnknownTemplateAndTwoItemsInOneSlotAreNamed() throws SQLException {
        loot(alice, 1, 0, 4001, LINEN_CLOTH, 21, BACKPACK);
        loot(alice, 2, 0, 4002, 6948, 1, BACKPACK + 1);
        loot(bob, 1, 0, 4003, COPPER_ORE, 1, InventorySlots.COUNT);
        save(bob, 2, "loot", 0, "{4004,4005}", "{}");
        // Both in one slot: the unique constraint is deferred, so drop it as a broken schema would.
        execute("ALTER TABLE item DROP CONSTRAINT item_slot_unique");
        item(4004, bob, COPPER_ORE, 1, BACKPACK);
        item(4005, bob, COPPER_ORE, 1, BACKPACK);

        final InvariantResult result = result(check(), "item_stacks_within_limits");

        assertThat(result.getViolationsList())
                .hasSize(4)
                .anySatisfy(
                        v -> assertThat(v).contains("item 4001", "a stack of 21 Linen Cloth, above its largest, 20"))
                .anySatisfy(v -> assertThat(v).contains("item 4002", "template 6948, which does not exist"))
                .anySatisfy(v -> assertThat(v).contains("item 4003", "a slot that does not exist"))
                .anySatisfy(v -> assertThat(v).contains("Bob holds 2 items in slot " + BACKPACK + ": 4004, 4005"));
    }

    @Test
    void aTradeWithOneEntryIsNamed() throws SQLException {
        final UUID trade = UUID.randomUUID();
        trade(trade, alice, 1, 0, "{}", "{}");

        assertThat(result(check(), "trades_balanced").getViolationsList())
                .singleElement()
                .asString()
                .contains("trade " + trade, "1 ledger entries, not two", "Alice");
    }

    @Test
    void aTradeOfOneCharacterWithItselfIsNamed() throws SQLException {
        final UUID trade = UUID.randomUUID();
        trade(trade, alice, 1, 0, "{}", "{}");
        trade(trade, alice, 2, 0, "{}", "{}");

        assertThat(result(check(), "trades_balanced").getViolationsList())
                .singleElement()
                .asString()
                .contains("trade " + trade, "both entries are of one character");
    }

    @Test
    void aTradeWhoseMoneyDoesNotSumToZeroIsNamed() throws SQLException {
        final UUID trade = UUID.randomUUID();
        trade(trade, alice, 1, -10, "{}", "{}");
        trade(trade, bob, 1, 15, "{}", "{}");
        execute("UPDATE character SET money = 15 WHERE character_id = " + bob);
        // Alice's money cannot go below zero: give her what the trade took first.
        save(alice, 2, "loot", 10, "{}", "{}");

        assertThat(result(check(), "trades_balanced").getViolationsList())
                .singleElement()
                .asString()
                .contains("trade " + trade, "its money sums to 5 copper", "-10 copper", "15 copper");
    }

    @Test
    void aTradeWhoseItemsGivenAreNotTheOtherSidesReceivedIsNamed() throws SQLException {
        loot(alice, 1, 0, 5001, LINEN_CLOTH, 1, BACKPACK);
        loot(alice, 2, 0, 5002, LINEN_CLOTH, 1, BACKPACK + 1);
        final UUID trade = UUID.randomUUID();
        trade(trade, alice, 3, 0, "{5001,5002}", "{}");
        trade(trade, bob, 1, 0, "{}", "{5001}");
        execute("UPDATE item SET character_id = " + bob + " WHERE item_id IN (5001, 5002)");

        final InvariantReport report = check();

        assertThat(result(report, "trades_balanced").getViolationsList())
                .singleElement()
                .asString()
                .contains("trade " + trade, "what one side gave is not what the other received", "gave {5001,5002}");
        assertThat(result(report, "items_held_by_last_receiver").getViolationsList())
                .as("5002 was given, never received: its last acquisition is Alice's loot")
                .singleElement()
                .asString()
                .contains("item 5002", "held by character " + bob + " Bob", "(loot), is of character " + alice);
    }

    @Test
    void anItemTradedAwayThatStayedWithItsGiverIsNamed() throws SQLException {
        loot(alice, 1, 0, 6001, WORN_SHORTSWORD, 1, BACKPACK);
        final UUID trade = UUID.randomUUID();
        trade(trade, alice, 2, 0, "{6001}", "{}");
        trade(trade, bob, 1, 0, "{}", "{6001}");

        final InvariantReport report = check();

        assertThat(result(report, "trades_balanced").getOk()).isTrue();
        assertThat(result(report, "items_held_by_last_receiver").getViolationsList())
                .singleElement()
                .asString()
                .contains(
                        "item 6001",
                        "held by character " + alice + " Alice",
                        "(trade), is of character " + bob + " Bob");
    }

    @Test
    void theItemsOfEveryRealmDatabaseAreCheckedAndCountedTogether() throws SQLException {
        loot(alice, 1, 0, 7001, LINEN_CLOTH, 3, BACKPACK);
        final String second = "items_second_" + DATABASES.incrementAndGet();
        execute("CREATE DATABASE " + second);
        final DatabaseCredentials credentials = new DatabaseCredentials(POSTGRES.user(), POSTGRES.password());
        try (RealmDatabases databases = RealmDatabases.open(
                "items-realms",
                open(POSTGRES.jdbcUrl()),
                List.of("main", "second"),
                Map.of(
                        "main",
                        new RealmDatabase("main", mainUrl, credentials),
                        "second",
                        new RealmDatabase("second", POSTGRES.process().jdbcUrl(second), credentials)),
                null,
                2)) {
            databases.migrate();
            try (Connection connection = databases.of("second").connection();
                    Statement statement = connection.createStatement()) {
                // An item the second realm's ledger never created: found there, named by its realm.
                statement.execute("INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z)"
                        + " VALUES (1, 'second', 'Carol', 1, 1, 0, 0, 0, 0)");
                statement.execute("INSERT INTO item (item_id, character_id, template_id, count, slot)"
                        + " SELECT 7001, character_id, " + COPPER_ORE + ", 2, " + BACKPACK + " FROM character");
            }

            final InvariantReport report = new InvariantChecker(databases, 30).check(Set.of("node-a"));

            assertThat(report.getItems().getHeld()).as("one item in each realm").isEqualTo(2);
            assertThat(report.getItems().getHolders()).isEqualTo(2);
            assertThat(report.getResultsList())
                    .filteredOn(result -> !result.getOk())
                    .extracting(InvariantResult::getName)
                    .containsExactly("second/items_held_were_created");
        }
    }

    private InvariantReport check() throws SQLException {
        return new InvariantChecker(database, 30).check(Set.of("node-a"));
    }

    private static InvariantResult result(final InvariantReport report, final String name) {
        return report.getResultsList().stream()
                .filter(result -> result.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no result " + name + " in " + report));
    }

    /** A loot as the saver writes it: the item in its slot, and the loot's ledger entry; money added. */
    private void loot(
            final long character,
            final long saveSeq,
            final long money,
            final long itemId,
            final int template,
            final int count,
            final int slot)
            throws SQLException {
        item(itemId, character, template, count, slot);
        save(character, saveSeq, "loot", money, "{" + itemId + "}", "{}");
        execute("UPDATE character SET money = money + " + money + " WHERE character_id = " + character);
    }

    private void item(final long itemId, final long character, final int template, final int count, final int slot)
            throws SQLException {
        execute("INSERT INTO item (item_id, character_id, template_id, count, slot) VALUES (" + itemId + ", "
                + character + ", " + template + ", " + count + ", " + slot + ")");
    }

    private void save(
            final long character,
            final long saveSeq,
            final String source,
            final long money,
            final String created,
            final String destroyed)
            throws SQLException {
        execute("INSERT INTO ledger (character_id, money_delta, items_created, items_destroyed, source, node, epoch,"
                + " save_seq) VALUES (" + character + ", " + money + ", '" + created + "', '" + destroyed + "', '"
                + source + "', 'node-a', 1, " + saveSeq + ")");
    }

    private void trade(
            final UUID trade,
            final long character,
            final long saveSeq,
            final long money,
            final String given,
            final String received)
            throws SQLException {
        execute("INSERT INTO ledger (character_id, money_delta, items_given, items_received, source, node, epoch,"
                + " save_seq, trade_id) VALUES (" + character + ", " + money + ", '" + given + "', '" + received
                + "', 'trade', 'node-a', 1, " + saveSeq + ", '" + trade + "')");
    }

    private long character(final String name) throws SQLException {
        return value("INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z, state, owner_node,"
                + " epoch) VALUES (1, 'main', '" + name + "', 1, 1, 0, 0, 0, 0, 'ONLINE', 'node-a', 1)"
                + " RETURNING character_id");
    }

    private long value(final String sql) throws SQLException {
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private void execute(final String sql) throws SQLException {
        execute(database, sql);
    }

    private static void execute(final Database on, final String sql) throws SQLException {
        try (Connection connection = on.connection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Database open(final String jdbcUrl) {
        return Database.open("items-test", jdbcUrl, new DatabaseCredentials(POSTGRES.user(), POSTGRES.password()), 2);
    }
}
