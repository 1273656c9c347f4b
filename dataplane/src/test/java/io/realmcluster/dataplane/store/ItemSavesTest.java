package io.realmcluster.dataplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.common.items.ItemKind;
import io.realmcluster.common.items.ItemTemplates;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Items in the character's fenced save, against a real PostgreSQL (docs/architecture.md, "Items"): written
 * with their ledger entries only where the save lands, once though retried, loaded by every claim, and a
 * trade's two halves in one transaction or not at all.
 */
class ItemSavesTest {
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final int DAGGER = 2092;
    private static final int POTION = 118;
    private static final int BACKPACK = InventorySlots.BACKPACK_START;

    private static Database database;
    private static PostgresCharacterStore store;
    private static long account;

    @BeforeAll
    static void schema() throws SQLException {
        database = Database.open(
                "items-test", POSTGRES.jdbcUrl(), new DatabaseCredentials(POSTGRES.user(), POSTGRES.password()), 4);
        database.migrate();
        store = new PostgresCharacterStore(database);
        account = count("INSERT INTO account (name, password_hash, password_salt, password_iterations) "
                + "VALUES ('ItemsTest', '\\x00', '\\x00', 1) RETURNING account_id");
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void eachItemChangeLandsWithItsLedgerEntryAndASwapInOneSave() throws Exception {
        final long character = newCharacter();
        final long epoch = store.claim(character, account, "node-a").epoch();
        final long[] ids = store.reserveItemIds(0, 3);

        // A loot: 12 copper and five potions in the backpack's first slot.
        final PendingSave looted = PendingSaves.loot(
                PendingSaves.of(character, epoch, 1, 0, false),
                epoch,
                1,
                12,
                12,
                ids[0],
                BACKPACK,
                List.of(item(ids[0], POTION, BACKPACK, 5)));
        assertThat(store.save(List.of(looted), "node-a")).containsExactly(true);
        assertThat(items(character)).containsExactly(item(ids[0], POTION, BACKPACK, 5));

        // Two potions split off, then the dagger looted and swapped with the split stack: three records, one save.
        final PendingSave changes = PendingSaves.items(
                PendingSaves.of(character, epoch, 2, 12, false),
                epoch,
                2,
                Saves.ACTION_SPLIT,
                ids[1],
                0,
                BACKPACK,
                BACKPACK + 1,
                List.of(item(ids[0], POTION, BACKPACK, 3), item(ids[1], POTION, BACKPACK + 1, 2)));
        PendingSaves.loot(
                changes,
                epoch,
                3,
                0,
                12,
                ids[2],
                BACKPACK + 2,
                List.of(
                        item(ids[0], POTION, BACKPACK, 3),
                        item(ids[1], POTION, BACKPACK + 1, 2),
                        item(ids[2], DAGGER, BACKPACK + 2, 1)));
        assertThat(store.save(List.of(changes), "node-a")).containsExactly(true);
        final PendingSave swap = PendingSaves.items(
                PendingSaves.of(character, epoch, 4, 12, false),
                epoch,
                4,
                Saves.ACTION_MOVE,
                0,
                0,
                BACKPACK + 1,
                BACKPACK + 2,
                List.of(
                        item(ids[0], POTION, BACKPACK, 3),
                        item(ids[1], POTION, BACKPACK + 2, 2),
                        item(ids[2], DAGGER, BACKPACK + 1, 1)));
        assertThat(store.save(List.of(swap), "node-a"))
                .as("two items swap slots: the slot's uniqueness holds at commit")
                .containsExactly(true);
        assertThat(items(character))
                .containsExactly(
                        item(ids[0], POTION, BACKPACK, 3),
                        item(ids[2], DAGGER, BACKPACK + 1, 1),
                        item(ids[1], POTION, BACKPACK + 2, 2));

        // The split stack merged back, then the dagger destroyed.
        final PendingSave gone = PendingSaves.items(
                PendingSaves.of(character, epoch, 5, 12, false),
                epoch,
                5,
                Saves.ACTION_MOVE,
                0,
                ids[1],
                BACKPACK,
                BACKPACK + 2,
                List.of(item(ids[0], POTION, BACKPACK, 5), item(ids[2], DAGGER, BACKPACK + 1, 1)));
        PendingSaves.items(
                gone,
                epoch,
                6,
                Saves.ACTION_DESTROY,
                0,
                ids[2],
                BACKPACK + 1,
                -1,
                List.of(item(ids[0], POTION, BACKPACK, 5)));
        assertThat(store.save(List.of(gone), "node-a")).containsExactly(true);
        assertThat(items(character)).containsExactly(item(ids[0], POTION, BACKPACK, 5));

        assertThat(ledger(character))
                .containsExactly(
                        "1 loot 12 {" + ids[0] + "} {}",
                        "2 split 0 {" + ids[1] + "} {}",
                        "3 loot 0 {" + ids[2] + "} {}",
                        "5 merge 0 {} {" + ids[1] + "}",
                        "6 destroy 0 {} {" + ids[2] + "}");
    }

    @Test
    void aRetriedSaveWritesNothingTwice() throws Exception {
        final long character = newCharacter();
        final long epoch = store.claim(character, account, "node-a").epoch();
        final long id = store.reserveItemIds(0, 1)[0];
        final PendingSave looted = PendingSaves.loot(
                PendingSaves.of(character, epoch, 1, 0, false),
                epoch,
                1,
                30,
                30,
                id,
                BACKPACK,
                List.of(item(id, DAGGER, BACKPACK, 1)));
        final long other = newCharacter();
        final PendingSave otherSave =
                PendingSaves.of(other, store.claim(other, account, "node-a").epoch(), 1, 0, false);
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThat(store.save(List.of(looted, otherSave), "node-a"))
                    .as("attempt " + attempt + ", as after a commit not confirmed")
                    .containsExactly(true, true);
        }
        assertThat(items(character)).containsExactly(item(id, DAGGER, BACKPACK, 1));
        assertThat(ledger(character)).containsExactly("1 loot 30 {" + id + "} {}");
        assertThat(row(character, "money")).isEqualTo("30");
    }

