package io.realmcluster.controlplane.characters;

import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.common.items.ItemTemplate;
import io.realmcluster.common.items.ItemTemplates;
import io.realmcluster.proto.v1.InvariantResult;
import io.realmcluster.proto.v1.ItemCounts;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The invariants of one realm database's items and trades (docs/architecture.md, "Items"), read in
 * the caller's snapshot:
 * <ul>
 *   <li>every item the ledger created exists, or a ledger entry at or after its creation destroyed
 *       it, and no item is created twice;</li>
 *   <li>every item that exists was created by a ledger entry (loot, split, a battleground's mark, a
 *       move into the realm), and none that a ledger entry destroyed;</li>
 *   <li>every item is of a known template, within its largest stack, in a slot that exists, alone in it;</li>
 *   <li>every trade has exactly two ledger entries, of two characters, whose money sums to zero and
 *       whose items given by each are the items received by the other;</li>
 *   <li>every item is held by the character of the last ledger entry that created or received it.</li>
 * </ul>
 * Each query is set-based, and the per-item invariants share one: the ledger's item arrays are
 * unnested once and aggregated per item, so the check costs a few scans of {@code ledger} and
 * {@code item}, whatever the number of characters.
 */
final class ItemInvariants {
    /**
     * Every item the ledger mentions or the database holds that breaks one of the per-item invariants,
     * in one pass: the ledger's item arrays unnested once and aggregated per item (how many entries
     * created it, the last that created, destroyed, and created or received it, and whose that was),
     * joined with the items held; the names and sources of the few rows found are looked up after.
     */
    private static final String PER_ITEM = """
        WITH mention AS (
            SELECT m.item_id, l.entry_id, l.character_id, m.kind
            FROM ledger l CROSS JOIN LATERAL (
                SELECT c, 1 FROM unnest(l.items_created) AS c
                UNION ALL SELECT d, 2 FROM unnest(l.items_destroyed) AS d
                UNION ALL SELECT r, 3 FROM unnest(l.items_received) AS r) AS m(item_id, kind)
            WHERE l.items_created <> '{}' OR l.items_destroyed <> '{}' OR l.items_received <> '{}'),
        per_item AS (
            SELECT item_id,
                   count(*) FILTER (WHERE kind = 1) AS creations,
                   max(entry_id) FILTER (WHERE kind = 1) AS created_by,
                   max(entry_id) FILTER (WHERE kind = 2) AS destroyed_by,
                   max(ARRAY[entry_id, character_id]) FILTER (WHERE kind <> 2) AS acquired
            FROM mention GROUP BY item_id),
        bad AS MATERIALIZED (
            SELECT coalesce(i.item_id, p.item_id) AS item_id, coalesce(p.creations, 0) AS creations, p.created_by,
                   p.destroyed_by, p.acquired[1] AS acquired_by, p.acquired[2] AS acquirer,
                   i.character_id AS holder, i.template_id, i.count, i.slot
            FROM per_item p FULL JOIN item i ON i.item_id = p.item_id
            WHERE p.creations > 1
               OR i.item_id IS NULL AND p.creations > 0 AND (p.destroyed_by IS NULL OR p.destroyed_by < p.created_by)
               OR i.item_id IS NOT NULL AND (p.item_id IS NULL OR p.creations = 0 OR p.destroyed_by IS NOT NULL
                                             OR p.acquired[2] <> i.character_id))
        SELECT b.item_id, b.creations,
               b.created_by, (SELECT source FROM ledger WHERE entry_id = b.created_by), creator.character_id,
               (SELECT name FROM character WHERE character_id = creator.character_id),
               b.destroyed_by, (SELECT source FROM ledger WHERE entry_id = b.destroyed_by),
               (SELECT character_id FROM ledger WHERE entry_id = b.destroyed_by),
               b.acquired_by, (SELECT source FROM ledger WHERE entry_id = b.acquired_by), b.acquirer,
               (SELECT name FROM character WHERE character_id = b.acquirer),
               b.holder, (SELECT name FROM character WHERE character_id = b.holder), b.template_id, b.count, b.slot
        FROM bad b CROSS JOIN LATERAL (SELECT (SELECT character_id FROM ledger WHERE entry_id = b.created_by)) AS creator(character_id)
        ORDER BY b.item_id""";

    /** The catalogue as a relation, from three arrays bound to the statement. */
    private static final String TEMPLATES = """
        WITH template AS (
            SELECT * FROM unnest(?::int[], ?::int[], ?::text[]) AS t(template_id, max_stack, name))
        """;

