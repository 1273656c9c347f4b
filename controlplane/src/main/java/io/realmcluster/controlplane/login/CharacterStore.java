package io.realmcluster.controlplane.login;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.grpc.Status;
import io.realmcluster.common.db.Database;
import io.realmcluster.proto.v1.Character;

/** Characters in the realm database: created here OFFLINE at epoch 0; nodes own them from login on. */
public final class CharacterStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z]{2,12}");
    /** The vanilla classes: warrior, paladin, hunter, rogue, priest, shaman, mage, warlock, druid. */
    private static final Set<Integer> CLASSES = Set.of(1, 2, 3, 4, 5, 7, 8, 9, 11);

    /** Where each vanilla race begins: map and position. */
    private record Start(int mapId, float x, float y, float z) {
    }

    private static final Map<Integer, Start> STARTS = Map.of(
        1, new Start(0, -8949.95f, -132.49f, 83.53f),     // human: Northshire
        2, new Start(1, -618.52f, -4251.67f, 38.72f),     // orc: Valley of Trials
        3, new Start(0, -6240.32f, 331.03f, 382.76f),     // dwarf: Coldridge Valley
        4, new Start(1, 10311.30f, 832.46f, 1326.41f),    // night elf: Shadowglen
        5, new Start(0, 1676.35f, 1677.45f, 121.67f),     // undead: Deathknell
        6, new Start(1, -2917.58f, -257.98f, 52.99f),     // tauren: Camp Narache
        7, new Start(0, -6240.32f, 331.03f, 382.76f),     // gnome: Coldridge Valley
        8, new Start(1, -618.52f, -4251.67f, 38.72f));    // troll: Valley of Trials

    private final Database database;

    public CharacterStore(final Database database) {
        this.database = database;
    }

    /** Create a character; INVALID_ARGUMENT for a bad name, race or class, ALREADY_EXISTS for a taken name. */
    public Character create(final long accountId, final String realm, final String requestedName, final int race,
                            final int characterClass) {
        if (!NAME.matcher(requestedName).matches()) {
            throw Status.INVALID_ARGUMENT.withDescription("character name must be 2 to 12 letters, got '"
                + requestedName + "'").asRuntimeException();
        }
        final Start start = STARTS.get(race);
        if (start == null) {
            throw Status.INVALID_ARGUMENT.withDescription("unknown race " + race + "; vanilla races are 1 to 8")
                .asRuntimeException();
        }
        if (!CLASSES.contains(characterClass)) {
            throw Status.INVALID_ARGUMENT.withDescription("unknown class " + characterClass
                + "; vanilla classes are 1-5, 7-9 and 11").asRuntimeException();
        }
        final String name = requestedName.substring(0, 1).toUpperCase(Locale.ROOT)
            + requestedName.substring(1).toLowerCase(Locale.ROOT);
        try (Connection connection = database.connection();
             PreparedStatement insert = connection.prepareStatement(
                 "INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING character_id")) {
            insert.setLong(1, accountId);
            insert.setString(2, realm);
            insert.setString(3, name);
            insert.setInt(4, race);
            insert.setInt(5, characterClass);
            insert.setInt(6, start.mapId());
            insert.setFloat(7, start.x());
            insert.setFloat(8, start.y());
            insert.setFloat(9, start.z());
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return Character.newBuilder().setCharacterId(row.getLong(1)).setAccountId(accountId).setRealm(realm)
                    .setName(name).setRace(race).setClass_(characterClass).setLevel(1).setMapId(start.mapId()).build();
            }
        } catch (final SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                throw Status.ALREADY_EXISTS.withDescription("character name '" + name + "' is taken in realm " + realm)
                    .asRuntimeException();
            }
            throw Sql.unavailable(database.where(), e);
        }
    }

    /** The account's character of that name in the realm. */
    public Optional<Character> find(final long accountId, final String realm, final String name) {
        try (Connection connection = database.connection();
             PreparedStatement select = connection.prepareStatement(
                 "SELECT character_id, name, race, class, level, map_id FROM character "
                     + "WHERE account_id = ? AND realm = ? AND lower(name) = lower(?)")) {
            select.setLong(1, accountId);
            select.setString(2, realm);
            select.setString(3, name);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(Character.newBuilder().setCharacterId(row.getLong(1)).setAccountId(accountId)
                    .setRealm(realm).setName(row.getString(2)).setRace(row.getInt(3)).setClass_(row.getInt(4))
                    .setLevel(row.getInt(5)).setMapId(row.getInt(6)).build());
            }
        } catch (final SQLException e) {
            throw Sql.unavailable(database.where(), e);
        }
    }
}
