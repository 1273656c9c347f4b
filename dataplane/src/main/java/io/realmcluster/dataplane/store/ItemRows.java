package io.realmcluster.dataplane.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A realm database's item rows and the ledger entries that explain them, for {@link
 * PostgresCharacterStore}: the items a claim hands the map, the items and entries a fenced save writes
 * (only where the save landed), a trade's items changing hands, a battleground mark given at home. Every
 * method works in its caller's transaction.
 */
final class ItemRows {
    private static final Logger LOG = LoggerFactory.getLogger(ItemRows.class);

    private ItemRows() {}

    /**
     * The ledger entries of a batch's item changes, one row each (a change creates or destroys one item at
     * most); a retry of an entry that landed writes nothing (its character, epoch and save sequence name it).
     */
    static final String LEDGER = """
        INSERT INTO ledger (character_id, money_delta, items_created, items_destroyed, source, node, epoch, save_seq)
        SELECT v.character_id, v.money_delta,
               CASE WHEN v.created = 0 THEN '{}'::bigint[] ELSE ARRAY[v.created] END,
               CASE WHEN v.destroyed = 0 THEN '{}'::bigint[] ELSE ARRAY[v.destroyed] END,
               v.source, ?, v.epoch, v.save_seq
        FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::bigint[])
             AS v(character_id, money_delta, created, destroyed, source, epoch, save_seq)
        ON CONFLICT (character_id, epoch, save_seq) WHERE save_seq IS NOT NULL DO NOTHING""";

    /** A trade half's ledger entry: its money and the items it gave and received, under the trade's id. */
    private static final String TRADE_LEDGER = """
        INSERT INTO ledger (character_id, money_delta, source, node, epoch, save_seq, trade_id, items_given,
                            items_received)
        VALUES (?, ?, 'trade', ?, ?, ?, ?, ?::bigint[], ?::bigint[])
        ON CONFLICT (character_id, epoch, save_seq) WHERE save_seq IS NOT NULL DO NOTHING""";

    /**
     * The items a trade gave this character change hands first, and only from its partner, so that the
     * upsert below (which never takes an item from another character) finds them its own.
     */
    static final String TRADE_ITEMS = """
        UPDATE item SET character_id = ? WHERE item_id = ANY(?::bigint[]) AND character_id = ?""";

    /**
     * The items the saved characters no longer hold: gone (destroyed, merged, traded away). An anti-join on
     * the ids they hold (a hash of them), not {@code NOT (item_id = ANY(...))}, which compares each row with
     * every id of the batch.
     */
    static final String DELETE_ITEMS = """
        DELETE FROM item AS i
        WHERE i.character_id = ANY(?::bigint[])
          AND NOT EXISTS (SELECT 1 FROM unnest(?::bigint[]) AS h(item_id) WHERE h.item_id = i.item_id)""";

    /**
     * The items the saved characters hold: a row of the character that changed is moved or restacked, an id
     * the table lacks is inserted (a loot's, a split's), and a row of another character is left alone (a
     * save never takes an item from another character). Not an {@code INSERT ... ON CONFLICT DO UPDATE}: that
     * locks (and so writes) every row it finds, changed or not, where this writes only the rows that changed.
     * The unique (character, slot) is checked at commit, so two items may swap slots.
     */
    static final String UPSERT_ITEMS = """
        WITH v AS MATERIALIZED (
            SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::integer[], ?::integer[], ?::smallint[])
                AS v(item_id, character_id, template_id, count, slot)),
        moved AS (
            UPDATE item SET template_id = v.template_id, count = v.count, slot = v.slot
            FROM v
            WHERE item.item_id = v.item_id AND item.character_id = v.character_id
              AND (item.template_id, item.count, item.slot) IS DISTINCT FROM (v.template_id, v.count, v.slot))
        INSERT INTO item (item_id, character_id, template_id, count, slot)
        SELECT v.item_id, v.character_id, v.template_id, v.count, v.slot FROM v
        WHERE NOT EXISTS (SELECT 1 FROM item WHERE item.item_id = v.item_id)
        ON CONFLICT (item_id) DO NOTHING""";

    /** What a claim hands the map: every item the character holds. */
    static final String ITEMS = "SELECT item_id, template_id, slot, count FROM item WHERE character_id = ?";

    static final String ITEMS_OF = """
        SELECT character_id, item_id, template_id, slot, count FROM item WHERE character_id = ANY(?::bigint[])""";

    static final String MARK = """
        INSERT INTO item (character_id, template_id, count, slot) VALUES (?, ?, 1, ?) RETURNING item_id""";

