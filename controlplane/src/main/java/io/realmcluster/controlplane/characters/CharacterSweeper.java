package io.realmcluster.controlplane.characters;

import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.RealmDatabases;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back characters nobody can be playing, on the leader, every few seconds:
 * <ul>
 *   <li>ONLINE on a node that is no longer registered (it died, or was cut off past its lease):
 *       OFFLINE, so the realm shows who is really online; the node's own saves of them now fail
 *       the ownership check, so a node that comes back drops them;</li>
 *   <li>IN_TRANSFER for longer than the transfer limit (a node died mid-transfer): OFFLINE with the
 *       epoch raised, the same compare-and-set a target's claim makes, so exactly one of them wins;</li>
 *   <li>MOVING to another realm for longer than the grace (its control plane died or lost a
 *       database mid-move): the move finished ({@link RealmMoves#finishStalled}).</li>
 * </ul>
 * A row claimed or saved in the last {@link #GRACE_SECONDS} is left alone: its node may have
 * registered after the live set was read.
 */
public final class CharacterSweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CharacterSweeper.class);
    static final long GRACE_SECONDS = 10;
    private static final String ORPHANS = """
        UPDATE character SET state = 'OFFLINE', owner_node = NULL, updated_at = now()
        WHERE state = 'ONLINE' AND NOT owner_node = ANY(?) AND updated_at < now() - make_interval(secs => ?)""";
    private static final String STALE_TRANSFERS = """
        UPDATE character SET state = 'OFFLINE', owner_node = NULL, epoch = epoch + 1, updated_at = now()
        WHERE state = 'IN_TRANSFER' AND updated_at < now() - make_interval(secs => ?)""";

    private final List<Database> databases;
    private final Supplier<Set<String>> liveNodes;
    private final BooleanSupplier leading;
    private final long staleTransferSeconds;
    private volatile RealmMoves moves;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread thread = new Thread(r, "character-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    /** Sweeps {@code database}, which holds every realm. */
    public CharacterSweeper(
            final Database database,
            final Supplier<Set<String>> liveNodes,
            final BooleanSupplier leading,
            final long staleTransferSeconds) {
        this(List.of(database), liveNodes, leading, staleTransferSeconds);
    }

    /** Sweeps every realm database of {@code databases}. */
    public CharacterSweeper(
            final RealmDatabases databases,
            final Supplier<Set<String>> liveNodes,
            final BooleanSupplier leading,
            final long staleTransferSeconds) {
        this(List.copyOf(databases.byDatabase().keySet()), liveNodes, leading, staleTransferSeconds);
    }

    private CharacterSweeper(
            final List<Database> databases,
            final Supplier<Set<String>> liveNodes,
            final BooleanSupplier leading,
            final long staleTransferSeconds) {
        this.databases = databases;
        this.liveNodes = liveNodes;
        this.leading = leading;
        this.staleTransferSeconds = staleTransferSeconds;
    }

    /** Also finish moves between realms found stalled, with {@code moves}; before {@link #start}. */
    public CharacterSweeper finishingMoves(final RealmMoves moves) {
        this.moves = moves;
        return this;
    }

    public CharacterSweeper start(final long everyMillis) {
        timer.scheduleWithFixedDelay(this::sweepIfLeading, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    private void sweepIfLeading() {
        if (!leading.getAsBoolean()) {
            return;
        }
        final Set<String> live;
        try {
            live = liveNodes.get();
        } catch (final RuntimeException e) {
            LOG.warn("character sweep failed (next in a few seconds): {}", e.getMessage());
            return;
        }
        // Each database on its own: one that is down does not keep the others' characters stranded.
        for (final Database database : databases) {
            try {
                sweep(database, live);
            } catch (final SQLException | RuntimeException e) {
                LOG.warn("character sweep of {} failed (next in a few seconds): {}", database.where(), e.getMessage());
            }
        }
        if (moves != null) {
            try {
                moves.finishStalled(GRACE_SECONDS);
            } catch (final RuntimeException e) {
                LOG.warn("finishing stalled moves failed (next in a few seconds): {}", e.getMessage());
            }
        }
    }

    /** One pass over every realm database against {@code live}; returns rows given back. */
    public int sweep(final Set<String> live) throws SQLException {
        int given = 0;
        for (final Database database : databases) {
            given += sweep(database, live);
        }
        return given;
    }

    private int sweep(final Database database, final Set<String> live) throws SQLException {
        try (Connection connection = database.connection()) {
            final int orphans;
            try (PreparedStatement orphaned = connection.prepareStatement(ORPHANS)) {
                final Array nodes = connection.createArrayOf("text", live.toArray());
                orphaned.setArray(1, nodes);
                orphaned.setLong(2, GRACE_SECONDS);
                orphans = orphaned.executeUpdate();
            }
            final int transfers;
            try (PreparedStatement stale = connection.prepareStatement(STALE_TRANSFERS)) {
                stale.setLong(1, staleTransferSeconds);
                transfers = stale.executeUpdate();
            }
            if (orphans + transfers > 0) {
                LOG.info(
                        "gave back {} characters of nodes that are gone and {} stuck in a transfer in {}",
                        orphans,
                        transfers,
                        database.where());
            }
            return orphans + transfers;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
