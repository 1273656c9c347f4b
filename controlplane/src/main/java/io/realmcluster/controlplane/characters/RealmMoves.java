package io.realmcluster.controlplane.characters;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.RealmDatabases;
import io.realmcluster.common.log.LogSafe;
import io.realmcluster.controlplane.login.CharacterRoster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A character's move out of its realm's database into another realm's, exactly once, with no
 * transaction spanning the two (see db/realm V3): (1) the source row becomes MOVING under a
 * compare-and-set on its epoch, which fences any login; (2) the target inserts the character, its
 * items (new ids) and its money in one transaction keyed by the move id; (3) the source row becomes
 * a tombstone, its items and money gone with a ledger entry. Every step is idempotent and its
 * progress is in the rows, so a move found half-way is finished, never undone, by whoever finds it:
 * the same call again, or the leader's sweep ({@link #finishStalled}). Only a target that turns out
 * to hold the name already (taken between the check and the insert) calls the move off, since then
 * nothing can have landed. Steps (2) and (3) run under the source row's lock, so two finishers of one
 * move take turns. Any replica with the databases may move: etcd and leadership play no part.
 */
public final class RealmMoves {
    private static final Logger LOG = LoggerFactory.getLogger(RealmMoves.class);

    /** What an operator asks: the character {@code name} of {@code realm} to {@code toRealm}, renamed when {@code newName} is not empty. */
    public record Request(String realm, String name, String toRealm, String newName) {}

    /** A finished move: where the character was and is, and what it took along. */
    public record Result(
            UUID moveId,
            String realm,
            long characterId,
            String toRealm,
            long toCharacterId,
            String toName,
            long money,
            int items,
            boolean alreadyDone) {}

    private static final String SOURCE = """
        SELECT character_id, name, state, owner_node, epoch, move_id, moved_to_realm, moved_to_name
        FROM character WHERE realm = ? AND lower(name) = lower(?)""";
    private static final String NAME_TAKEN = "SELECT 1 FROM character WHERE realm = ? AND lower(name) = lower(?)";
    private static final String MARK = """
        UPDATE character SET state = 'MOVING', epoch = epoch + 1, move_id = ?, moved_to_realm = ?, moved_to_name = ?,
            updated_at = now()
        WHERE character_id = ? AND epoch = ? AND state = 'OFFLINE'""";
    private static final String LOCK = """
        SELECT character_id, account_id, race, class, level, experience, money, map_id, x, y, z, orientation,
               epoch, state, moved_to_realm, moved_to_name, moved_to_character_id
        FROM character WHERE move_id = ? FOR UPDATE""";
    private static final String ITEMS =
            "SELECT item_id, template_id, count, slot FROM item WHERE character_id = ? ORDER BY item_id";
    private static final String TAKE_ITEMS = "DELETE FROM item WHERE character_id = ? AND item_id = ANY(?)";
    private static final String TOMBSTONE = """
        UPDATE character SET state = 'MOVED', money = 0, moved_to_character_id = ?, updated_at = now()
        WHERE character_id = ? AND move_id = ? AND state = 'MOVING'""";
    private static final String CALL_OFF = """
        UPDATE character SET state = 'OFFLINE', epoch = epoch + 1, move_id = NULL, moved_to_realm = NULL,
            moved_to_name = NULL, updated_at = now()
        WHERE character_id = ? AND move_id = ? AND state = 'MOVING'""";
    private static final String MOVED_OUT =
            "SELECT -money_delta, cardinality(items_destroyed) FROM ledger WHERE character_id = ? AND move_id = ?";
    private static final String STALLED = """
        SELECT realm, move_id FROM character
        WHERE state = 'MOVING' AND updated_at < now() - make_interval(secs => ?) ORDER BY updated_at""";

    private final RealmDatabases databases;
    private final String mover;
    private final Consumer<String> steps;
    private final Object finishing = new Object();

    /**
     * Moves between the realms of {@code databases}; {@code mover} names this replica in the ledger
     * entries; {@code steps} is told each {@link MoveFailpoints} step as it is reached.
     */
    public RealmMoves(final RealmDatabases databases, final String mover, final Consumer<String> steps) {
        this.databases = databases;
        this.mover = mover;
        this.steps = steps;
    }