    static final String MARK_LEDGER = """
        INSERT INTO ledger (character_id, items_created, source, node, epoch) VALUES (?, ARRAY[?]::bigint[], 'battleground', ?, ?)""";

    /** The mark in the character's first free bag slot, with the ledger entry that created it; none when the bags are full. */
    static void giveMark(
            final Connection connection,
            final long characterId,
            final int templateId,
            final String nodeId,
            final long epoch)
            throws SQLException {
        final int slot = Homecoming.firstFreeSlot(items(connection, characterId));
        if (slot < 0) {
            LOG.warn("character {} has no free bag slot for its mark {}; it gets none", characterId, templateId);
            return;
        }
        final long itemId;
        try (PreparedStatement mark = connection.prepareStatement(MARK)) {
            mark.setLong(1, characterId);
            mark.setInt(2, templateId);
            mark.setInt(3, slot);
            try (ResultSet row = mark.executeQuery()) {
                row.next();
                itemId = row.getLong(1);
            }
        }
        try (PreparedStatement ledger = connection.prepareStatement(MARK_LEDGER)) {
            ledger.setLong(1, characterId);
            ledger.setLong(2, itemId);
            ledger.setString(3, nodeId);
            ledger.setLong(4, epoch);
            ledger.executeUpdate();
        }
    }

