package io.realmcluster.controlplane.characters;

import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.RealmDatabases;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.v1.InvariantResult;
import io.realmcluster.proto.v1.ItemCounts;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariants of every realm's character database that rule out loss and duplication, checked
 * with SQL against the live nodes (an operator's {@code realmctl check}, and every failure test):
 * <ul>
 *   <li>every character is OFFLINE (or MOVING, MOVED) or owned by a live node (exactly one: the row has one owner);</li>
 *   <li>no item id is held twice, and every item and trade is explained by the ledger ({@link ItemInvariants});</li>
 *   <li>every character's money is what its ledger explains (characters start with none);</li>
 *   <li>no save can take an epoch or a save sequence backwards (the database refuses it);</li>
 *   <li>no character stays frozen in a transfer past the sweeper's limit;</li>
 *   <li>no character stays MOVING to another realm past that limit, and a move's character lives
 *       in one realm with its items and money ({@link MoveInvariants}, across the databases).</li>
 * </ul>
 */
public final class InvariantChecker {
    /** Rows of each violated invariant named in the report; the count says how many there are. */
    static final int SHOWN = 10;

    /** How long one of the checker's queries may run: it reads every ledger entry of a realm. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);

    private final Map<Database, List<String>> databases;
    private final long staleTransferSeconds;

    /** Checks {@code database}, which holds every realm. */
    public InvariantChecker(final Database database, final long staleTransferSeconds) {
        this.databases = Map.of(database, List.of());
        this.staleTransferSeconds = staleTransferSeconds;
    }

    /**
     * Checks every realm database of {@code databases}; with more than one, each result's name
     * begins with the realms of its database ({@code second/item_ids_unique}).
     */
    public InvariantChecker(final RealmDatabases databases, final long staleTransferSeconds) {
        this.databases = databases.byDatabase();
        this.staleTransferSeconds = staleTransferSeconds;
    }

    /** Check everything in every realm database; {@code liveNodes} are the nodes registered now. */
    public InvariantReport check(final Set<String> liveNodes) throws SQLException {
        final List<InvariantResult> results = new ArrayList<>();
        final ItemCounts.Builder items = ItemCounts.newBuilder();
        for (final Map.Entry<Database, List<String>> database : databases.entrySet()) {
            final List<InvariantResult> ofDatabase = check(database.getKey(), liveNodes, items);
            if (databases.size() == 1) {
                results.addAll(ofDatabase);
                continue;
            }
            final String realms = String.join(",", database.getValue());
            for (final InvariantResult result : ofDatabase) {
                results.add(result.toBuilder()
                        .setName(realms + "/" + result.getName())
                        .setDescription(
                                "realm " + realms + " (" + database.getKey().where() + "): " + result.getDescription())
                        .build());
            }
        }
        // Moves span databases: checked over all of them at once, named without a realm.
        results.addAll(new MoveInvariants(databases.keySet()).check());
        return InvariantReport.newBuilder()
                .setOk(results.stream().allMatch(InvariantResult::getOk))
                .addAllResults(results)
                .addAllLiveNodes(liveNodes.stream().sorted().toList())
                .setItems(items)
                .build();
    }

    /** The invariants of one database, in one snapshot; its items are added to {@code items}. */
    private List<InvariantResult> check(
            final Database database, final Set<String> liveNodes, final ItemCounts.Builder items) throws SQLException {
        final List<InvariantResult> results = new ArrayList<>();
        try (Connection connection = database.connection()) {
            connection.setReadOnly(true);
            // One snapshot for every check, so they agree with each other.
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            // The item checks scan the whole ledger, which outgrows the pool's statement timeout on a
            // big realm: this read-only snapshot gets a longer one (and the socket waits for it).
            connection.setNetworkTimeout(
                    Runnable::run, (int) CHECK_TIMEOUT.plusSeconds(5).toMillis());
            try {
                try (Statement timeout = connection.createStatement()) {
                    timeout.execute("SET LOCAL statement_timeout = " + CHECK_TIMEOUT.toMillis());
                }
                final Array live = connection.createArrayOf("text", liveNodes.toArray());
                results.add(check(
                        connection,
                        "characters_owned_by_live_nodes",
                        "every character is OFFLINE or owned by a live node",
                        "SELECT count(*) FROM character WHERE state IN ('ONLINE', 'IN_TRANSFER')",
                        "SELECT character_id || ' ' || name || ' is ' || state || ' on ' || coalesce(owner_node, 'no node') "
                                + "FROM character WHERE state IN ('ONLINE', 'IN_TRANSFER') "
                                + "AND (owner_node IS NULL OR NOT owner_node = ANY(?)) "
                                + "ORDER BY character_id",
                        live));
                results.add(check(
                        connection,
                        "item_ids_unique",
                        "no item id is held twice",
                        "SELECT count(*) FROM item",
                        "SELECT 'item ' || item_id || ' held ' || count(*) || ' times' FROM item GROUP BY item_id "
                                + "HAVING count(*) > 1 ORDER BY item_id"));
                results.add(check(
                        connection,
                        "money_explained_by_ledger",
                        "every character's money equals the sum of its ledger (loot created, spending destroyed)",
                        "SELECT count(*) FROM character",
                        "SELECT c.character_id || ' ' || c.name || ' has ' || c.money || ' copper, its ledger explains '"
                                + " || coalesce(l.total, 0) FROM character c LEFT JOIN (SELECT character_id, sum(money_delta) AS total"
                                + " FROM ledger GROUP BY character_id) l ON l.character_id = c.character_id"
                                + " WHERE c.money <> coalesce(l.total, 0) ORDER BY c.character_id"));
                results.add(
                        check(
                                connection,
                                "saves_never_regress",
                                "the database refuses any update that takes a character's epoch or save sequence backwards",
                                "SELECT count(*) FROM pg_trigger WHERE tgname = 'character_fencing_never_regresses'",
                                "SELECT 'the trigger character_fencing_never_regresses is missing' WHERE NOT EXISTS "
                                        + "(SELECT 1 FROM pg_trigger WHERE tgname = 'character_fencing_never_regresses' AND tgenabled <> 'D')"));
                results.add(check(
                        connection,
                        "no_stale_transfers",
                        "no character stays IN_TRANSFER longer than " + staleTransferSeconds
                                + " s (the sweeper settles them)",
                        "SELECT count(*) FROM character WHERE state = 'IN_TRANSFER'",
                        "SELECT character_id || ' ' || name || ' in transfer ' || transfer_id || ' from ' || owner_node || ' since '"
                                + " || updated_at FROM character WHERE state = 'IN_TRANSFER' AND updated_at < now() - make_interval(secs => "
                                + staleTransferSeconds + ") ORDER BY character_id"));
                results.add(check(
                        connection,
                        "no_stale_moves",
                        "no character stays MOVING to another realm longer than " + staleTransferSeconds
                                + " s (the leader's sweep finishes the move)",
                        "SELECT count(*) FROM character WHERE state = 'MOVING'",
                        "SELECT character_id || ' ' || name || ' moving to realm ' || moved_to_realm || ' (move ' || move_id"
                                + " || ') since ' || updated_at FROM character WHERE state = 'MOVING' AND updated_at < now()"
                                + " - make_interval(secs => " + staleTransferSeconds + ") ORDER BY character_id"));
                final ItemInvariants.Counts counts = ItemInvariants.count(connection);
                results.addAll(ItemInvariants.check(connection, counts));
                final ItemCounts counted = counts.items();
                items.setHeld(items.getHeld() + counted.getHeld())
                        .setHolders(items.getHolders() + counted.getHolders())
                        .setDestroyed(items.getDestroyed() + counted.getDestroyed())
                        .setTrades(items.getTrades() + counted.getTrades());
            } finally {
                connection.rollback();
            }
        }
        return results;
    }

    /**
     * One invariant: {@code checkedSql} counts what it examines, each row of {@code violationsSql}
     * (given {@code parameters}) names one case that breaks it.
     */
    static InvariantResult check(
            final Connection connection,
            final String name,
            final String description,
            final String checkedSql,
            final String violationsSql,
            final Object... parameters)
            throws SQLException {
        final long checked;
        try (PreparedStatement count = connection.prepareStatement(checkedSql);
                ResultSet row = count.executeQuery()) {
            row.next();
            checked = row.getLong(1);
        }
        final List<String> shown = new ArrayList<>();
        long violations = 0;
        try (PreparedStatement query = connection.prepareStatement(violationsSql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    violations++;
                    if (shown.size() < SHOWN) {
                        shown.add(rows.getString(1));
                    }
                }
            }
        }
        return InvariantResult.newBuilder()
                .setName(name)
                .setDescription(description)
                .setOk(violations == 0)
                .setChecked(checked)
                .setViolationCount(violations)
                .addAllViolations(shown)
                .build();
    }
}
