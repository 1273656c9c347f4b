package io.realmcluster.controlplane.characters;

import io.realmcluster.common.db.Database;
import io.realmcluster.proto.v1.InvariantResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The invariants of characters' moves between realms, across every realm database (see {@link RealmMoves}):
 * <ul>
 *   <li>a move's character is live in one realm only: every character that arrived by a move has a
 *       source row MOVING or MOVED by that move, to its realm; every tombstone's target exists in its
 *       realm, and came from it;</li>
 *   <li>a finished move conserves items and money: what the source's ledger took out, the target's
 *       brought in, and the items that arrived name items the source gave up.</li>
 * </ul>
 * The databases are not read in one snapshot: the sources are read before the arrivals (a target
 * lands before its source becomes a tombstone) and again after them (a source is MOVING before its
 * target lands), so a move in progress never shows as broken.
 */
final class MoveInvariants {
    private static final String SOURCES = """
        SELECT c.realm, c.character_id, c.name, c.state, c.move_id, c.moved_to_realm, c.moved_to_character_id,
               -l.money_delta, l.items_destroyed
        FROM character c LEFT JOIN ledger l ON l.character_id = c.character_id AND l.move_id = c.move_id
        WHERE c.move_id IS NOT NULL""";
    private static final String ARRIVALS = """
        SELECT c.realm, c.character_id, c.name, c.arrived_by_move, c.arrived_from_realm, c.arrived_from_character_id,
               l.money_delta, l.items_created,
               ARRAY(SELECT i.arrived_from_item_id FROM item i WHERE i.character_id = c.character_id
                     AND i.arrived_from_item_id IS NOT NULL AND i.item_id = ANY(l.items_created))
        FROM character c LEFT JOIN ledger l ON l.character_id = c.character_id AND l.move_id = c.arrived_by_move
        WHERE c.arrived_by_move IS NOT NULL""";

    /** A source row of a move: MOVING, or MOVED with the ledger entry that took its money and items out. */
    private record Source(
            String realm,
            long characterId,
            String name,
            String state,
            UUID moveId,
            String toRealm,
            long toCharacterId,
            Long money,
            Long[] items) {}

    /** A character that arrived by a move, with the ledger entry that brought it in and the items still held. */
    private record Arrival(
            String realm,
            long characterId,
            String name,
            UUID moveId,
            String fromRealm,
            long fromCharacterId,
            Long money,
            Long[] items,
            Long[] heldFrom) {}

    private final Collection<Database> databases;

    MoveInvariants(final Collection<Database> databases) {
        this.databases = databases;
    }

    List<InvariantResult> check() throws SQLException {
        final Map<UUID, Source> before = sources();
        final Map<UUID, Arrival> arrivals = arrivals();
        final Map<UUID, Source> after = sources();
        final List<String> landOnce = new ArrayList<>();
        final List<String> conserved = new ArrayList<>();
        final Set<UUID> moves = new TreeSet<>(before.keySet());
        moves.addAll(arrivals.keySet());
        for (final Source tombstone : before.values()) {
            if (!tombstone.state().equals("MOVED")) {
                continue;
            }
            final Arrival arrival = arrivals.get(tombstone.moveId());
            if (arrival == null
                    || !arrival.realm().equals(tombstone.toRealm())
                    || arrival.characterId() != tombstone.toCharacterId()) {
                landOnce.add(name(tombstone) + " moved to realm " + tombstone.toRealm() + " as character "
                        + tombstone.toCharacterId() + " (move " + tombstone.moveId() + "), which is not there");
                continue;
            }
            final String unbalanced = unbalanced(tombstone, arrival);
            if (unbalanced != null) {
                conserved.add(unbalanced);
            }
        }
        for (final Arrival arrival : arrivals.values()) {
            final Source source = after.get(arrival.moveId());
            if (source == null
                    || !source.realm().equals(arrival.fromRealm())
                    || source.characterId() != arrival.fromCharacterId()
                    || !source.toRealm().equals(arrival.realm())) {
                landOnce.add(arrival.realm() + "/" + arrival.characterId() + " " + arrival.name() + " arrived by move "
                        + arrival.moveId() + " from " + arrival.fromRealm() + "/" + arrival.fromCharacterId()
                        + ", which is not moving or moved by it: the character lives in two realms");
            }
        }
        return List.of(
                result(
                        "moves_land_once",
                        "every character moved to another realm lives in one realm only: each arrival's source is a "
                                + "tombstone (or still moving) of that move, each tombstone's target exists",
                        moves.size(),
                        landOnce),
                result(
                        "moves_conserve_items_and_money",
                        "every finished move brought into its target the money and items its source gave up",
                        before.values().stream()
                                .filter(source -> source.state().equals("MOVED"))
                                .count(),
                        conserved));
    }

