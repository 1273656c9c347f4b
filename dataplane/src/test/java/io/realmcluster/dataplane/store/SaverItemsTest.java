package io.realmcluster.dataplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The saver's side of items against a real PostgreSQL: item changes confirmed to their map in record order
 * only once durable, and a trade's halves paired and written together, settled to both or both lost.
 */
class SaverItemsTest {
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String NODE = "node-i";
    private static final int HANDLE = 1;
    private static final int DAGGER = 2092;
    private static final int POTION = 118;
    private static final int BACKPACK = InventorySlots.BACKPACK_START;

    private static Database database;
    private static PostgresCharacterStore store;
    private static long account;

    private final SaveLog log = SaveLog.allocate(1 << 20);
    private final Ingress map = Ingress.allocate(1 << 16);
    private final CachedNanoClock clock = new CachedNanoClock();
    private final TickScheduler noTicks = new TickScheduler(0, Throwable::printStackTrace);
    /** Calls to fail before the store is asked again: each failed call first lands, as a commit not confirmed. */
    private final AtomicInteger failures = new AtomicInteger();

    private final List<UUID> tradeIds = new ArrayList<>();

    @BeforeAll
    static void schema() throws SQLException {
        database = Database.open(
                "saver-items-test",
                POSTGRES.jdbcUrl(),
                new DatabaseCredentials(POSTGRES.user(), POSTGRES.password()),
                4);
        database.migrate();
        store = new PostgresCharacterStore(database);
        account = count("INSERT INTO account (name, password_hash, password_salt, password_iterations) "
                + "VALUES ('SaverItems', '\\x00', '\\x00', 1) RETURNING account_id");
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @AfterEach
    void stop() {
        noTicks.close();
    }

    @Test
    void itemChangesAreConfirmedToTheirMapInRecordOrderOnlyOnceDurable() throws Exception {
        final Saver saver = saver();
        final ClaimedCharacter looter = store.claim(newCharacter(), account, NODE);
        final long[] ids = store.reserveItemIds(0, 2);
        final long key = looter.key();
        final List<ItemStack> five = List.of(new ItemStack(ids[0], POTION, BACKPACK, 5));
        final List<ItemStack> split =
                List.of(new ItemStack(ids[0], POTION, BACKPACK, 3), new ItemStack(ids[1], POTION, BACKPACK + 1, 2));
        write(Saves.LOOT, key, looter.epoch(), 1, 15, Saves.ACTION_LOOT, 0, 0, -1, -1, List.of(), 15);
        write(Saves.LOOT, key, looter.epoch(), 2, 15, Saves.ACTION_LOOT, ids[0], 0, BACKPACK, -1, five, 0);
        write(Saves.ITEMS, key, looter.epoch(), 3, 15, Saves.ACTION_SPLIT, ids[1], 0, BACKPACK, BACKPACK + 1, split, 0);
        failures.set(1);

        saver.doWork();
        assertThat(messages())
                .as("the database failed: nothing is durable, nothing shown")
                .isEmpty();
        clock.advance(Saver.MAX_DELAY_NANOS * 60);
        saver.doWork();

        assertThat(messages())
                .containsExactly(
                        "items " + key + " action 1 copper 15 money 15 slots -1:0:0:0 -1:0:0:0",
                        "items " + key + " action 1 copper 0 money 15 slots " + BACKPACK + ":" + ids[0] + ":" + POTION
                                + ":5 -1:0:0:0",
                        "items " + key + " action 3 copper 0 money 15 slots " + BACKPACK + ":" + ids[0] + ":" + POTION
                                + ":3 " + (BACKPACK + 1) + ":" + ids[1] + ":" + POTION + ":2");
        assertThat(count("SELECT count(*) FROM ledger WHERE character_id = " + looter.characterId()))
                .as("the money, the loot, the split: each once though the first attempt landed unconfirmed")
                .isEqualTo(3);
        assertThat(count("SELECT sum(count) FROM item WHERE character_id = " + looter.characterId()))
                .isEqualTo(5);
        assertThat(saver.stats().loots()).isEqualTo(2);
        assertThat(saver.stats().itemChanges()).isEqualTo(3);
    }

    @Test
    void aTradesHalvesArePairedAcrossDrainsAndLandTogetherUnderOneTradeIdThoughRetried() throws Exception {
        final Saver saver = saver();
        final ClaimedCharacter alice = store.claim(newCharacter(), account, NODE);
        final ClaimedCharacter bob = store.claim(newCharacter(), account, NODE);
        final long[] ids = store.reserveItemIds(0, 2);
        give(saver, alice, ids[0], DAGGER, 100);
        give(saver, bob, ids[1], POTION, 0);

        writeTrade(alice, bob, 4, -30, ids[0], ids[1]);
        saver.doWork();
        assertThat(messages()).as("one half: it waits for the other").isEmpty();
        assertThat(itemsOf(alice)).containsExactly(ids[0]);

        writeTrade(bob, alice, 4, 30, ids[1], ids[0]);
        failures.set(1);
        saver.doWork();
        assertThat(messages()).as("the commit was not confirmed").isEmpty();
        clock.advance(Saver.MAX_DELAY_NANOS * 60);
        saver.doWork();

        assertThat(messages())
                .containsExactly("settled " + alice.key() + " trade 4", "settled " + bob.key() + " trade 4");
        assertThat(tradeIds).hasSize(2).containsOnly(tradeIds.get(0));
        assertThat(itemsOf(alice)).containsExactly(ids[1]);
        assertThat(itemsOf(bob)).containsExactly(ids[0]);
        assertThat(count("SELECT count(*) FROM ledger WHERE trade_id = '" + tradeIds.get(0) + "'"))
                .isEqualTo(2);
        assertThat(count("SELECT money FROM character WHERE character_id = " + bob.characterId()))
                .isEqualTo(30);
        assertThat(saver.stats().trades()).isEqualTo(1);
    }

    @Test
    void aTradeWhoseHalfAnotherNodeFencedLandsNeitherAndLosesBothCharacters() throws Exception {
        final Saver saver = saver();
        final ClaimedCharacter alice = store.claim(newCharacter(), account, NODE);
        final ClaimedCharacter bob = store.claim(newCharacter(), account, NODE);
        final long[] ids = store.reserveItemIds(0, 2);
        give(saver, alice, ids[0], DAGGER, 100);
        give(saver, bob, ids[1], POTION, 0);
        store.claim(bob.key(), account, "node-elsewhere");

        writeTrade(alice, bob, 5, -30, ids[0], ids[1]);
        writeTrade(bob, alice, 5, 30, ids[1], ids[0]);
        saver.doWork();

        assertThat(messages())
                .containsExactlyInAnyOrder(
                        "lost " + alice.key() + " epoch " + alice.epoch(),
                        "lost " + bob.key() + " epoch " + bob.epoch());
        assertThat(itemsOf(alice)).containsExactly(ids[0]);
        assertThat(itemsOf(bob)).containsExactly(ids[1]);
        assertThat(count("SELECT money FROM character WHERE character_id = " + alice.characterId()))
                .isEqualTo(100);
        assertThat(count(
                        "SELECT count(*) FROM ledger WHERE source = 'trade' AND character_id = " + alice.characterId()))
                .isZero();
        assertThat(saver.stats().lost()).isEqualTo(2);
        assertThat(saver.stats().pending()).isZero();
    }

    @Test
    void aHalfWhoseOtherNeverComesDropsItsCharacterAfterAWhile() throws Exception {
        final Saver saver = saver();
        final ClaimedCharacter alice = store.claim(newCharacter(), account, NODE);
        final ClaimedCharacter bob = store.claim(newCharacter(), account, NODE);
        final long id = store.reserveItemIds(0, 1)[0];
        give(saver, alice, id, DAGGER, 100);

        writeTrade(alice, bob, 6, -30, id, 0);
        saver.doWork();
        clock.advance(Saver.TRADE_PAIR_TIMEOUT_NANOS - 1);
        saver.doWork();
        assertThat(messages()).isEmpty();
        clock.advance(1);
        saver.doWork();

        assertThat(messages()).containsExactly("lost " + alice.key() + " epoch " + alice.epoch());
        assertThat(itemsOf(alice)).containsExactly(id);
        assertThat(saver.stats().pending()).isZero();
    }

    private Saver saver() {
        final CharacterStore failing = new ForwardingCharacterStore(store) {
            @Override
            public boolean[] save(final List<PendingSave> saves, final String nodeId) throws SQLException {
                final boolean[] landed = store.save(saves, nodeId);
                if (failures.getAndUpdate(f -> Math.max(0, f - 1)) > 0) {
                    throw new SQLException("the connection broke before the commit was confirmed");
                }
                return landed;
            }

            @Override
            public boolean saveTrade(
                    final PendingSave first, final PendingSave second, final UUID tradeId, final String nodeId)
                    throws SQLException {
                tradeIds.add(tradeId);
                final boolean landed = store.saveTrade(first, second, tradeId, nodeId);
                if (failures.getAndUpdate(f -> Math.max(0, f - 1)) > 0) {
                    throw new SQLException("the connection broke before the commit was confirmed");
                }
                return landed;
            }
        };
        return new Saver(
                log,
                failing,
                NODE,
                new InstanceHost(noTicks, log),
                clock,
                departures -> {},
                Saver.LogoutListener.NONE,
                handle -> handle == HANDLE ? map : null);
    }

    /** {@code character} loots {@code item} into its backpack with {@code money}, saved and confirmed. */
    private void give(
            final Saver saver, final ClaimedCharacter character, final long item, final int template, final long money)
            throws SQLException {
        write(
                Saves.LOOT,
                character.key(),
                character.epoch(),
                1,
                money,
                Saves.ACTION_LOOT,
                item,
                0,
                BACKPACK,
                -1,
                List.of(new ItemStack(item, template, BACKPACK, 1)),
                money);
        saver.doWork();
        assertThat(messages()).hasSize(1);
        assertThat(itemsOf(character)).containsExactly(item);
    }

    /** {@code from}'s half of trade {@code tradeSeq}: it gives {@code given} and gets {@code received} in its slot. */
    private void writeTrade(
            final ClaimedCharacter from,
            final ClaimedCharacter to,
            final long tradeSeq,
            final long copper,
            final long given,
            final long received) {
        try (RingClaim record = log.claim(new RingClaim(), Saves.TRADE)) {
            final int at = record.index();
            Saves.encode(record.buffer(), at, from.key(), from.epoch(), 2, HANDLE, 7, 1, 0, 0, 0, 0f, 0f, 0f, 0f, 0, 0);
            Saves.change(record.buffer(), at, Saves.ACTION_TRADE, 0, 0, -1, -1);
            PendingSaves.trade(
                    record.buffer(),
                    at,
                    tradeSeq,
                    to.key(),
                    copper,
                    new long[] {given},
                    received == 0 ? new long[0] : new long[] {received});
            record.buffer().putLong(at + Saves.MONEY, copper < 0 ? 100 + copper : copper);
            PendingSaves.items(
                    record.buffer(),
                    at,
                    received == 0 ? List.of() : List.of(new ItemStack(received, POTION, BACKPACK, 1)));
            record.commit();
        }
    }

    private void write(
            final int type,
            final long key,
            final long epoch,
            final long seq,
            final long money,
            final int action,
            final long created,
            final long destroyed,
            final int slotA,
            final int slotB,
            final List<ItemStack> items,
            final long copper) {
        try (RingClaim record = log.claim(new RingClaim(), type)) {
            final int at = record.index();
            Saves.encode(record.buffer(), at, key, epoch, seq, HANDLE, 7, 1, 0, 0, money, 0f, 0f, 0f, 0f, 900, copper);
            Saves.change(record.buffer(), at, action, created, destroyed, slotA, slotB);
            PendingSaves.items(record.buffer(), at, items);
            record.commit();
        }
    }

    /** What the saver told the map, one line each. */
    private List<String> messages() {
        final List<String> messages = new ArrayList<>();
        map.drain((type, buffer, index, length) -> messages.add(message(type, buffer, index)), 100);
        return messages;
    }

    private static String message(final int type, final DirectBuffer buffer, final int index) {
        final long entity = buffer.getLong(index + Inputs.ENTITY_OFFSET);
        return switch (type) {
            case Inputs.ITEMS_CONFIRMED ->
                "items " + entity + " action " + buffer.getInt(index + Inputs.ITEMS_ACTION) + " copper "
                        + buffer.getLong(index + Inputs.ITEMS_COPPER) + " money "
                        + buffer.getLong(index + Inputs.ITEMS_MONEY) + " slots "
                        + slot(buffer, index + Inputs.ITEMS_SLOT_A) + " " + slot(buffer, index + Inputs.ITEMS_SLOT_B);
            case Inputs.TRADE_SETTLED -> "settled " + entity + " trade " + buffer.getLong(index + Inputs.SETTLED_TRADE);
            case Inputs.CHARACTER_LOST -> "lost " + entity + " epoch " + buffer.getLong(index + Inputs.LOST_EPOCH);
            default -> "type " + type;
        };
    }

    private static String slot(final DirectBuffer buffer, final int at) {
        return buffer.getInt(at) + ":" + buffer.getLong(at + 4) + ":" + buffer.getInt(at + 12) + ":"
                + buffer.getInt(at + 16);
    }

    private static List<Long> itemsOf(final ClaimedCharacter character) throws SQLException {
        final List<Long> ids = new ArrayList<>();
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT item_id FROM item WHERE character_id = "
                        + character.characterId() + " ORDER BY slot")) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }

    private static long newCharacter() throws SQLException {
        final StringBuilder name = new StringBuilder("Saver");
        for (int i = 0; i < 6; i++) {
            name.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return count("INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z) VALUES (" + account
                + ", 'main', '" + name + "', 1, 1, 0, 0, 0, 0) RETURNING character_id");
    }

    private static long count(final String sql) throws SQLException {
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