    @Test
    void aSaveFencedByAnotherNodesClaimWritesNoItem() throws Exception {
        final long character = newCharacter();
        final long epoch = store.claim(character, account, "node-a").epoch();
        final long kept = store.reserveItemIds(0, 1)[0];
        assertThat(store.save(
                        List.of(PendingSaves.loot(
                                PendingSaves.of(character, epoch, 1, 0, false),
                                epoch,
                                1,
                                0,
                                0,
                                kept,
                                BACKPACK,
                                List.of(item(kept, DAGGER, BACKPACK, 1)))),
                        "node-a"))
                .containsExactly(true);
        final ClaimedCharacter elsewhere = store.claim(character, account, "node-b");
        assertThat(elsewhere.items()).containsExactly(item(kept, DAGGER, BACKPACK, 1));

        final long looted = store.reserveItemIds(0, 1)[0];
        final PendingSave late = PendingSaves.loot(
                PendingSaves.of(character, epoch, 2, 0, false),
                epoch,
                2,
                50,
                50,
                looted,
                BACKPACK + 1,
                List.of(item(looted, POTION, BACKPACK + 1, 5)));
        // Batched with another character's save, and alone.
        final long other = newCharacter();
        final PendingSave otherSave =
                PendingSaves.of(other, store.claim(other, account, "node-a").epoch(), 1, 0, false);
        assertThat(store.save(List.of(late, otherSave), "node-a")).containsExactly(false, true);
        assertThat(store.save(List.of(late), "node-a")).containsExactly(false);

        assertThat(items(character))
                .as("the fenced save neither added its loot nor deleted what it no longer listed")
                .containsExactly(item(kept, DAGGER, BACKPACK, 1));
        assertThat(ledger(character)).containsExactly("1 loot 0 {" + kept + "} {}");
        assertThat(row(character, "money")).isEqualTo("0");
    }

    @Test
    void aSaveNeverTakesAnItemFromAnotherCharacter() throws Exception {
        final long holder = newCharacter();
        final long holderEpoch = store.claim(holder, account, "node-a").epoch();
        final long id = store.reserveItemIds(0, 1)[0];
        store.save(
                List.of(PendingSaves.loot(
                        PendingSaves.of(holder, holderEpoch, 1, 0, false),
                        holderEpoch,
                        1,
                        0,
                        0,
                        id,
                        BACKPACK,
                        List.of(item(id, DAGGER, BACKPACK, 1)))),
                "node-a");
        final long thief = newCharacter();
        final long thiefEpoch = store.claim(thief, account, "node-a").epoch();
        assertThat(store.save(
                        List.of(PendingSaves.items(
                                PendingSaves.of(thief, thiefEpoch, 1, 0, false),
                                thiefEpoch,
                                1,
                                Saves.ACTION_MOVE,
                                0,
                                0,
                                BACKPACK + 3,
                                -1,
                                List.of(item(id, DAGGER, BACKPACK + 3, 1)))),
                        "node-a"))
                .containsExactly(true);
        assertThat(items(holder)).containsExactly(item(id, DAGGER, BACKPACK, 1));
        assertThat(items(thief)).isEmpty();
    }