    private static String unbalanced(final Source tombstone, final Arrival arrival) {
        if (tombstone.money() == null || arrival.money() == null) {
            return name(tombstone) + " (move " + tombstone.moveId() + ") lacks its ledger entry "
                    + (tombstone.money() == null ? "in realm " + tombstone.realm() : "in realm " + arrival.realm());
        }
        if (!tombstone.money().equals(arrival.money()) || tombstone.items().length != arrival.items().length) {
            return name(tombstone) + " (move " + tombstone.moveId() + ") gave up " + tombstone.money() + " copper and "
                    + tombstone.items().length + " items, " + arrival.realm() + "/" + arrival.characterId()
                    + " received " + arrival.money() + " copper and " + arrival.items().length + " items";
        }
        final Set<Long> given = Set.of(tombstone.items());
        final List<Long> strangers = Arrays.stream(arrival.heldFrom())
                .filter(id -> !given.contains(id))
                .toList();
        if (!strangers.isEmpty()) {
            return arrival.realm() + "/" + arrival.characterId() + " holds items said to come from " + tombstone.realm()
                    + " items " + strangers + ", which its source did not give up";
        }
        return null;
    }

    private static String name(final Source source) {
        return source.realm() + "/" + source.characterId() + " " + source.name();
    }

    private Map<UUID, Source> sources() throws SQLException {
        final Map<UUID, Source> sources = new HashMap<>();
        for (final Database database : databases) {
            try (Connection connection = database.connection();
                    PreparedStatement select = connection.prepareStatement(SOURCES);
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    final UUID moveId = rows.getObject(5, UUID.class);
                    sources.put(
                            moveId,
                            new Source(
                                    rows.getString(1),
                                    rows.getLong(2),
                                    rows.getString(3),
                                    rows.getString(4),
                                    moveId,
                                    rows.getString(6),
                                    rows.getLong(7),
                                    (Long) rows.getObject(8, Long.class),
                                    longs(rows.getArray(9))));
                }
            }
        }
        return sources;
    }

    private Map<UUID, Arrival> arrivals() throws SQLException {
        final Map<UUID, Arrival> arrivals = new HashMap<>();
        for (final Database database : databases) {
            try (Connection connection = database.connection();
                    PreparedStatement select = connection.prepareStatement(ARRIVALS);
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    final UUID moveId = rows.getObject(4, UUID.class);
                    arrivals.put(
                            moveId,
                            new Arrival(
                                    rows.getString(1),
                                    rows.getLong(2),
                                    rows.getString(3),
                                    moveId,
                                    rows.getString(5),
                                    rows.getLong(6),
                                    (Long) rows.getObject(7, Long.class),
                                    longs(rows.getArray(8)),
                                    longs(rows.getArray(9))));
                }
            }
        }
        return arrivals;
    }

    private static Long[] longs(final java.sql.Array array) throws SQLException {
        return array == null ? new Long[0] : (Long[]) array.getArray();
    }

    private static InvariantResult result(
            final String name, final String description, final long checked, final List<String> violations) {
        return InvariantResult.newBuilder()
                .setName(name)
                .setDescription(description)
                .setOk(violations.isEmpty())
                .setChecked(checked)
                .setViolationCount(violations.size())
                .addAllViolations(
                        violations.stream().limit(InvariantChecker.SHOWN).collect(Collectors.toList()))
                .build();
    }
}