    /** Every item {@code characterId} holds, by slot. */
    static List<ItemStack> items(final Connection connection, final long characterId) throws SQLException {
        final List<ItemStack> items = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(ITEMS)) {
            select.setLong(1, characterId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    items.add(new ItemStack(rows.getLong(1), rows.getInt(2), rows.getInt(3), rows.getInt(4)));
                }
            }
        }
        items.sort(Comparator.comparingInt(ItemStack::slot));
        return items;
    }

    /** Every item each of {@code characterIds} holds, in one query: by character id, each list by slot. */
    static Map<Long, List<ItemStack>> itemsOf(final Connection connection, final Long[] characterIds)
            throws SQLException {
        final Map<Long, List<ItemStack>> items = new HashMap<>(characterIds.length * 2);
        try (PreparedStatement select = connection.prepareStatement(ITEMS_OF)) {
            select.setArray(1, connection.createArrayOf("bigint", characterIds));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    items.computeIfAbsent(rows.getLong(1), c -> new ArrayList<>())
                            .add(new ItemStack(rows.getLong(2), rows.getInt(3), rows.getInt(4), rows.getInt(5)));
                }
            }
        }
        items.values().forEach(held -> held.sort(Comparator.comparingInt(ItemStack::slot)));
        return items;
    }

    /** The items {@code receiver} received from {@code giver} become its own, ahead of the items' upsert. */
    static void handOver(final Connection connection, final PendingSave receiver, final PendingSave giver)
            throws SQLException {
        if (receiver.receivedCount == 0) {
            return;
        }
        try (PreparedStatement move = connection.prepareStatement(TRADE_ITEMS)) {
            move.setLong(1, CharacterKey.id(receiver.characterId));
            move.setArray(2, ids(connection, receiver.received, receiver.receivedCount));
            move.setLong(3, CharacterKey.id(giver.characterId));
            move.executeUpdate();
        }
    }

    static Array ids(final Connection connection, final long[] ids, final int count) throws SQLException {
        final Long[] boxed = new Long[count];
        for (int i = 0; i < count; i++) {
            boxed[i] = ids[i];
        }
        return connection.createArrayOf("bigint", boxed);
    }

    /**
     * The items of each save that landed and whose items changed: the rows it no longer holds deleted, the
     * rows it holds upserted; two statements for the whole batch. An item named twice in a batch (by two
     * characters) is written for the first only; the upsert leaves it to its holder anyway.
     */
    static void writeItems(final Connection connection, final List<PendingSave> saves, final boolean[] landed)
            throws SQLException {
        int characters = 0;
        int items = 0;
        for (int i = 0; i < saves.size(); i++) {
            if (landed[i] && saves.get(i).itemsChanged) {
                characters++;
                items += saves.get(i).itemCount;
            }
        }
        if (characters == 0) {
            return;
        }
        final Long[] holders = new Long[characters];
        final Long[] ids = new Long[items];
        final Long[] owners = new Long[items];
        final Integer[] templates = new Integer[items];
        final Integer[] counts = new Integer[items];
        final Short[] slots = new Short[items];
        final LongHashSet seen = new LongHashSet(items * 2);
        int c = 0;
        int n = 0;
        for (int i = 0; i < saves.size(); i++) {
            final PendingSave save = saves.get(i);
            if (!landed[i] || !save.itemsChanged) {
                continue;
            }
            final long characterId = CharacterKey.id(save.characterId);
            holders[c++] = characterId;
            for (int k = 0; k < save.itemCount; k++) {
                if (!seen.add(save.itemIds[k])) {
                    continue;
                }
                ids[n] = save.itemIds[k];
                owners[n] = characterId;
                templates[n] = save.itemTemplates[k];
                counts[n] = save.itemCounts[k];
                slots[n] = (short) save.itemSlots[k];
                n++;
            }
        }
        try (PreparedStatement delete = connection.prepareStatement(DELETE_ITEMS)) {
            delete.setArray(1, connection.createArrayOf("bigint", holders));
            delete.setArray(2, connection.createArrayOf("bigint", Arrays.copyOf(ids, n)));
            delete.executeUpdate();
        }
        if (n == 0) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT_ITEMS)) {
            upsert.setArray(1, connection.createArrayOf("bigint", Arrays.copyOf(ids, n)));
            upsert.setArray(2, connection.createArrayOf("bigint", Arrays.copyOf(owners, n)));
            upsert.setArray(3, connection.createArrayOf("integer", Arrays.copyOf(templates, n)));
            upsert.setArray(4, connection.createArrayOf("integer", Arrays.copyOf(counts, n)));
            upsert.setArray(5, connection.createArrayOf("smallint", Arrays.copyOf(slots, n)));
            upsert.executeUpdate();
        }
    }

    /** The ledger entries of the item changes of each save that landed, in one statement. */
    static void writeLedger(
            final Connection connection, final List<PendingSave> saves, final boolean[] landed, final String nodeId)
            throws SQLException {
        int entries = 0;
        for (int i = 0; i < saves.size(); i++) {
            for (int k = 0; landed[i] && k < saves.get(i).changeCount; k++) {
                entries += saves.get(i).changes[k].ledgered() ? 1 : 0;
            }
        }
        if (entries == 0) {
            return;
        }
        final Long[] characters = new Long[entries];
        final Long[] money = new Long[entries];
        final Long[] created = new Long[entries];
        final Long[] destroyed = new Long[entries];
        final String[] sources = new String[entries];
        final Long[] epochs = new Long[entries];
        final Long[] seqs = new Long[entries];
        int e = 0;
        for (int i = 0; i < saves.size(); i++) {
            final PendingSave save = saves.get(i);
            for (int k = 0; landed[i] && k < save.changeCount; k++) {
                final PendingSave.ItemChange change = save.changes[k];
                if (!change.ledgered()) {
                    continue;
                }
                characters[e] = CharacterKey.id(save.characterId);
                money[e] = change.copper;
                created[e] = change.created;
                destroyed[e] = change.destroyed;
                sources[e] = change.source();
                epochs[e] = save.epoch;
                seqs[e] = change.saveSeq;
                e++;
            }
        }
        try (PreparedStatement ledger = connection.prepareStatement(LEDGER)) {
            ledger.setString(1, nodeId);
            ledger.setArray(2, connection.createArrayOf("bigint", characters));
            ledger.setArray(3, connection.createArrayOf("bigint", money));
            ledger.setArray(4, connection.createArrayOf("bigint", created));
            ledger.setArray(5, connection.createArrayOf("bigint", destroyed));
            ledger.setArray(6, connection.createArrayOf("text", sources));
            ledger.setArray(7, connection.createArrayOf("bigint", epochs));
            ledger.setArray(8, connection.createArrayOf("bigint", seqs));
            ledger.executeUpdate();
        }
    }

    /**
     * A trade's items and ledger once both halves' fenced updates landed: the items each received change
     * hands from the other first, then both characters' items and their other entries, then one trade entry
     * each under {@code tradeId}.
     */
    static void writeTrade(
            final Connection connection,
            final PendingSave first,
            final PendingSave second,
            final UUID tradeId,
            final String nodeId)
            throws SQLException {
        final List<PendingSave> both = List.of(first, second);
        handOver(connection, first, second);
        handOver(connection, second, first);
        writeItems(connection, both, new boolean[] {true, true});
        writeLedger(connection, both, new boolean[] {true, true}, nodeId);
        try (PreparedStatement ledger = connection.prepareStatement(TRADE_LEDGER)) {
            for (final PendingSave half : both) {
                ledger.setLong(1, CharacterKey.id(half.characterId));
                ledger.setLong(2, half.tradeCopper);
                ledger.setString(3, nodeId);
                ledger.setLong(4, half.epoch);
                ledger.setLong(5, half.tradeSaveSeq);
                ledger.setObject(6, tradeId);
                ledger.setArray(7, ids(connection, half.given, half.givenCount));
                ledger.setArray(8, ids(connection, half.received, half.receivedCount));
                ledger.addBatch();
            }
            ledger.executeBatch();
        }
    }
}