    @Test
    void everyClaimPathLoadsExactlyTheSavedItemsOfAFullBackpackAndEquipment() throws Exception {
        final long traveller = newCharacter();
        final long epoch = store.claim(traveller, account, "node-s").epoch();
        final List<ItemStack> held = fullBags();
        final PendingSave saved = PendingSaves.items(
                PendingSaves.of(traveller, epoch, 1, 0, false), epoch, 1, Saves.ACTION_MOVE, 0, 0, -1, -1, held);
        // Those items as the database got them from loots: rows of this character, moved by this save.
        for (final ItemStack item : held) {
            update("INSERT INTO item (item_id, character_id, template_id, count, slot) VALUES (" + item.itemId() + ", "
                    + traveller + ", " + item.templateId() + ", " + item.count() + ", " + (90 + held.indexOf(item))
                    + ")");
        }
        assertThat(store.save(List.of(saved), "node-s")).containsExactly(true);
        assertThat(items(traveller)).containsExactlyElementsOf(held);

        final ClaimedCharacter login = store.claim(traveller, account, "node-t");
        assertThat(login.items()).as("a login claim").containsExactlyElementsOf(held);

        final UUID portal = UUID.randomUUID();
        final PendingSave departure = PendingSaves.of(traveller, login.epoch(), 2, 0, false);
        departure.transferId = portal;
        assertThat(store.save(List.of(departure), "node-t")).containsExactly(true);
        assertThat(store.claimTransfer(traveller, login.epoch(), portal, "node-u")
                        .items())
                .as("a transfer's claim")
                .containsExactlyElementsOf(held);
        assertThat(store.claimTransfer(traveller, login.epoch(), portal, "node-u")
                        .items())
                .as("the claim an earlier try of the transfer made")
                .containsExactlyElementsOf(held);

        final long empty = newCharacter();
        final long emptyEpoch = store.claim(empty, account, "node-u").epoch();
        final UUID drain = UUID.randomUUID();
        final UUID drainEmpty = UUID.randomUUID();
        final PendingSave leaving = PendingSaves.of(traveller, login.epoch() + 1, 3, 0, false);
        leaving.transferId = drain;
        final PendingSave leavingEmpty = PendingSaves.of(empty, emptyEpoch, 1, 0, false);
        leavingEmpty.transferId = drainEmpty;
        assertThat(store.save(List.of(leaving, leavingEmpty), "node-u")).containsExactly(true, true);
        final List<CharacterStore.TransferClaim> claims = List.of(
                new CharacterStore.TransferClaim(traveller, login.epoch() + 1, drain),
                new CharacterStore.TransferClaim(empty, emptyEpoch, drainEmpty));
        final List<ClaimedCharacter> moved = store.claimTransfers(claims, "node-v");
        assertThat(moved.get(0).items()).as("a batch of transfer claims").containsExactlyElementsOf(held);
        assertThat(moved.get(1).items()).isEmpty();
        assertThat(store.claimTransfers(claims, "node-v").get(0).items())
                .as("the batch retried: the claims an earlier try made")
                .containsExactlyElementsOf(held);

        // Into a battleground and home with a mark: the home claim reads the items after its mark.
        final UUID enter = UUID.randomUUID();
        final PendingSave entering = PendingSaves.of(traveller, login.epoch() + 2, 4, 0, false);
        entering.transferId = enter;
        entering.bgMatchId = "m1";
        assertThat(store.save(List.of(entering), "node-v")).containsExactly(true);
        final long inMatch = store.claimTransfer(traveller, login.epoch() + 2, enter, "node-bg")
                .epoch();
        final UUID home = UUID.randomUUID();
        final PendingSave leavingMatch = PendingSaves.of(traveller, inMatch, 5, 0, false);
        leavingMatch.transferId = home;
        assertThat(store.save(List.of(leavingMatch), "node-bg")).containsExactly(true);
        final ClaimedCharacter back = store.claimTransfer(
                traveller,
                inMatch,
                home,
                "node-home",
                new Homecoming("m1", 10, ItemTemplates.WARSONG_GULCH_MARK, 0, 0, "", 1f, 2f, 3f, 0f));
        assertThat(back.items()).hasSize(held.size() + 1).containsAll(held);
        assertThat(back.items())
                .as("the backpack full: the mark in the bag")
                .filteredOn(item -> item.templateId() == ItemTemplates.WARSONG_GULCH_MARK)
                .singleElement()
                .extracting(ItemStack::slot)
                .isEqualTo(InventorySlots.inBag(0, 0));
    }

