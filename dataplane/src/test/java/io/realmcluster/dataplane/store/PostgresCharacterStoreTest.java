package io.realmcluster.dataplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.common.items.ItemKind;
import io.realmcluster.common.items.ItemTemplates;
import io.realmcluster.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Claims and fenced saves against a real PostgreSQL: the rules that make a character exist exactly once. */
class PostgresCharacterStoreTest {
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static Database database;
    private static PostgresCharacterStore store;
    private static long account;

    @BeforeAll
    static void schema() throws SQLException {
        database = Database.open(
                "store-test", POSTGRES.jdbcUrl(), new DatabaseCredentials(POSTGRES.user(), POSTGRES.password()), 4);
        database.migrate();
        store = new PostgresCharacterStore(database);
        account = insert("INSERT INTO account (name, password_hash, password_salt, password_iterations) "
                + "VALUES ('StoreTest', '\\x00', '\\x00', 1) RETURNING account_id");
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void aLoginClaimFencesTheNodeThatHadTheCharacter() throws Exception {
        final long character = newCharacter();
        final ClaimedCharacter first = store.claim(character, account, "node-a");
        assertThat(first.epoch()).isEqualTo(1);
        assertThat(first.mapId()).isZero();
        assertThat(row(character, "state")).isEqualTo("ONLINE");
        assertThat(store.save(List.of(save(character, first.epoch(), 1, 100, false)), "node-a"))
                .containsExactly(true);

        final ClaimedCharacter second = store.claim(character, account, "node-b");
        assertThat(second.epoch()).isEqualTo(2);
        assertThat(second.saveSeq()).isEqualTo(1);
        assertThat(second.money()).isEqualTo(100);
        assertThat(store.save(List.of(save(character, first.epoch(), 2, 999, false)), "node-a"))
                .as("a save by the node that lost the character")
                .containsExactly(false);
        assertThat(row(character, "money")).isEqualTo("100");
        assertThat(row(character, "owner_node")).isEqualTo("node-b");
    }

    @Test
    void aSaveNeverOverwritesAHigherSequenceAndALootIsLedgeredOnceThoughRetried() throws Exception {
        final long character = newCharacter();
        final long epoch = store.claim(character, account, "node-a").epoch();
        final PendingSave looted =
                PendingSaves.loot(save(character, epoch, 4, 0, false), epoch, 5, 70, 70, 0, -1, List.of());
        assertThat(store.save(List.of(looted), "node-a")).containsExactly(true);
        assertThat(store.save(List.of(looted), "node-a"))
                .as("the same save again, as after a commit not confirmed")
                .containsExactly(true);
        assertThat(count("SELECT count(*) FROM ledger WHERE character_id = " + character))
                .isEqualTo(1);
        assertThat(count("SELECT sum(money_delta) FROM ledger WHERE character_id = " + character))
                .isEqualTo(70);

        assertThat(store.save(List.of(save(character, epoch, 4, 0, false)), "node-a"))
                .as("an older save of this node's lands nowhere, but the character is still ours")
                .containsExactly(true);
        assertThat(row(character, "money")).isEqualTo("70");
        assertThat(row(character, "save_seq")).isEqualTo("5");
    }

    @Test
    void aLogoutSaveGivesTheCharacterBack() throws Exception {
        final long character = newCharacter();
        final long epoch = store.claim(character, account, "node-a").epoch();
        assertThat(store.save(List.of(save(character, epoch, 1, 3, true)), "node-a"))
                .containsExactly(true);
        assertThat(row(character, "state")).isEqualTo("OFFLINE");
        assertThat(row(character, "owner_node")).isNull();
        assertThat(store.save(List.of(save(character, epoch, 1, 3, true)), "node-a"))
                .as("the logout retried")
                .containsExactly(true);
        assertThat(store.claim(character, account, "node-b").epoch()).isEqualTo(epoch + 1);
    }

    @Test
    void aBatchOfSavesFencesEachRowOnItsOwn() throws Exception {
        final long looter = newCharacter();
        final long leaving = newCharacter();
        final long departing = newCharacter();
        final long lost = newCharacter();
        final long looterEpoch = store.claim(looter, account, "node-a").epoch();
        final long leavingEpoch = store.claim(leaving, account, "node-a").epoch();
        final long departingEpoch = store.claim(departing, account, "node-a").epoch();
        final long lostEpoch = store.claim(lost, account, "node-a").epoch();
        store.claim(lost, account, "node-b");
        final PendingSave loot =
                PendingSaves.loot(save(looter, looterEpoch, 1, 0, false), looterEpoch, 1, 25, 25, 0, -1, List.of());
        final PendingSave departure = save(departing, departingEpoch, 1, 0, false);
        departure.transferId = UUID.randomUUID();
        final List<PendingSave> batch =
                List.of(loot, save(leaving, leavingEpoch, 1, 7, true), departure, save(lost, lostEpoch, 1, 999, false));

        assertThat(store.save(batch, "node-a")).containsExactly(true, true, true, false);
        assertThat(row(looter, "money")).isEqualTo("25");
        assertThat(count("SELECT sum(money_delta) FROM ledger WHERE character_id = " + looter))
                .isEqualTo(25);
        assertThat(row(leaving, "state")).isEqualTo("OFFLINE");
        assertThat(row(departing, "state")).isEqualTo("IN_TRANSFER");
        assertThat(row(departing, "transfer_id")).isEqualTo(departure.transferId.toString());
        assertThat(row(lost, "owner_node")).isEqualTo("node-b");
        assertThat(row(lost, "money")).isEqualTo("0");
        assertThat(store.save(batch, "node-a"))
                .as("the batch retried, as after a commit not confirmed")
                .containsExactly(true, true, true, false);
        assertThat(count("SELECT count(*) FROM ledger WHERE character_id = " + looter))
                .isEqualTo(1);
    }

    @Test
    void aClaimIsRefusedForAnotherAccountsCharacterAndDuringATransfer() throws Exception {
        final long character = newCharacter();
        assertThatThrownBy(() -> store.claim(character, account + 1_000, "node-a"))
                .isInstanceOfSatisfying(
                        ClaimRefused.class,
                        e -> assertThat(e.reason()).isEqualTo(ClaimRefused.Reason.UNKNOWN_CHARACTER));
        update("UPDATE character SET state = 'IN_TRANSFER', owner_node = 'node-a', transfer_id = '" + UUID.randomUUID()
                + "' WHERE character_id = " + character);
        assertThatThrownBy(() -> store.claim(character, account, "node-b"))
                .isInstanceOfSatisfying(
                        ClaimRefused.class, e -> assertThat(e.reason()).isEqualTo(ClaimRefused.Reason.IN_TRANSFER));
    }

    @Test
    void aLoginsClaimIsFencedByTheEpochItsTokenWasIssuedAt() throws Exception {
        final long character = newCharacter();
        // Two logins read epoch 0; the first claim moves it to 1, so the second is refused and changes nothing.
        assertThat(store.claim(character, account, 0, "node-a").epoch()).isEqualTo(1);
        assertThatThrownBy(() -> store.claim(character, account, 0, "node-b"))
                .isInstanceOfSatisfying(
                        ClaimRefused.class, e -> assertThat(e.reason()).isEqualTo(ClaimRefused.Reason.STALE_LOGIN))
                .hasMessageContaining("epoch 1, the token's 0");
        assertThat(row(character, "owner_node")).isEqualTo("node-a");
        assertThat(store.claim(character, account, 1, "node-b").epoch()).isEqualTo(2);
    }

    @Test
    void anUnplayedClaimIsReleasedOnlyByItsOwnerAtItsEpoch() throws Exception {
        final long character = newCharacter();
        final long first = store.claim(character, account, "node-a").epoch();
        store.claim(character, account, "node-b");
        store.release(character, first, "node-a");
        assertThat(row(character, "state")).isEqualTo("ONLINE");
        store.release(character, first + 1, "node-b");
        assertThat(row(character, "state")).isEqualTo("OFFLINE");
    }

    @Test
    void aClaimReadsWhenTheCharactersDeserterRunsOut() throws Exception {
        final long free = newCharacter();
        assertThat(store.claim(free, account, "node-s").deserterUntilMillis()).isZero();
        final long deserter = newCharacter();
        update("UPDATE character SET deserter_until = to_timestamp(1900000000.25) WHERE character_id = " + deserter);
        assertThat(store.claim(deserter, account, "node-s").deserterUntilMillis())
                .isEqualTo(1_900_000_000_250L);
    }

    @Test
    void theBattlegroundsClaimOfAnEnteringCharacterCarriesItsMatchAndEntryPoint() throws Exception {
        final long character = newCharacter();
        final long epoch = store.claim(character, account, "node-s").epoch();
        assertThat(store.claim(character, account, epoch, "node-s").battleground())
                .as("in no battleground")
                .isNull();
        final UUID transfer = UUID.randomUUID();
        final PendingSave departure = save(character, epoch + 1, 4, 40, false);
        departure.transferId = transfer;
        departure.bgMatchId = "m1";
        assertThat(store.save(List.of(departure), "node-s")).containsExactly(true);
        assertThat(store.claimTransfer(character, epoch + 1, transfer, "node-t").battleground())
                .isEqualTo(new ClaimedCharacter.BattlegroundEntry("m1", 0, "", 10f, 0f, 0f, 0f));
    }

    @Test
    void aSaveOfADepartureGivenBackLandsWhetherTheFreezeLandedOrNotAndNoOtherSaveLandsOnAFreeze() throws Exception {
        for (final boolean batched : List.of(false, true)) {
            for (final boolean freezeLanded : List.of(false, true)) {
                final long character = newCharacter();
                final long epoch = store.claim(character, account, "node-s").epoch();
                final UUID transfer = UUID.randomUUID();
                if (freezeLanded) {
                    // The freeze's commit landed, but its answer was lost with the database.
                    final PendingSave freeze = save(character, epoch, 1, 10, false);
                    freeze.transferId = transfer;
                    assertThat(store.save(List.of(freeze), "node-s")).containsExactly(true);
                    assertThat(store.save(List.of(save(character, epoch, 2, 15, false)), "node-s"))
                            .as("a snapshot does not land on a character frozen for a transfer")
                            .containsExactly(false);
                }
                final PendingSave givenBack = save(character, epoch, 3, 20, false);
                givenBack.transferId = transfer;
                givenBack.giveBack();
                final List<PendingSave> saves = new ArrayList<>(List.of(givenBack));
                if (batched) {
                    final long other = newCharacter();
                    saves.add(save(other, store.claim(other, account, "node-s").epoch(), 1, 0, false));
                }
                final String what = "batched " + batched + ", freeze landed " + freezeLanded;
                assertThat(store.save(saves, "node-s")).as(what).containsOnly(true);
                assertThat(row(character, "state || ' ' || epoch || ' ' || money || ' ' || owner_node"))
                        .as(what)
                        .isEqualTo("ONLINE " + epoch + " 20 node-s");
                final PendingSave otherTransfer = save(character, epoch, 4, 30, false);
                otherTransfer.transferId = UUID.randomUUID();
                otherTransfer.giveBack();
                assertThat(store.save(List.of(otherTransfer), "node-s"))
                        .as("the row is ONLINE: the save lands as any snapshot")
                        .containsExactly(true);
                assertThatThrownBy(() -> store.claimTransfer(character, epoch, transfer, "node-t"))
                        .as("a target can no longer claim a transfer given back")
                        .isInstanceOf(ClaimRefused.class);
            }
        }
    }

    @Test
    void aDepartureIntoABattlegroundSavesTheEntryPointAndTheMatchAndAnAbortForgetsThem() throws Exception {
        final String entry =
                "bg_match_id || ' ' || bg_entry_map_id || ' ' || bg_entry_instance_id || '|' || bg_entry_x";
        for (final boolean batched : List.of(false, true)) {
            final long character = newCharacter();
            final long epoch = store.claim(character, account, "node-s").epoch();
            final UUID transfer = UUID.randomUUID();
            final PendingSave departure = save(character, epoch, 4, 40, false);
            departure.transferId = transfer;
            departure.bgMatchId = "m1";
            final List<PendingSave> saves = new java.util.ArrayList<>(List.of(departure));
            if (batched) {
                final long other = newCharacter();
                saves.add(save(other, store.claim(other, account, "node-s").epoch(), 1, 0, false));
            }
            assertThat(store.save(saves, "node-s")).containsOnly(true);
            assertThat(row(character, entry)).as("batched " + batched).isEqualTo("m1 0 |10");
            assertThat(row(character, "state")).isEqualTo("IN_TRANSFER");

            // Called off: the character never left its map, and is in no battleground.
            assertThat(store.abortTransfer(character, epoch, transfer, "node-s"))
                    .isEqualTo(epoch + 1);
            assertThat(row(character, "bg_match_id IS NULL AND bg_entry_map_id IS NULL"))
                    .isEqualTo("t");
        }
    }

    @Test
    void theClaimOfATripHomeWritesTheRewardOnceAndACalledOffTripNothing() throws Exception {
        final long winner = inBattleground();
        final long epoch = Long.parseLong(row(winner, "epoch"));
        update("INSERT INTO item (character_id, template_id, slot) VALUES (" + winner + ", 6948, 0), (" + winner
                + ", 2589, " + InventorySlots.BACKPACK_START + ")");
        final UUID home = UUID.randomUUID();
        assertThat(store.save(List.of(departure(winner, epoch, home)), "node-bg"))
                .containsExactly(true);
        final Homecoming won = new Homecoming("m1", 60, 20558, 0, 0, "", 5f, 6f, 7f, 1f);
        final ClaimedCharacter claimed = store.claimTransfer(winner, epoch, home, "node-home", won);
        assertThat(claimed.battleground()).as("out of its battleground").isNull();
        assertThat(claimed.mapId()).isZero();
        assertThat(claimed.x()).isEqualTo(5f);
        assertThat(claimed.deserterUntilMillis()).isZero();
        assertThat(store.claimTransfer(winner, epoch, home, "node-home", won))
                .as("the offer replayed: the same claim, nothing written twice")
                .isEqualTo(claimed);
        assertThat(row(winner, "honor || ' ' || map_id || ' ' || x || ' ' || (bg_match_id IS NULL)"))
                .isEqualTo("60 0 5 true");
        assertThat(count("SELECT count(*) FROM item WHERE character_id = " + winner + " AND template_id = 20558"
                        + " AND slot = " + (InventorySlots.BACKPACK_START + 1)))
                .as("one mark, in the first free slot")
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM ledger l JOIN item i ON i.item_id = ANY(l.items_created)"
                        + " WHERE l.character_id = " + winner
                        + " AND l.source = 'battleground' AND i.template_id = 20558"))
                .as("the mark's ledger entry")
                .isEqualTo(1);