    /** Move a character as asked, or finish the same move begun before; a status naming the reason when refused. */
    public Result move(final Request request) {
        final String realm = served(request.realm());
        final String toRealm = served(request.toRealm());
        if (realm.equals(toRealm)) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("character " + LogSafe.safe(request.name()) + " is in realm " + realm
                            + " already; name another realm to move it to")
                    .asRuntimeException();
        }
        final String newName = request.newName().isEmpty() ? null : CharacterRoster.canonicalName(request.newName());
        final Database source = databases.of(realm);
        // Twice at most: a mark that lost a race reads the row again, and finds a login (refused
        // with its reason) or the same move begun by another call (finished here too).
        for (int attempt = 0; attempt < 2; attempt++) {
            final Marked marked;
            try (Connection connection = source.connection()) {
                marked = mark(connection, realm, request.name(), toRealm, newName);
            } catch (final SQLException e) {
                throw unavailable(realm, source, e);
            }
            if (marked == null) {
                continue;
            }
            if (marked.fresh()) {
                LOG.info(
                        "moving character {} of realm {} to realm {} (move {})",
                        request.name(),
                        realm,
                        toRealm,
                        marked.moveId());
                steps.accept(MoveFailpoints.AFTER_MARK);
            }
            return finish(realm, marked.moveId());
        }
        throw Status.ABORTED
                .withDescription("character " + LogSafe.safe(request.name()) + " of realm " + realm
                        + " changed meanwhile (a login?); try again")
                .asRuntimeException();
    }

    /** A move to finish: one this call began, or the same move begun before. */
    private record Marked(UUID moveId, boolean fresh) {}

    /**
     * Step (1), or the move of this character to the same place found begun or done; null when the
     * compare-and-set lost to another change of the row.
     */
    private Marked mark(
            final Connection connection,
            final String realm,
            final String name,
            final String toRealm,
            final String newName)
            throws SQLException {
        final Row row = source(connection, realm, name);
        final String toName = newName != null ? newName : row.name();
        final Marked begun = begun(realm, row, toRealm, toName);
        if (begun != null) {
            return begun;
        }
        refuseUnlessOffline(realm, row);
        if (nameTaken(toRealm, toName)) {
            // Taken by this very character, when another call moved it since the read above?
            final Marked meanwhile = begun(realm, source(connection, realm, name), toRealm, toName);
            if (meanwhile != null) {
                return meanwhile;
            }
            throw Status.ALREADY_EXISTS
                    .withDescription(
                            "the name " + toName + " is taken in realm " + toRealm + "; choose another with --new-name")
                    .asRuntimeException();
        }
        final UUID moveId = UUID.randomUUID();
        try (PreparedStatement mark = connection.prepareStatement(MARK)) {
            mark.setObject(1, moveId);
            mark.setString(2, toRealm);
            mark.setString(3, toName);
            mark.setLong(4, row.characterId());
            mark.setLong(5, row.epoch());
            return mark.executeUpdate() == 0 ? null : new Marked(moveId, true);
        }
    }

    /** The move of {@code row} to {@code toRealm} as {@code toName} when it is begun or done; null when it is not moving. */
    private static Marked begun(final String realm, final Row row, final String toRealm, final String toName) {
        if (row.state().equals("MOVED") || row.state().equals("MOVING")) {
            if (!row.movedToRealm().equals(toRealm) || !row.movedToName().equals(toName)) {
                throw Status.FAILED_PRECONDITION
                        .withDescription("character " + row.name() + " of realm " + realm
                                + (row.state().equals("MOVED") ? " moved" : " is moving") + " to realm "
                                + row.movedToRealm() + " as " + row.movedToName() + " already")
                        .asRuntimeException();
            }
            // The same move asked again: finish it if it is not, answer it if it is.
            return new Marked(row.moveId(), false);
        }
        return null;
    }

    /**
     * Finish every move of every realm database found MOVING for longer than {@code graceSeconds}
     * (its mover died or lost a database); each on its own, so one that fails does not hold up the
     * others. Returns how many were finished.
     */
    public int finishStalled(final long graceSeconds) {
        int finished = 0;
        for (final Database database : databases.byDatabase().keySet()) {
            final List<Map.Entry<String, UUID>> stalled = new ArrayList<>();
            try (Connection connection = database.connection();
                    PreparedStatement select = connection.prepareStatement(STALLED)) {
                select.setLong(1, graceSeconds);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        stalled.add(Map.entry(rows.getString(1), rows.getObject(2, UUID.class)));
                    }
                }
            } catch (final SQLException e) {
                LOG.warn("cannot look for stalled moves in {}: {}", database.where(), e.getMessage());
                continue;
            }
            for (final Map.Entry<String, UUID> move : stalled) {
                try {
                    final Result result = finish(move.getKey(), move.getValue());
                    LOG.info(
                            "finished the stalled move {} of character {} of realm {}: now {} of realm {}",
                            move.getValue(),
                            result.characterId(),
                            result.realm(),
                            result.toCharacterId(),
                            result.toRealm());
                    finished++;
                } catch (final StatusRuntimeException e) {
                    LOG.warn(
                            "cannot finish the move {} of realm {} yet: {}",
                            move.getValue(),
                            move.getKey(),
                            e.getStatus().getDescription());
                }
            }
        }
        return finished;
    }

    /**
     * Steps (2) and (3) of move {@code moveId} out of {@code realm}, under the source row's lock. One
     * at a time on this replica: each holds a connection in both databases at once, and moves within
     * one shared database must not take its small pool whole, each waiting for its second connection.
     */
    private Result finish(final String realm, final UUID moveId) {
        synchronized (finishing) {
            return finishAlone(realm, moveId);
        }
    }

    private Result finishAlone(final String realm, final UUID moveId) {
        final Database source = databases.of(realm);
        try (Connection connection = source.connection()) {
            connection.setAutoCommit(false);
            try {
                final Result result = finish(connection, realm, moveId);
                connection.commit();
                if (!result.alreadyDone()) {
                    steps.accept(MoveFailpoints.AFTER_TOMBSTONE);
                }
                return result;
            } finally {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
            }
        } catch (final SQLException e) {
            throw unavailable(realm, source, e);
        }
    }

    private Result finish(final Connection connection, final String realm, final UUID moveId) throws SQLException {
        final Moving moving;
        try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
            lock.setObject(1, moveId);
            try (ResultSet row = lock.executeQuery()) {
                if (!row.next()) {
                    throw Status.FAILED_PRECONDITION
                            .withDescription("the move " + moveId + " of realm " + realm
                                    + " was called off; the character stayed in realm " + realm)
                            .asRuntimeException();
                }
                moving = Moving.of(row);
            }
        }
        if (moving.state().equals("MOVED")) {
            return done(connection, realm, moveId, moving);
        }
        final List<long[]> items = items(connection, moving.characterId());
        final Long landed = land(realm, moveId, moving, items);
        if (landed == null) {
            try (PreparedStatement callOff = connection.prepareStatement(CALL_OFF)) {
                callOff.setLong(1, moving.characterId());
                callOff.setObject(2, moveId);
                callOff.executeUpdate();
            }
            connection.commit();
            throw Status.ALREADY_EXISTS
                    .withDescription("the name " + moving.toName() + " was taken in realm " + moving.toRealm()
                            + " meanwhile; the move is called off and the character stays in realm " + realm
                            + "; ask again with --new-name")
                    .asRuntimeException();
        }
        steps.accept(MoveFailpoints.AFTER_LANDING);
        final Long[] itemIds = items.stream().map(item -> item[0]).toArray(Long[]::new);
        try (PreparedStatement take = connection.prepareStatement(TAKE_ITEMS)) {
            take.setLong(1, moving.characterId());
            take.setArray(2, connection.createArrayOf("bigint", itemIds));
            take.executeUpdate();
        }
        MoveLanding.ledger(
                connection,
                mover,
                moving.characterId(),
                -moving.money(),
                new Long[0],
                itemIds,
                "move-out",
                moving.epoch(),
                moveId);
        try (PreparedStatement tombstone = connection.prepareStatement(TOMBSTONE)) {
            tombstone.setLong(1, landed);
            tombstone.setLong(2, moving.characterId());
            tombstone.setObject(3, moveId);
            tombstone.executeUpdate();
        }
        LOG.info(
                "moved character {} of realm {} to realm {} as {} ({}): {} copper, {} items (move {})",
                moving.characterId(),
                realm,
                moving.toRealm(),
                moving.toName(),
                landed,
                moving.money(),
                items.size(),
                moveId);
        return new Result(
                moveId,
                realm,
                moving.characterId(),
                moving.toRealm(),
                landed,
                moving.toName(),
                moving.money(),
                items.size(),
                false);
    }

    /**
     * Step (2): the character, its items and money in the target, in one transaction keyed by the
     * move; its id there, whether this call or an earlier one landed it; null when the name is taken there.
     */
    private Long land(final String realm, final UUID moveId, final Moving moving, final List<long[]> items) {
        final Database target;
        try {
            target = databases.of(moving.toRealm());
        } catch (final IllegalArgumentException e) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("the move " + moveId + " of realm " + realm + " goes to realm " + moving.toRealm()
                            + ", which this control plane does not serve; serve it (--realms, --realm-db) and "
                            + "the move finishes")
                    .asRuntimeException();
        }
        try (Connection connection = target.connection()) {
            connection.setAutoCommit(false);
            try {
                final Long landed = MoveLanding.land(connection, realm, moveId, moving, items, mover);
                connection.commit();
                return landed;
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (final SQLException e) {
            throw unavailable(moving.toRealm(), target, e);
        }
    }

    /** A move found finished: what it took along, from its ledger entry. */
    private static Result done(final Connection connection, final String realm, final UUID moveId, final Moving moving)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(MOVED_OUT)) {
            select.setLong(1, moving.characterId());
            select.setObject(2, moveId);
            try (ResultSet row = select.executeQuery()) {
                final boolean found = row.next();
                return new Result(
                        moveId,
                        realm,
                        moving.characterId(),
                        moving.toRealm(),
                        moving.toCharacterId(),
                        moving.toName(),
                        found ? row.getLong(1) : 0,
                        found ? row.getInt(2) : 0,
                        true);
            }
        }
    }

    private static List<long[]> items(final Connection connection, final long characterId) throws SQLException {
        final List<long[]> items = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(ITEMS)) {
            select.setLong(1, characterId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    items.add(new long[] {rows.getLong(1), rows.getInt(2), rows.getInt(3), rows.getShort(4)});
                }
            }
        }
        return items;
    }

    private String served(final String realm) {
        if (!databases.realms().contains(realm)) {
            throw Status.NOT_FOUND
                    .withDescription("unknown realm '" + LogSafe.safe(realm) + "'; this control plane serves "
                            + databases.realms())
                    .asRuntimeException();
        }
        return realm;
    }

    private static Row source(final Connection connection, final String realm, final String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SOURCE)) {
            select.setString(1, realm);
            select.setString(2, name);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw Status.NOT_FOUND
                            .withDescription("no character '" + LogSafe.safe(name) + "' in realm " + realm)
                            .asRuntimeException();
                }
                return new Row(
                        row.getLong(1),
                        row.getString(2),
                        row.getString(3),
                        row.getString(4),
                        row.getLong(5),
                        row.getObject(6, UUID.class),
                        row.getString(7),
                        row.getString(8));
            }
        }
    }

    private static void refuseUnlessOffline(final String realm, final Row row) {
        final String why = switch (row.state()) {
            case "OFFLINE" -> null;
            case "ONLINE" -> " is online on node " + row.ownerNode() + "; it moves only offline: log out first";
            case "IN_TRANSFER" -> " is in a transfer between nodes; it moves only offline: log out first";
            default -> " is " + row.state() + "; it moves only offline";
        };
        if (why != null) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("character " + row.name() + " of realm " + realm + why)
                    .asRuntimeException();
        }
    }

    private boolean nameTaken(final String toRealm, final String toName) {
        final Database target = databases.of(toRealm);
        try (Connection connection = target.connection();
                PreparedStatement select = connection.prepareStatement(NAME_TAKEN)) {
            select.setString(1, toRealm);
            select.setString(2, toName);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        } catch (final SQLException e) {
            throw unavailable(toRealm, target, e);
        }
    }

    private static StatusRuntimeException unavailable(
            final String realm, final Database database, final SQLException e) {
        LOG.warn("a character move failed on realm {}'s database {}: {}", realm, database.where(), e.getMessage());
        return Status.UNAVAILABLE
                .withDescription("realm " + realm + "'s database failed (" + e.getMessage()
                        + "); ask again: a move begun is finished by the next call or the leader's sweep")
                .asRuntimeException();
    }

    /** The source row as first read. */
    private record Row(
            long characterId,
            String name,
            String state,
            String ownerNode,
            long epoch,
            UUID moveId,
            String movedToRealm,
            String movedToName) {}

    /** The source row of a move, locked: what lands in the target. */
    record Moving(
            long characterId,
            long accountId,
            int race,
            int characterClass,
            int level,
            long experience,
            long money,
            int mapId,
            float x,
            float y,
            float z,
            float orientation,
            long epoch,
            String state,
            String toRealm,
            String toName,
            long toCharacterId) {
        static Moving of(final ResultSet row) throws SQLException {
            return new Moving(
                    row.getLong("character_id"),
                    row.getLong("account_id"),
                    row.getInt("race"),
                    row.getInt("class"),
                    row.getInt("level"),
                    row.getLong("experience"),
                    row.getLong("money"),
                    row.getInt("map_id"),
                    row.getFloat("x"),
                    row.getFloat("y"),
                    row.getFloat("z"),
                    row.getFloat("orientation"),
                    row.getLong("epoch"),
                    row.getString("state"),
                    row.getString("moved_to_realm"),
                    row.getString("moved_to_name"),
                    row.getLong("moved_to_character_id"));
        }
    }
}