    @Test
    void aTradeLandsBothHalvesInOneTransactionUnderOneTradeIdOnceThoughRetried() throws Exception {
        final long alice = newCharacter();
        final long bob = newCharacter();
        final long aliceEpoch = store.claim(alice, account, "node-a").epoch();
        final long bobEpoch = store.claim(bob, account, "node-a").epoch();
        final long[] ids = store.reserveItemIds(0, 3);
        give(alice, aliceEpoch, 100, item(ids[0], DAGGER, BACKPACK, 1), item(ids[1], POTION, BACKPACK + 1, 5));
        give(bob, bobEpoch, 0, item(ids[2], POTION, BACKPACK, 2));

        // Alice gives the dagger and 40 copper for Bob's two potions.
        final PendingSave aliceHalf = PendingSaves.trade(
                PendingSaves.of(alice, aliceEpoch, 10, 100, false),
                aliceEpoch,
                10,
                7,
                bob,
                -40,
                new long[] {ids[0]},
                new long[] {ids[2]},
                List.of(item(ids[2], POTION, BACKPACK, 2), item(ids[1], POTION, BACKPACK + 1, 5)));
        final PendingSave bobHalf = PendingSaves.trade(
                PendingSaves.of(bob, bobEpoch, 10, 0, true),
                bobEpoch,
                10,
                7,
                alice,
                40,
                new long[] {ids[2]},
                new long[] {ids[0]},
                List.of(item(ids[0], DAGGER, BACKPACK + 4, 1)));
        final UUID trade = UUID.randomUUID();
        assertThat(store.saveTrade(aliceHalf, bobHalf, trade, "node-a")).isTrue();
        assertThat(store.saveTrade(aliceHalf, bobHalf, trade, "node-a"))
                .as("the trade retried, as after a commit not confirmed")
                .isTrue();

        assertThat(items(alice))
                .containsExactly(item(ids[2], POTION, BACKPACK, 2), item(ids[1], POTION, BACKPACK + 1, 5));
        assertThat(items(bob)).containsExactly(item(ids[0], DAGGER, BACKPACK + 4, 1));
        assertThat(row(alice, "money")).isEqualTo("60");
        assertThat(row(bob, "money || ' ' || state"))
                .as("Bob's logout went with it")
                .isEqualTo("40 OFFLINE");
        assertThat(strings(
                        "SELECT character_id || ' ' || money_delta || ' ' || items_given::text || ' ' || items_received::text"
                                + " FROM ledger WHERE trade_id = '" + trade + "' ORDER BY character_id"))
                .containsExactly(
                        alice + " -40 {" + ids[0] + "} {" + ids[2] + "}",
                        bob + " 40 {" + ids[2] + "} {" + ids[0] + "}");
    }

    @Test
    void aTradeWithAHalfFencedByAnotherNodesClaimLandsNeither() throws Exception {
        final long alice = newCharacter();
        final long bob = newCharacter();
        final long aliceEpoch = store.claim(alice, account, "node-a").epoch();
        final long bobEpoch = store.claim(bob, account, "node-a").epoch();
        final long[] ids = store.reserveItemIds(0, 2);
        give(alice, aliceEpoch, 100, item(ids[0], DAGGER, BACKPACK, 1));
        give(bob, bobEpoch, 0, item(ids[1], POTION, BACKPACK, 2));
        store.claim(bob, account, "node-b");

        final PendingSave aliceHalf = PendingSaves.trade(
                PendingSaves.of(alice, aliceEpoch, 10, 100, false),
                aliceEpoch,
                10,
                8,
                bob,
                -40,
                new long[] {ids[0]},
                new long[] {ids[1]},
                List.of(item(ids[1], POTION, BACKPACK, 2)));
        final PendingSave bobHalf = PendingSaves.trade(
                PendingSaves.of(bob, bobEpoch, 10, 0, false),
                bobEpoch,
                10,
                8,
                alice,
                40,
                new long[] {ids[1]},
                new long[] {ids[0]},
                List.of(item(ids[0], DAGGER, BACKPACK, 1)));
        for (final boolean aliceFirst : List.of(true, false)) {
            assertThat(
                            aliceFirst
                                    ? store.saveTrade(aliceHalf, bobHalf, UUID.randomUUID(), "node-a")
                                    : store.saveTrade(bobHalf, aliceHalf, UUID.randomUUID(), "node-a"))
                    .as("alice's half first: " + aliceFirst)
                    .isFalse();
        }
        assertThat(items(alice)).containsExactly(item(ids[0], DAGGER, BACKPACK, 1));
        assertThat(items(bob)).containsExactly(item(ids[1], POTION, BACKPACK, 2));
        assertThat(row(alice, "money || ' ' || save_seq")).isEqualTo("100 2");
        assertThat(count("SELECT count(*) FROM ledger WHERE source = 'trade' AND character_id IN (" + alice + ", " + bob
                        + ")"))
                .isZero();
    }

