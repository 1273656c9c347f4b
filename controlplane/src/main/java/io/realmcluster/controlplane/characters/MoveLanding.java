package io.realmcluster.controlplane.characters;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Step (2) of a {@link RealmMoves} move, in the target's database and the caller's transaction: the
 * character, its items with new ids (each naming its old one) and its money with a {@code move-in}
 * ledger entry, keyed by the move id so that landing a move again inserts nothing; and the ledger
 * entries of both sides.
 */
final class MoveLanding {
    private static final String LAND = """
        INSERT INTO character (account_id, realm, name, race, class, level, experience, money, map_id, x, y, z,
                               orientation, arrived_by_move, arrived_from_realm, arrived_from_character_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT DO NOTHING RETURNING character_id""";
    private static final String LANDED = "SELECT character_id FROM character WHERE arrived_by_move = ?";
    private static final String LAND_ITEM = """
        INSERT INTO item (character_id, template_id, count, slot, arrived_from_item_id) VALUES (?, ?, ?, ?, ?)
        RETURNING item_id""";
    private static final String LEDGER = """
        INSERT INTO ledger (character_id, money_delta, items_created, items_destroyed, source, node, epoch, move_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";

    private MoveLanding() {}

    /**
     * Land {@code moving}, which leaves {@code realm} by move {@code moveId}: its id in the target,
     * whether this call or an earlier one landed it; null when the insert conflicted on the name.
     */
    static Long land(
            final Connection connection,
            final String realm,
            final UUID moveId,
            final RealmMoves.Moving moving,
            final List<long[]> items,
            final String mover)
            throws SQLException {
        final long characterId;
        try (PreparedStatement insert = connection.prepareStatement(LAND)) {
            insert.setLong(1, moving.accountId());
            insert.setString(2, moving.toRealm());
            insert.setString(3, moving.toName());
            insert.setInt(4, moving.race());
            insert.setInt(5, moving.characterClass());
            insert.setInt(6, moving.level());
            insert.setLong(7, moving.experience());
            insert.setLong(8, moving.money());
            insert.setInt(9, moving.mapId());
            insert.setFloat(10, moving.x());
            insert.setFloat(11, moving.y());
            insert.setFloat(12, moving.z());
            insert.setFloat(13, moving.orientation());
            insert.setObject(14, moveId);
            insert.setString(15, realm);
            insert.setLong(16, moving.characterId());
            try (ResultSet row = insert.executeQuery()) {
                if (!row.next()) {
                    return landedBefore(connection, moveId);
                }
                characterId = row.getLong(1);
            }
        }
        final Long[] created = new Long[items.size()];
        try (PreparedStatement insert = connection.prepareStatement(LAND_ITEM)) {
            for (int i = 0; i < created.length; i++) {
                final long[] item = items.get(i);
                insert.setLong(1, characterId);
                insert.setInt(2, (int) item[1]);
                insert.setInt(3, (int) item[2]);
                insert.setShort(4, (short) item[3]);
                insert.setLong(5, item[0]);
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    created[i] = row.getLong(1);
                }
            }
        }
        ledger(connection, mover, characterId, moving.money(), created, new Long[0], "move-in", 0, moveId);
        return characterId;
    }

    /** After an insert that conflicted: the character an earlier try landed, or null when the name was the conflict. */
    private static Long landedBefore(final Connection connection, final UUID moveId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LANDED)) {
            select.setObject(1, moveId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getLong(1) : null;
            }
        }
    }

    /** A ledger entry of {@code mover} for a move: {@code why} is move-in or move-out. */
    static void ledger(
            final Connection connection,
            final String mover,
            final long characterId,
            final long money,
            final Long[] created,
            final Long[] destroyed,
            final String why,
            final long epoch,
            final UUID moveId)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(LEDGER)) {
            insert.setLong(1, characterId);
            insert.setLong(2, money);
            insert.setArray(3, connection.createArrayOf("bigint", created));
            insert.setArray(4, connection.createArrayOf("bigint", destroyed));
            insert.setString(5, why);
            insert.setString(6, mover);
            insert.setLong(7, epoch);
            insert.setObject(8, moveId);
            insert.executeUpdate();
        }
    }
}