    private static final String STACKS = TEMPLATES + """
        SELECT 'item ' || i.item_id || ' held by character ' || i.character_id || ' ' || ch.name || ' in slot ' || i.slot
               || CASE WHEN t.template_id IS NULL THEN ' is of template ' || i.template_id || ', which does not exist'
                       WHEN i.count > t.max_stack THEN ' is a stack of ' || i.count || ' ' || t.name
                            || ', above its largest, ' || t.max_stack
                       ELSE ', a slot that does not exist (0 to ' || ?::int || ')' END
        FROM item i JOIN character ch ON ch.character_id = i.character_id
             LEFT JOIN template t ON t.template_id = i.template_id
        WHERE t.template_id IS NULL OR i.count > t.max_stack OR i.slot < 0 OR i.slot > ?::int
        UNION ALL
        SELECT 'character ' || i.character_id || ' ' || ch.name || ' holds ' || count(*) || ' items in slot ' || i.slot
               || ': ' || string_agg(i.item_id::text, ', ' ORDER BY i.item_id)
        FROM item i JOIN character ch ON ch.character_id = i.character_id
        GROUP BY i.character_id, ch.name, i.slot HAVING count(*) > 1
        ORDER BY 1""";

    private static final String TRADES = """
        WITH side AS (
            SELECT l.trade_id, l.entry_id, l.character_id, l.money_delta,
                   ARRAY(SELECT g FROM unnest(l.items_given) AS g ORDER BY g) AS given,
                   ARRAY(SELECT r FROM unnest(l.items_received) AS r ORDER BY r) AS received,
                   'entry ' || l.entry_id || ' of character ' || l.character_id || ' ' || ch.name || ': '
                       || l.money_delta || ' copper, gave ' || l.items_given::text || ', received '
                       || l.items_received::text AS shown
            FROM ledger l JOIN character ch ON ch.character_id = l.character_id
            WHERE l.trade_id IS NOT NULL),
        trade AS (
            SELECT trade_id, count(*) AS entries, count(DISTINCT character_id) AS characters, sum(money_delta) AS money,
                   min(entry_id) AS first, max(entry_id) AS last, string_agg(shown, '; ' ORDER BY entry_id) AS shown
            FROM side GROUP BY trade_id)
        SELECT 'trade ' || t.trade_id || ': '
               || CASE WHEN t.entries <> 2 THEN t.entries || ' ledger entries, not two'
                       WHEN t.characters <> 2 THEN 'both entries are of one character'
                       WHEN t.money <> 0 THEN 'its money sums to ' || t.money || ' copper, not zero'
                       ELSE 'what one side gave is not what the other received' END
               || ' (' || t.shown || ')'
        FROM trade t JOIN side a ON a.entry_id = t.first JOIN side b ON b.entry_id = t.last
        WHERE t.entries <> 2 OR t.characters <> 2 OR t.money <> 0 OR a.given <> b.received OR b.given <> a.received
        ORDER BY 1""";

    private static final String COUNTS = """
        SELECT (SELECT count(*) FROM item),
               (SELECT count(DISTINCT character_id) FROM item),
               (SELECT count(DISTINCT m.item_id) FROM ledger l CROSS JOIN LATERAL unnest(l.items_destroyed) AS m(item_id)
                WHERE cardinality(l.items_destroyed) > 0 AND l.source <> 'move-out'),
               (SELECT count(DISTINCT trade_id) FROM ledger WHERE trade_id IS NOT NULL),
               (SELECT coalesce(sum(cardinality(items_created)), 0) FROM ledger)""";

    private static final String CREATED_EXIST = "items_created_exist_or_destroyed";
    private static final String HELD_CREATED = "items_held_were_created";
    private static final String HELD_BY_RECEIVER = "items_held_by_last_receiver";

    /** What one realm database holds: its items, their holders, items destroyed, trades, and items created. */
    record Counts(ItemCounts items, long created) {}

    private ItemInvariants() {}