    /** {@code character}'s items and money as loots would have left them, at save sequences 1 to 3 at most. */
    private static void give(final long character, final long epoch, final long money, final ItemStack... items)
            throws SQLException {
        final List<ItemStack> held = new ArrayList<>();
        final PendingSave save = PendingSaves.of(character, epoch, 0, 0, false);
        long seq = 0;
        for (final ItemStack item : items) {
            held.add(item);
            seq++;
            PendingSaves.loot(save, epoch, seq, 0, 0, item.itemId(), item.slot(), List.copyOf(held));
        }
        PendingSaves.loot(save, epoch, seq + 1, money, money, 0, -1, List.copyOf(held));
        assertThat(store.save(List.of(save), "node-a")).containsExactly(true);
    }

    private static int bag() {
        return ItemTemplates.all().stream()
                .filter(template -> template.kind() == ItemKind.BAG)
                .findFirst()
                .orElseThrow()
                .id();
    }

    /** Sixteen backpack stacks, four pieces of equipment and an empty bag, with ids from the realm's sequence. */
    private static List<ItemStack> fullBags() throws SQLException {
        final long[] ids = store.reserveItemIds(0, InventorySlots.BACKPACK_SIZE + 5);
        final List<ItemStack> items = new ArrayList<>();
        final int[] equipment = {
            InventorySlots.CHEST,
            InventorySlots.FEET,
            InventorySlots.MAIN_HAND,
            InventorySlots.OFF_HAND,
            InventorySlots.BAG_SLOTS_START
        };
        final int[] gear = {193, 1374, 25, 2210, bag()};
        for (int i = 0; i < equipment.length; i++) {
            items.add(item(ids[i], gear[i], equipment[i], 1));
        }
        for (int i = 0; i < InventorySlots.BACKPACK_SIZE; i++) {
            items.add(item(ids[equipment.length + i], POTION, BACKPACK + i, 1 + i % 5));
        }
        return items;
    }

    private static ItemStack item(final long id, final int template, final int slot, final int count) {
        return new ItemStack(id, template, slot, count);
    }

    private static List<ItemStack> items(final long character) throws SQLException {
        final List<ItemStack> items = new ArrayList<>();
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT item_id, template_id, slot, count FROM item"
                        + " WHERE character_id = " + character + " ORDER BY slot")) {
            while (rows.next()) {
                items.add(item(rows.getLong(1), rows.getInt(2), rows.getInt(3), rows.getInt(4)));
            }
        }
        return items;
    }

    /** The character's ledger, one line per entry: save sequence, source, money, items created, destroyed. */
    private static List<String> ledger(final long character) throws SQLException {
        return strings("SELECT save_seq || ' ' || source || ' ' || money_delta || ' ' || items_created::text || ' ' ||"
                + " items_destroyed::text FROM ledger WHERE character_id = " + character + " ORDER BY save_seq");
    }

    private static List<String> strings(final String sql) throws SQLException {
        final List<String> lines = new ArrayList<>();
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                lines.add(rows.getString(1));
            }
        }
        return lines;
    }

    private static long newCharacter() throws SQLException {
        return count("INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z) VALUES (" + account
                + ", 'main', 'Items" + letters() + "', 1, 1, 0, 0, 0, 0) RETURNING character_id");
    }

    private static String letters() {
        final StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            s.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return s.toString();
    }

    private static long count(final String sql) throws SQLException {
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void update(final String sql) throws SQLException {
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    private static String row(final long character, final String column) throws SQLException {
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(
                        "SELECT " + column + " FROM character WHERE character_id = " + character)) {
            row.next();
            return row.getString(1);
        }
    }
}