        final long deserter = inBattleground();
        final long deserterEpoch = Long.parseLong(row(deserter, "epoch"));
        final UUID early = UUID.randomUUID();
        assertThat(store.save(List.of(departure(deserter, deserterEpoch, early)), "node-bg"))
                .containsExactly(true);
        assertThat(store.abortTransfer(deserter, deserterEpoch, early, "node-bg"))
                .as("called off")
                .isEqualTo(deserterEpoch + 1);
        assertThat(row(deserter, "honor || ' ' || (deserter_until IS NULL) || ' ' || bg_match_id"))
                .as("a called-off trip home wrote nothing: still in its match")
                .isEqualTo("0 true m1");
        final UUID again = UUID.randomUUID();
        assertThat(store.save(List.of(departure(deserter, deserterEpoch + 1, again)), "node-bg"))
                .containsExactly(true);
        final ClaimedCharacter left = store.claimTransfer(
                deserter,
                deserterEpoch + 1,
                again,
                "node-home",
                new Homecoming("m1", 0, 0, 1_900_000_000_000L, 0, "", 5f, 6f, 7f, 1f));
        assertThat(left.deserterUntilMillis()).isEqualTo(1_900_000_000_000L);
        assertThat(count("SELECT count(*) FROM item WHERE character_id = " + deserter))
                .as("no mark")
                .isZero();
        assertThat(row(deserter, "honor")).isEqualTo("0");
    }

    @Test
    void theMarkGoesToTheFirstFreeSlotOfTheBackpackThenOfTheEquippedBags() {
        final int backpack = InventorySlots.BACKPACK_START;
        assertThat(Homecoming.firstFreeSlot(List.of())).isEqualTo(backpack);
        assertThat(Homecoming.firstFreeSlot(
                        List.of(stack(1, InventorySlots.HEAD), stack(2, backpack), stack(3, backpack + 2))))
                .as("equipment is no bag slot")
                .isEqualTo(backpack + 1);
        final List<ItemStack> full = new ArrayList<>();
        for (int slot = backpack; slot < InventorySlots.BAG_CONTENTS_START; slot++) {
            full.add(stack(slot, slot));
        }
        assertThat(Homecoming.firstFreeSlot(full))
                .as("the backpack full, no bag")
                .isEqualTo(-1);
        final int bag = ItemTemplates.all().stream()
                .filter(t -> t.kind() == ItemKind.BAG)
                .findFirst()
                .orElseThrow()
                .id();
        full.add(new ItemStack(900, bag, InventorySlots.BAG_SLOTS_START + 1, 1));
        full.add(stack(901, InventorySlots.inBag(1, 0)));
        assertThat(Homecoming.firstFreeSlot(full))
                .as("the second bag's second slot")
                .isEqualTo(InventorySlots.inBag(1, 1));
    }

    private static ItemStack stack(final long id, final int slot) {
        return new ItemStack(id, 118, slot, 1);
    }

    /** A character the battleground's node holds (node-bg), in match m1, having entered from map 0. */
    private static long inBattleground() throws Exception {
        final long character = newCharacter();
        update(
                "UPDATE character SET bg_match_id = 'm1', bg_entry_map_id = 0, bg_entry_instance_id = '', bg_entry_x = 5,"
                        + " bg_entry_y = 6, bg_entry_z = 7, bg_entry_orientation = 1, map_id = 489, instance_id = 'wsg-1'"
                        + " WHERE character_id = " + character);
        store.claim(character, account, "node-bg");
        return character;
    }

    /** The battleground node's departure save of {@code character} at {@code epoch}: frozen for {@code transfer}. */
    private static PendingSave departure(final long character, final long epoch, final UUID transfer)
            throws SQLException {
        final PendingSave departure = save(character, epoch, Long.parseLong(row(character, "save_seq")) + 1, 0, false);
        departure.transferId = transfer;
        departure.mapId = 489;
        departure.instanceId = "wsg-1";
        return departure;
    }

    @Test
    void aTransferIsClaimedOnceThoughOfferedTwiceAndToTwoTargetsAtOnce() throws Exception {
        final long character = newCharacter();
        final long epoch = store.claim(character, account, "node-s").epoch();
        final UUID transfer = UUID.randomUUID();
        assertThat(store.save(List.of(save(character, epoch, 3, 40, false)), "node-s"))
                .containsExactly(true);
        final PendingSave departure = save(character, epoch, 4, 40, false);
        departure.transferId = transfer;
        assertThat(store.save(List.of(departure), "node-s"))
                .as("the departure save freezes it")
                .containsExactly(true);
        assertThat(store.save(List.of(departure), "node-s"))
                .as("the freeze retried")
                .containsExactly(true);
        assertThat(row(character, "state")).isEqualTo("IN_TRANSFER");

        final ClaimedCharacter claimed = store.claimTransfer(character, epoch, transfer, "node-t");
        assertThat(claimed.epoch()).isEqualTo(epoch + 1);
        assertThat(claimed.money()).isEqualTo(40);
        assertThat(store.claimTransfer(character, epoch, transfer, "node-t"))
                .as("the same offer replayed to the same target")
                .isEqualTo(claimed);
        assertThatThrownBy(() -> store.claimTransfer(character, epoch, transfer, "node-u"))
                .isInstanceOfSatisfying(
                        ClaimRefused.class, e -> assertThat(e.reason()).isEqualTo(ClaimRefused.Reason.TRANSFER_GONE));
        assertThat(store.abortTransfer(character, epoch, transfer, "node-s"))
                .as("too late to abort")
                .isEqualTo(-1);
        assertThat(store.save(List.of(save(character, epoch, 5, 0, false)), "node-s"))
                .as("the source's late save is fenced")
                .containsExactly(false);

        final long second = newCharacter();
        final long secondEpoch = store.claim(second, account, "node-s").epoch();
        final UUID race = UUID.randomUUID();
        final PendingSave secondDeparture = save(second, secondEpoch, 1, 0, false);
        secondDeparture.transferId = race;
        assertThat(store.save(List.of(secondDeparture), "node-s")).containsExactly(true);
        final ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            final CountDownLatch go = new CountDownLatch(1);
            final List<Future<Boolean>> attempts = List.of(
                    pool.submit(() -> claims(go, second, secondEpoch, race, "node-t")),
                    pool.submit(() -> claims(go, second, secondEpoch, race, "node-u")),
                    pool.submit(() -> {
                        go.await();
                        return store.abortTransfer(second, secondEpoch, race, "node-s") > 0;
                    }));
            go.countDown();
            long winners = 0;
            for (final Future<Boolean> attempt : attempts) {
                winners += attempt.get() ? 1 : 0;
            }
            assertThat(winners)
                    .as("of two targets and the source's abort, exactly one wins")
                    .isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(row(second, "epoch")).isEqualTo(Long.toString(secondEpoch + 1));
        assertThat(row(second, "state")).isEqualTo("ONLINE");
    }

    private static boolean claims(
            final CountDownLatch go, final long character, final long epoch, final UUID transfer, final String node)
            throws InterruptedException {
        go.await();
        try {
            store.claimTransfer(character, epoch, transfer, node);
            return true;
        } catch (final ClaimRefused e) {
            assertThat(e.reason()).isEqualTo(ClaimRefused.Reason.TRANSFER_GONE);
            return false;
        }
    }

    private static PendingSave save(
            final long character, final long epoch, final long seq, final long money, final boolean logout) {
        return PendingSaves.of(character, epoch, seq, money, logout);
    }

    private static long newCharacter() throws SQLException {
        return insert("INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z) VALUES (" + account
                + ", 'main', 'Store" + letters() + "', 1, 1, 0, 0, 0, 0) RETURNING character_id");
    }

    private static String letters() {
        final StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            s.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return s.toString();
    }

    private static long insert(final String sql) throws SQLException {
        return count(sql);
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