    /** What the database {@code connection} reads holds, in its snapshot. */
    static Counts count(final Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(COUNTS);
                ResultSet row = select.executeQuery()) {
            row.next();
            return new Counts(
                    ItemCounts.newBuilder()
                            .setHeld(row.getLong(1))
                            .setHolders(row.getLong(2))
                            .setDestroyed(row.getLong(3))
                            .setTrades(row.getLong(4))
                            .build(),
                    row.getLong(5));
        }
    }

    /** The item invariants of the database {@code connection} reads, in its snapshot, which holds {@code counts}. */
    static List<InvariantResult> check(final Connection connection, final Counts counts) throws SQLException {
        final Map<String, Found> perItem = perItem(connection);
        final List<ItemTemplate> all = ItemTemplates.all();
        final Array ids = connection.createArrayOf(
                "integer", all.stream().map(ItemTemplate::id).toArray(Integer[]::new));
        final Array maxStacks = connection.createArrayOf(
                "integer", all.stream().map(ItemTemplate::maxStack).toArray(Integer[]::new));
        final Array names = connection.createArrayOf(
                "text", all.stream().map(ItemTemplate::name).toArray(String[]::new));
        final int lastSlot = InventorySlots.COUNT - 1;
        return List.of(
                perItem.get(CREATED_EXIST)
                        .result(
                                CREATED_EXIST,
                                "every item a ledger entry created exists, or a ledger entry since destroyed it;"
                                        + " none is created twice",
                                counts.created()),
                perItem.get(HELD_CREATED)
                        .result(
                                HELD_CREATED,
                                "every item held was created by a ledger entry (loot, split, a battleground's mark, a"
                                        + " move into the realm), and no ledger entry destroyed it",
                                counts.items().getHeld()),
                InvariantChecker.check(
                        connection,
                        "item_stacks_within_limits",
                        "every item is of a known template, within its largest stack, alone in a slot that exists",
                        "SELECT count(*) FROM item",
                        STACKS,
                        ids,
                        maxStacks,
                        names,
                        lastSlot,
                        lastSlot),
                InvariantChecker.check(
                        connection,
                        "trades_balanced",
                        "every trade has two ledger entries, of two characters, with money summing to zero and the"
                                + " items each gave received by the other",
                        "SELECT count(DISTINCT trade_id) FROM ledger WHERE trade_id IS NOT NULL",
                        TRADES),
                perItem.get(HELD_BY_RECEIVER)
                        .result(
                                HELD_BY_RECEIVER,
                                "every item is held by the character of the last ledger entry that created or"
                                        + " received it (an item traded away moved with the trade)",
                                counts.items().getHeld()));
    }

    /** The violations of the per-item invariants, by invariant, from one pass over the ledger and the items. */
    private static Map<String, Found> perItem(final Connection connection) throws SQLException {
        final Map<String, Found> found =
                Map.of(CREATED_EXIST, new Found(), HELD_CREATED, new Found(), HELD_BY_RECEIVER, new Found());
        try (PreparedStatement select = connection.prepareStatement(PER_ITEM);
                ResultSet row = select.executeQuery()) {
            while (row.next()) {
                final long item = row.getLong(1);
                final long creations = row.getLong(2);
                final Long createdBy = (Long) row.getObject(3, Long.class);
                final String creation = createdBy == null
                        ? null
                        : "ledger entry " + createdBy + " (" + row.getString(4) + ") of character " + row.getLong(5)
                                + " " + row.getString(6);
                final Long destroyedBy = (Long) row.getObject(7, Long.class);
                final Long acquiredBy = (Long) row.getObject(10, Long.class);
                final Long holder = (Long) row.getObject(14, Long.class);
                if (holder == null) {
                    if (creations > 0 && (destroyedBy == null || destroyedBy < createdBy)) {
                        found.get(CREATED_EXIST)
                                .add(() -> "item " + item + ", created by " + creation
                                        + ", does not exist and no ledger entry since destroyed it");
                    }
                } else {
                    final String held = "item " + item + " (" + row.getInt(17) + " of template " + row.getInt(16)
                            + ") held by character " + holder + " " + row.getString(15) + " in slot " + row.getInt(18);
                    if (creations == 0) {
                        found.get(HELD_CREATED).add(() -> held + ": no ledger entry created it");
                    }
                    if (destroyedBy != null) {
                        final String destruction = "ledger entry " + destroyedBy + " (" + row.getString(8)
                                + ") of character " + row.getLong(9);
                        found.get(HELD_CREATED).add(() -> held + " was destroyed by " + destruction);
                    }
                    final long acquirer = row.getLong(12);
                    if (acquiredBy != null && acquirer != holder) {
                        final String acquisition = "ledger entry " + acquiredBy + " (" + row.getString(11)
                                + "), is of character " + acquirer + " " + row.getString(13);
                        found.get(HELD_BY_RECEIVER)
                                .add(() -> held + ", but the last that created or received it, " + acquisition);
                    }
                }
                if (creations > 1) {
                    found.get(CREATED_EXIST)
                            .add(() -> "item " + item + " was created by " + creations + " ledger entries, the last "
                                    + creation);
                }
            }
        }
        return found;
    }

    /** The violations of one invariant: all counted, the first {@link InvariantChecker#SHOWN} named. */
    private static final class Found {
        private final List<String> shown = new ArrayList<>();
        private long count;

        void add(final Supplier<String> violation) {
            count++;
            if (shown.size() < InvariantChecker.SHOWN) {
                shown.add(violation.get());
            }
        }

        InvariantResult result(final String name, final String description, final long checked) {
            return InvariantResult.newBuilder()
                    .setName(name)
                    .setDescription(description)
                    .setOk(count == 0)
                    .setChecked(checked)
                    .setViolationCount(count)
                    .addAllViolations(shown)
                    .build();
        }
    }
}
