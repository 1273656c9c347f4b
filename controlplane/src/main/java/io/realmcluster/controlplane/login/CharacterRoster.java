package io.realmcluster.controlplane.login;

import io.grpc.Status;
import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.RealmDatabases;
import io.realmcluster.common.log.LogSafe;
import io.realmcluster.proto.v1.Character;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The realms' characters as accounts see them, each in its realm's database: created here OFFLINE at
 * epoch 0 (a name, a race, a class, where the race begins) and found by name at login; nodes own
 * them from login on. The account is read from the accounts database first (no foreign key can
 * check it across databases).
 */
public final class CharacterRoster {
    private static final Pattern NAME = Pattern.compile("[A-Za-z]{2,12}");
    /** The vanilla classes: warrior, paladin, hunter, rogue, priest, shaman, mage, warlock, druid. */
    private static final Set<Integer> CLASSES = Set.of(1, 2, 3, 4, 5, 7, 8, 9, 11);

    /** A vanilla race: where it begins (map and position) and the classes it may take. */
    private record Race(String name, int mapId, float x, float y, float z, Set<Integer> classes) {}

    private static final Map<Integer, Race> RACES = Map.of(
            1, new Race("human", 0, -8949.95f, -132.49f, 83.53f, Set.of(1, 2, 4, 5, 8, 9)), // Northshire
            2, new Race("orc", 1, -618.52f, -4251.67f, 38.72f, Set.of(1, 3, 4, 7, 9)), // Valley of Trials
            3, new Race("dwarf", 0, -6240.32f, 331.03f, 382.76f, Set.of(1, 2, 3, 4, 5)), // Coldridge Valley
            4, new Race("night elf", 1, 10311.30f, 832.46f, 1326.41f, Set.of(1, 3, 4, 5, 11)), // Shadowglen
            5, new Race("undead", 0, 1676.35f, 1677.45f, 121.67f, Set.of(1, 4, 5, 8, 9)), // Deathknell
            6, new Race("tauren", 1, -2917.58f, -257.98f, 52.99f, Set.of(1, 3, 7, 11)), // Camp Narache
            7, new Race("gnome", 0, -6240.32f, 331.03f, 382.76f, Set.of(1, 4, 8, 9)), // Coldridge Valley
            8, new Race("troll", 1, -618.52f, -4251.67f, 38.72f, Set.of(1, 3, 4, 5, 7, 8))); // Valley of Trials

    private final Function<String, Database> databases;
    private final int newLevel;

    /** Characters of every realm in {@code database}. */
    public CharacterRoster(final Database database) {
        this(realm -> database, 1);
    }

    /** Characters of each realm in that realm's database. */
    public CharacterRoster(final RealmDatabases databases) {
        this(databases::of, 1);
    }

    /** Characters of each realm in that realm's database, created at level {@code newLevel}. */
    public CharacterRoster(final RealmDatabases databases, final int newLevel) {
        this(databases::of, newLevel);
    }

    /** Characters of every realm in {@code database}, created at level {@code newLevel}. */
    public CharacterRoster(final Database database, final int newLevel) {
        this(realm -> database, newLevel);
    }

    private CharacterRoster(final Function<String, Database> databases, final int newLevel) {
        this.databases = databases;
        this.newLevel = newLevel;
    }

    /** Create a character; INVALID_ARGUMENT for a bad name, race or class, ALREADY_EXISTS for a taken name. */
    public Character create(
            final long accountId,
            final String realm,
            final String requestedName,
            final int race,
            final int characterClass) {
        final String name = canonicalName(requestedName);
        final Race chosen = RACES.get(race);
        if (chosen == null) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("unknown race " + race + "; vanilla races are 1 to 8")
                    .asRuntimeException();
        }
        if (!CLASSES.contains(characterClass)) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("unknown class " + characterClass + "; vanilla classes are 1-5, 7-9 and 11")
                    .asRuntimeException();
        }
        if (!chosen.classes().contains(characterClass)) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("race " + race + " (" + chosen.name() + ") cannot be class " + characterClass
                            + " in vanilla; its classes are " + new TreeSet<>(chosen.classes()))
                    .asRuntimeException();
        }
        final Database database = databases.apply(realm);
        try (Connection connection = database.connection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z, level) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING character_id")) {
            insert.setLong(1, accountId);
            insert.setString(2, realm);
            insert.setString(3, name);
            insert.setInt(4, race);
            insert.setInt(5, characterClass);
            insert.setInt(6, chosen.mapId());
            insert.setFloat(7, chosen.x());
            insert.setFloat(8, chosen.y());
            insert.setFloat(9, chosen.z());
            insert.setInt(10, newLevel);
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return Character.newBuilder()
                        .setCharacterId(row.getLong(1))
                        .setAccountId(accountId)
                        .setRealm(realm)
                        .setName(name)
                        .setRace(race)
                        .setClass_(characterClass)
                        .setLevel(newLevel)
                        .setMapId(chosen.mapId())
                        .build();
            }
        } catch (final SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                throw Status.ALREADY_EXISTS
                        .withDescription("character name '" + name + "' is taken in realm " + realm)
                        .asRuntimeException();
            }
            throw Sql.unavailable(database.where(), e);
        }
    }

    /**
     * A character name as stored: 2 to 12 letters, the first upper-case and the rest lower-case;
     * INVALID_ARGUMENT naming the value otherwise. Creation and a move's new name share this rule.
     */
    public static String canonicalName(final String requestedName) {
        if (!NAME.matcher(requestedName).matches()) {
            throw Status.INVALID_ARGUMENT
                    .withDescription(
                            "character name must be 2 to 12 letters, got '" + LogSafe.safe(requestedName) + "'")
                    .asRuntimeException();
        }
        return requestedName.substring(0, 1).toUpperCase(Locale.ROOT)
                + requestedName.substring(1).toLowerCase(Locale.ROOT);
    }

    /**
     * The account's character of that name in the realm, with its ownership epoch now.
     * A character that moved to another realm (its tombstone) or is moving is refused,
     * FAILED_PRECONDITION or UNAVAILABLE, with where it went.
     */
    public Optional<Character> find(final long accountId, final String realm, final String name) {
        return select(accountId, realm, "lower(name) = lower(?)", name);
    }

    /**
     * The account's character of this id in the realm, as {@link #find(long, String, String)} finds it by
     * name: a Resume names the character it is bound to by id; another account's is not found.
     */
    public Optional<Character> findById(final long accountId, final String realm, final long characterId) {
        return select(accountId, realm, "character_id = ?", characterId);
    }

    private Optional<Character> select(
            final long accountId, final String realm, final String condition, final Object key) {
        final Database database = databases.apply(realm);
        try (Connection connection = database.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT character_id, name, race, class, level, map_id, epoch, state, moved_to_realm, "
                                + "moved_to_name, x FROM character "
                                + "WHERE account_id = ? AND realm = ? AND " + condition)) {
            select.setLong(1, accountId);
            select.setString(2, realm);
            select.setObject(3, key);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                refuseMoved(row.getString(2), row.getString(8), row.getString(9), row.getString(10));
                return Optional.of(Character.newBuilder()
                        .setCharacterId(row.getLong(1))
                        .setAccountId(accountId)
                        .setRealm(realm)
                        .setName(row.getString(2))
                        .setRace(row.getInt(3))
                        .setClass_(row.getInt(4))
                        .setLevel(row.getInt(5))
                        .setMapId(row.getInt(6))
                        .setEpoch(row.getLong(7))
                        .setX(row.getFloat(11))
                        .build());
            }
        } catch (final SQLException e) {
            throw Sql.unavailable(database.where(), e);
        }
    }

    private static void refuseMoved(final String name, final String state, final String toRealm, final String toName) {
        if ("MOVED".equals(state)) {
            throw Status.FAILED_PRECONDITION
                    .withDescription(
                            "character " + name + " moved to realm " + toRealm + " as " + toName + "; log in there")
                    .asRuntimeException();
        }
        if ("MOVING".equals(state)) {
            throw Status.UNAVAILABLE
                    .withDescription("character " + name + " is moving to realm " + toRealm + " as " + toName
                            + "; log in there shortly")
                    .asRuntimeException();
        }
    }

    /** Whether {@code mapId} is a battleground's map: Warsong Gulch, Arathi Basin, Alterac Valley. */
    public static boolean isBattleground(final int mapId) {
        return mapId == 489 || mapId == 529 || mapId == 30;
    }

    /**
     * A character a login finds on a battleground's map goes home: to where it stood when it entered
     * the battleground ({@code bg_entry_*}, saved by its home node), or to where its race begins when
     * that is unknown. A login never leads into a match: the battleground's node crashed, or the match
     * ended or was left while the character was offline. Only while the row is OFFLINE at the epoch
     * read (a compare-and-set: a node that claims it meanwhile wins, and the login's claim is then
     * refused as stale). Returns the character as it is now.
     */
    public Character bringHome(final Character character) {
        return bringHome(character, 0);
    }

    /**
     * The match a character is saved in ({@code bg_match_id}), empty outside one.
     */
    public Optional<String> matchOf(final Character character) {
        final Database database = databases.apply(character.getRealm());
        try (Connection connection = database.connection();
                PreparedStatement select =
                        connection.prepareStatement("SELECT bg_match_id FROM character WHERE character_id = ?")) {
            select.setLong(1, character.getCharacterId());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.empty();
            }
        } catch (final SQLException e) {
            throw Sql.unavailable(database.where(), e);
        }
    }

    /**
     * {@link #bringHome(Character)}, giving it Deserter until {@code deserterUntilMillis} (wall clock;
     * 0: none; a later Deserter it has stays) in the same compare-and-set: a player not back in its
     * match within the disconnect grace.
     */
    public Character bringHome(final Character character, final long deserterUntilMillis) {
        if (!isBattleground(character.getMapId())) {
            return character;
        }
        final Race race = RACES.get(character.getRace());
        final Database database = databases.apply(character.getRealm());
        try (Connection connection = database.connection();
                PreparedStatement update =
                        connection.prepareStatement("UPDATE character SET map_id = COALESCE(bg_entry_map_id, ?),"
                                + " instance_id = COALESCE(bg_entry_instance_id, ''),"
                                + " x = COALESCE(bg_entry_x, ?), y = COALESCE(bg_entry_y, ?),"
                                + " z = COALESCE(bg_entry_z, ?), orientation = COALESCE(bg_entry_orientation, 0),"
                                + " bg_match_id = NULL, bg_entry_map_id = NULL, bg_entry_instance_id = NULL,"
                                + " bg_entry_x = NULL, bg_entry_y = NULL, bg_entry_z = NULL,"
                                + " bg_entry_orientation = NULL, updated_at = now(),"
                                + " deserter_until = CASE WHEN ? > 0 THEN GREATEST(deserter_until,"
                                + " to_timestamp(? / 1000.0)) ELSE deserter_until END"
                                + " WHERE character_id = ? AND epoch = ? AND state = 'OFFLINE' AND map_id = ?"
                                + " RETURNING map_id")) {
            update.setInt(1, race == null ? 0 : race.mapId());
            update.setFloat(2, race == null ? 0f : race.x());
            update.setFloat(3, race == null ? 0f : race.y());
            update.setFloat(4, race == null ? 0f : race.z());
            update.setLong(5, deserterUntilMillis);
            update.setLong(6, deserterUntilMillis);
            update.setLong(7, character.getCharacterId());
            update.setLong(8, character.getEpoch());
            update.setInt(9, character.getMapId());
            try (ResultSet row = update.executeQuery()) {
                return row.next()
                        ? character.toBuilder().setMapId(row.getInt(1)).build()
                        : character;
            }
        } catch (final SQLException e) {
            throw Sql.unavailable(database.where(), e);
        }
    }
}
