package io.realmcluster.dataplane.store;

import io.realmcluster.common.db.Database;
import io.realmcluster.dataplane.transfer.Failpoints;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One realm database's characters: claims by compare-and-set on the ownership epoch, and saves
 * fenced by the epoch the saver holds and a higher save sequence, with their ledger entries in
 * the same transaction (see docs/architecture.md, "Who holds which truth"). Takes character keys
 * ({@link CharacterKey}) and asks the database by their ids: a node with several realm databases
 * sends each key to its realm's store ({@link RealmStores}).
 */
public final class PostgresCharacterStore implements CharacterStore {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCharacterStore.class);
    private static final String CLAIM = """
        UPDATE character SET epoch = epoch + 1, owner_node = ?, state = 'ONLINE', updated_at = now()
        WHERE character_id = ? AND account_id = ? AND state <> 'IN_TRANSFER' AND (? < 0 OR epoch = ?)
        RETURNING account_id, epoch, save_seq, realm, name, race, class, level, experience, money, map_id, instance_id,
                  x, y, z, orientation,
                  COALESCE((extract(epoch FROM deserter_until) * 1000)::bigint, 0) AS deserter_ms, bg_match_id,
                  bg_entry_map_id, bg_entry_instance_id, bg_entry_x, bg_entry_y, bg_entry_z, bg_entry_orientation""";
    private static final String WHY_NOT_CLAIMED =
            "SELECT state, epoch FROM character WHERE character_id = ? AND account_id = ?";
    private static final String RELEASE = """
        UPDATE character SET state = 'OFFLINE', owner_node = NULL, updated_at = now()
        WHERE character_id = ? AND epoch = ? AND owner_node = ? AND state = 'ONLINE'""";
    private static final String RELEASE_ALL = """
        UPDATE character SET state = 'OFFLINE', owner_node = NULL, updated_at = now()
        WHERE owner_node = ? AND state <> 'OFFLINE'""";
    /**
     * A batch of saves in one statement: the batch's values as arrays, one row each, and every row
     * fenced on its own by the saver's epoch and a higher save sequence; the ids that landed come
     * back. A row frozen IN_TRANSFER by a departure the saver gave back (its commit unconfirmed) is
     * this node's still, and the save makes it ONLINE again. One statement instead of one per character: the batch costs one round trip and one plan.
     */
    private static final String SAVE = """
        UPDATE character AS c
        SET level = v.level, experience = v.experience, money = v.money, map_id = v.map_id, instance_id = v.instance_id,
            x = v.x, y = v.y, z = v.z, orientation = v.orientation, save_seq = v.save_seq,
            state = CASE WHEN v.logout THEN 'OFFLINE' WHEN v.transfer_id IS NOT NULL THEN 'IN_TRANSFER' ELSE 'ONLINE' END,
            owner_node = CASE WHEN v.logout THEN NULL ELSE c.owner_node END,
            transfer_id = COALESCE(v.transfer_id, c.transfer_id),
            bg_match_id = COALESCE(v.bg_match_id, c.bg_match_id),
            bg_entry_map_id = CASE WHEN v.bg_match_id IS NULL THEN c.bg_entry_map_id ELSE v.map_id END,
            bg_entry_instance_id = CASE WHEN v.bg_match_id IS NULL THEN c.bg_entry_instance_id ELSE v.instance_id END,
            bg_entry_x = CASE WHEN v.bg_match_id IS NULL THEN c.bg_entry_x ELSE v.x END,
            bg_entry_y = CASE WHEN v.bg_match_id IS NULL THEN c.bg_entry_y ELSE v.y END,
            bg_entry_z = CASE WHEN v.bg_match_id IS NULL THEN c.bg_entry_z ELSE v.z END,
            bg_entry_orientation = CASE WHEN v.bg_match_id IS NULL THEN c.bg_entry_orientation ELSE v.orientation END,
            updated_at = now()
        FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::smallint[], ?::bigint[], ?::bigint[], ?::integer[],
                    ?::text[], ?::real[], ?::real[], ?::real[], ?::real[], ?::boolean[], ?::uuid[], ?::text[], ?::uuid[])
             AS v(character_id, epoch, save_seq, level, experience, money, map_id, instance_id, x, y, z, orientation,
                  logout, transfer_id, bg_match_id, given_back_transfer_id)
        WHERE c.character_id = v.character_id AND c.epoch = v.epoch AND c.owner_node = ?
          AND (c.state = 'ONLINE' OR (c.state = 'IN_TRANSFER' AND c.transfer_id = v.given_back_transfer_id))
          AND c.save_seq < v.save_seq
        RETURNING c.character_id""";
    /**
     * {@link #SAVE} for one character: a departure or a logout saved on its own, or a quiet node's
     * periodic save, is one row, and binding fourteen one-element arrays (each sent as text and
     * parsed by the server, then unnested and joined) would cost that save more than the row does.
     */
    private static final String SAVE_ONE = """
        UPDATE character
        SET level = ?, experience = ?, money = ?, map_id = ?, instance_id = ?, x = ?, y = ?, z = ?, orientation = ?,
            save_seq = ?,
            state = CASE WHEN ? THEN 'OFFLINE' WHEN ?::uuid IS NOT NULL THEN 'IN_TRANSFER' ELSE 'ONLINE' END,
            owner_node = CASE WHEN ? THEN NULL ELSE owner_node END,
            transfer_id = COALESCE(?::uuid, transfer_id),
            bg_match_id = COALESCE(?::text, bg_match_id),
            bg_entry_map_id = CASE WHEN ?::text IS NULL THEN bg_entry_map_id ELSE ?::integer END,
            bg_entry_instance_id = CASE WHEN ?::text IS NULL THEN bg_entry_instance_id ELSE ?::text END,
            bg_entry_x = CASE WHEN ?::text IS NULL THEN bg_entry_x ELSE ?::real END,
            bg_entry_y = CASE WHEN ?::text IS NULL THEN bg_entry_y ELSE ?::real END,
            bg_entry_z = CASE WHEN ?::text IS NULL THEN bg_entry_z ELSE ?::real END,
            bg_entry_orientation = CASE WHEN ?::text IS NULL THEN bg_entry_orientation ELSE ?::real END,
            updated_at = now()
        WHERE character_id = ? AND epoch = ? AND owner_node = ?
          AND (state = 'ONLINE' OR (state = 'IN_TRANSFER' AND transfer_id = ?::uuid)) AND save_seq < ?""";
    /** After a save updated nothing: had an earlier attempt of it landed already (a commit not confirmed)? */
    private static final String LANDED =
            "SELECT epoch, save_seq, owner_node, state FROM character WHERE character_id = ?";

    private static final String RESERVE_IDS = "SELECT nextval('item_id_seq') FROM generate_series(1, ?)";

    private static final String CLAIM_TRANSFER = """
        UPDATE character SET epoch = epoch + 1, owner_node = ?, state = 'ONLINE', updated_at = now()
        WHERE character_id = ? AND epoch = ? AND transfer_id = ? AND state = 'IN_TRANSFER'
        RETURNING account_id, epoch, save_seq, realm, name, race, class, level, experience, money, map_id, instance_id,
                  x, y, z, orientation,
                  COALESCE((extract(epoch FROM deserter_until) * 1000)::bigint, 0) AS deserter_ms, bg_match_id,
                  bg_entry_map_id, bg_entry_instance_id, bg_entry_x, bg_entry_y, bg_entry_z, bg_entry_orientation""";
    /**
     * {@link #CLAIM_TRANSFER} of a trip home from a battleground: the character at its entry point, its
     * battleground entry cleared, its honor and Deserter written, in the claim's compare-and-set.
     */
    private static final String CLAIM_HOME = """
        UPDATE character SET epoch = epoch + 1, owner_node = ?, state = 'ONLINE', updated_at = now(),
            map_id = ?, instance_id = ?, x = ?, y = ?, z = ?, orientation = ?, honor = honor + ?,
            deserter_until = CASE WHEN ?::bigint > 0
                THEN GREATEST(deserter_until, to_timestamp(?::bigint / 1000.0)) ELSE deserter_until END,
            bg_match_id = NULL, bg_entry_map_id = NULL, bg_entry_instance_id = NULL, bg_entry_x = NULL,
            bg_entry_y = NULL, bg_entry_z = NULL, bg_entry_orientation = NULL
        WHERE character_id = ? AND epoch = ? AND transfer_id = ? AND state = 'IN_TRANSFER'
        RETURNING account_id, epoch, save_seq, realm, name, race, class, level, experience, money, map_id, instance_id,
                  x, y, z, orientation,
                  COALESCE((extract(epoch FROM deserter_until) * 1000)::bigint, 0) AS deserter_ms, bg_match_id,
                  bg_entry_map_id, bg_entry_instance_id, bg_entry_x, bg_entry_y, bg_entry_z, bg_entry_orientation""";

    /** {@link #CLAIM_TRANSFER} for a batch, in one statement: each row its own compare-and-set. */
    private static final String CLAIM_TRANSFERS = """
        UPDATE character AS c SET epoch = c.epoch + 1, owner_node = ?, state = 'ONLINE', updated_at = now()
        FROM unnest(?::bigint[], ?::bigint[], ?::uuid[]) AS v(character_id, epoch, transfer_id)
        WHERE c.character_id = v.character_id AND c.epoch = v.epoch AND c.transfer_id = v.transfer_id
          AND c.state = 'IN_TRANSFER'
        RETURNING c.character_id, c.account_id, c.epoch, c.save_seq, c.realm, c.name, c.race, c.class, c.level,
                  c.experience, c.money, c.map_id, c.instance_id, c.x, c.y, c.z, c.orientation,
                  COALESCE((extract(epoch FROM c.deserter_until) * 1000)::bigint, 0) AS deserter_ms, c.bg_match_id,
                  c.bg_entry_map_id, c.bg_entry_instance_id, c.bg_entry_x, c.bg_entry_y, c.bg_entry_z,
                  c.bg_entry_orientation""";

    private static final String CLAIMED_BEFORE = """
        SELECT account_id, epoch, save_seq, realm, name, race, class, level, experience, money, map_id, instance_id,
               x, y, z, orientation,
                  COALESCE((extract(epoch FROM deserter_until) * 1000)::bigint, 0) AS deserter_ms, bg_match_id,
                  bg_entry_map_id, bg_entry_instance_id, bg_entry_x, bg_entry_y, bg_entry_z, bg_entry_orientation
        FROM character WHERE character_id = ? AND epoch = ? AND transfer_id = ? AND owner_node = ? AND state = 'ONLINE'""";
    private static final String ABORT_TRANSFER = """
        UPDATE character SET epoch = epoch + 1, state = 'ONLINE', updated_at = now(),
            bg_match_id = CASE WHEN entering THEN NULL ELSE bg_match_id END,
            bg_entry_map_id = CASE WHEN entering THEN NULL ELSE bg_entry_map_id END,
            bg_entry_instance_id = CASE WHEN entering THEN NULL ELSE bg_entry_instance_id END,
            bg_entry_x = CASE WHEN entering THEN NULL ELSE bg_entry_x END,
            bg_entry_y = CASE WHEN entering THEN NULL ELSE bg_entry_y END,
            bg_entry_z = CASE WHEN entering THEN NULL ELSE bg_entry_z END,
            bg_entry_orientation = CASE WHEN entering THEN NULL ELSE bg_entry_orientation END
        FROM (SELECT map_id = bg_entry_map_id AND instance_id = bg_entry_instance_id AND x = bg_entry_x AND y = bg_entry_y
                     AS entering
              FROM character WHERE character_id = ?) AS e
        WHERE character_id = ? AND epoch = ? AND transfer_id = ? AND owner_node = ? AND state = 'IN_TRANSFER'
        RETURNING epoch""";

    private final Database database;
    private final RealmTable realms;

    /** The store of every realm's characters in {@code database}. */
    public PostgresCharacterStore(final Database database) {
        this(database, RealmTable.everyRealm());
    }

    /** The store of {@code realms}' characters in {@code database}. */
    public PostgresCharacterStore(final Database database, final RealmTable realms) {
        this.database = database;
        this.realms = realms;
    }

    @Override
    public RealmTable realms() {
        return realms;
    }

    @Override
    public ClaimedCharacter claim(final long key, final long accountId, final long expectedEpoch, final String nodeId)
            throws ClaimRefused {
        final long characterId = CharacterKey.id(key);
        try (Connection connection = database.connection()) {
            try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
                claim.setString(1, nodeId);
                claim.setLong(2, characterId);
                claim.setLong(3, accountId);
                claim.setLong(4, expectedEpoch);
                claim.setLong(5, expectedEpoch);
                ClaimedCharacter claimed = null;
                try (ResultSet row = claim.executeQuery()) {
                    if (row.next()) {
                        claimed = claimed(key, characterId, row);
                    }
                }
                if (claimed != null) {
                    // Read after the claim: the node that had the character can change them no more.
                    return claimed.withItems(ItemRows.items(connection, characterId));
                }
            }
            try (PreparedStatement why = connection.prepareStatement(WHY_NOT_CLAIMED)) {
                why.setLong(1, characterId);
                why.setLong(2, accountId);
                try (ResultSet row = why.executeQuery()) {
                    if (row.next()) {
                        if (!"IN_TRANSFER".equals(row.getString(1))) {
                            // Not in transfer, and the claim did not land: only its epoch fence can have refused it.
                            throw ClaimRefused.staleLogin(characterId, expectedEpoch, row.getLong(2));
                        }
                        throw new ClaimRefused(
                                ClaimRefused.Reason.IN_TRANSFER,
                                "character " + characterId
                                        + " is being transferred between nodes; log in again shortly",
                                null);
                    }
                }
            }
            throw new ClaimRefused(
                    ClaimRefused.Reason.UNKNOWN_CHARACTER,
                    "account " + accountId + " has no character " + characterId,
                    null);
        } catch (final SQLException e) {
            throw new ClaimRefused(ClaimRefused.Reason.DATABASE, "the character database failed: " + e.getMessage(), e);
        }
    }

    private static ClaimedCharacter claimed(final long key, final long characterId, final ResultSet row)
            throws SQLException {
        return new ClaimedCharacter(
                key,
                characterId,
                row.getLong("account_id"),
                row.getLong("epoch"),
                row.getLong("save_seq"),
                row.getString("realm"),
                row.getString("name"),
                row.getInt("race"),
                row.getInt("class"),
                row.getInt("level"),
                row.getLong("experience"),
                row.getLong("money"),
                row.getInt("map_id"),
                row.getString("instance_id"),
                row.getFloat("x"),
                row.getFloat("y"),
                row.getFloat("z"),
                row.getFloat("orientation"),
                row.getLong("deserter_ms"),
                row.getString("bg_match_id") == null
                        ? null
                        : new ClaimedCharacter.BattlegroundEntry(
                                row.getString("bg_match_id"),
                                row.getInt("bg_entry_map_id"),
                                row.getString("bg_entry_instance_id"),
                                row.getFloat("bg_entry_x"),
                                row.getFloat("bg_entry_y"),
                                row.getFloat("bg_entry_z"),
                                row.getFloat("bg_entry_orientation")));
    }

    @Override
    public ClaimedCharacter claimTransfer(final long key, final long epoch, final UUID transferId, final String nodeId)
            throws ClaimRefused {
        final long characterId = CharacterKey.id(key);
        final TransferClaim claim = new TransferClaim(key, epoch, transferId);
        try (Connection connection = database.connection()) {
            try (PreparedStatement update = connection.prepareStatement(CLAIM_TRANSFER)) {
                update.setString(1, nodeId);
                update.setLong(2, characterId);
                update.setLong(3, epoch);
                update.setObject(4, transferId);
                ClaimedCharacter claimed = null;
                try (ResultSet row = update.executeQuery()) {
                    if (row.next()) {
                        claimed = claimed(key, characterId, row);
                    }
                }
                if (claimed != null) {
                    return claimed.withItems(ItemRows.items(connection, characterId));
                }
            }
            final ClaimedCharacter before = claimedBefore(connection, claim, nodeId);
            if (before != null) {
                return before;
            }
        } catch (final SQLException e) {
            throw new ClaimRefused(ClaimRefused.Reason.DATABASE, "the character database failed: " + e.getMessage(), e);
        }
        throw ClaimRefused.transferGone(characterId, epoch, transferId);
    }

    /**
     * The claim, the entry point, honor and Deserter in one UPDATE, and the mark with its ledger entry, in
     * one transaction; a retry of a claim that landed returns it and writes nothing.
     */
    @Override
    public ClaimedCharacter claimTransfer(
            final long key, final long epoch, final UUID transferId, final String nodeId, final Homecoming homecoming)
            throws ClaimRefused {
        final long characterId = CharacterKey.id(key);
        try (Connection connection = database.connection()) {
            connection.setAutoCommit(false);
            try {
                final ClaimedCharacter claimed = claimHome(connection, key, epoch, transferId, nodeId, homecoming);
                if (claimed != null) {
                    connection.commit();
                    return claimed;
                }
                connection.rollback();
                final ClaimedCharacter before =
                        claimedBefore(connection, new TransferClaim(key, epoch, transferId), nodeId);
                connection.rollback();
                if (before != null) {
                    return before;
                }
            } catch (final SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (final SQLException e) {
            throw new ClaimRefused(ClaimRefused.Reason.DATABASE, "the character database failed: " + e.getMessage(), e);
        }
        throw ClaimRefused.transferGone(characterId, epoch, transferId);
    }

    /** The home claim's statements in {@code connection}'s transaction: the claimed row, or null when the CAS missed. */
    private static ClaimedCharacter claimHome(
            final Connection connection,
            final long key,
            final long epoch,
            final UUID transferId,
            final String nodeId,
            final Homecoming home)
            throws SQLException {
        final long characterId = CharacterKey.id(key);
        final ClaimedCharacter claimed;
        try (PreparedStatement update = connection.prepareStatement(CLAIM_HOME)) {
            update.setString(1, nodeId);
            update.setInt(2, home.mapId());
            update.setString(3, home.instanceId());
            update.setFloat(4, home.x());
            update.setFloat(5, home.y());
            update.setFloat(6, home.z());
            update.setFloat(7, home.orientation());
            update.setLong(8, home.honor());
            update.setLong(9, home.deserterUntilMillis());
            update.setLong(10, home.deserterUntilMillis());
            update.setLong(11, characterId);
            update.setLong(12, epoch);
            update.setObject(13, transferId);
            try (ResultSet row = update.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                claimed = claimed(key, characterId, row);
            }
        }
        if (home.markTemplateId() > 0) {
            ItemRows.giveMark(connection, characterId, home.markTemplateId(), nodeId, claimed.epoch());
        }
        return claimed.withItems(ItemRows.items(connection, characterId));
    }

    /** One statement claims them all; a claim it did not take is looked up again in case an earlier try took it. */
    @Override
    public List<ClaimedCharacter> claimTransfers(final List<TransferClaim> claims, final String nodeId)
            throws ClaimRefused {
        final int n = claims.size();
        final Long[] ids = new Long[n];
        final Long[] epochs = new Long[n];
        final UUID[] transfers = new UUID[n];
        final Map<Long, Integer> index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            final TransferClaim claim = claims.get(i);
            if (index.put(CharacterKey.id(claim.characterId()), i) != null) {
                // One row per character and statement: a character offered twice in one batch is claimed one by one.
                return CharacterStore.super.claimTransfers(claims, nodeId);
            }
            ids[i] = CharacterKey.id(claim.characterId());
            epochs[i] = claim.epoch();
            transfers[i] = claim.transferId();
        }
        final ClaimedCharacter[] claimed = new ClaimedCharacter[n];
        try (Connection connection = database.connection()) {
            try (PreparedStatement claim = connection.prepareStatement(CLAIM_TRANSFERS)) {
                claim.setString(1, nodeId);
                claim.setArray(2, connection.createArrayOf("bigint", ids));
                claim.setArray(3, connection.createArrayOf("bigint", epochs));
                claim.setArray(4, connection.createArrayOf("uuid", transfers));
                try (ResultSet rows = claim.executeQuery()) {
                    while (rows.next()) {
                        final long characterId = rows.getLong("character_id");
                        final int at = index.get(characterId);
                        claimed[at] = claimed(claims.get(at).characterId(), characterId, rows);
                    }
                }
            }
            final Map<Long, List<ItemStack>> items = ItemRows.itemsOf(connection, ids);
            for (int i = 0; i < n; i++) {
                if (claimed[i] == null) {
                    claimed[i] = claimedBefore(connection, claims.get(i), nodeId);
                } else {
                    claimed[i] = claimed[i].withItems(items.getOrDefault(ids[i], List.of()));
                }
            }
            return Arrays.asList(claimed);
        } catch (final SQLException e) {
            throw new ClaimRefused(ClaimRefused.Reason.DATABASE, "the character database failed: " + e.getMessage(), e);
        }
    }

    /** The claim an earlier try of the same transfer made for this node, or null. */
    private static ClaimedCharacter claimedBefore(
            final Connection connection, final TransferClaim claim, final String nodeId) throws SQLException {
        try (PreparedStatement before = connection.prepareStatement(CLAIMED_BEFORE)) {
            before.setLong(1, CharacterKey.id(claim.characterId()));
            before.setLong(2, claim.epoch() + 1);
            before.setObject(3, claim.transferId());
            before.setString(4, nodeId);
            final ClaimedCharacter claimed;
            try (ResultSet row = before.executeQuery()) {
                claimed = row.next() ? claimed(claim.characterId(), CharacterKey.id(claim.characterId()), row) : null;
            }
            return claimed == null
                    ? null
                    : claimed.withItems(ItemRows.items(connection, CharacterKey.id(claim.characterId())));
        }
    }

    @Override
    public long[] reserveItemIds(final int realmIndex, final int count) throws SQLException {
        final long[] ids = new long[count];
        try (Connection connection = database.connection();
                PreparedStatement reserve = connection.prepareStatement(RESERVE_IDS)) {
            reserve.setInt(1, count);
            try (ResultSet rows = reserve.executeQuery()) {
                for (int i = 0; i < count && rows.next(); i++) {
                    ids[i] = rows.getLong(1);
                }
            }
        }
        return ids;
    }

    @Override
    public long abortTransfer(final long key, final long epoch, final UUID transferId, final String nodeId)
            throws SQLException {
        try (Connection connection = database.connection();
                PreparedStatement abort = connection.prepareStatement(ABORT_TRANSFER)) {
            abort.setLong(1, CharacterKey.id(key));
            abort.setLong(2, CharacterKey.id(key));
            abort.setLong(3, epoch);
            abort.setObject(4, transferId);
            abort.setString(5, nodeId);
            try (ResultSet row = abort.executeQuery()) {
                return row.next() ? row.getLong(1) : -1;
            }
        }
    }

    /**
     * Give back every character {@code nodeId} holds: for a node starting up, whose earlier process
     * died holding them. Of this and a target's claim of a transfer that process froze, the first
     * wins (the claim needs the row IN_TRANSFER, this needs it still this node's); any save that
     * process might still make is fenced, as a save needs the row ONLINE and its own.
     */
    public int releaseAll(final String nodeId) throws SQLException {
        try (Connection connection = database.connection();
                PreparedStatement release = connection.prepareStatement(RELEASE_ALL)) {
            release.setString(1, nodeId);
            return release.executeUpdate();
        }
    }

    @Override
    public void release(final long key, final long epoch, final String nodeId) throws SQLException {
        try (Connection connection = database.connection();
                PreparedStatement release = connection.prepareStatement(RELEASE)) {
            release.setLong(1, CharacterKey.id(key));
            release.setLong(2, epoch);
            release.setString(3, nodeId);
            release.executeUpdate();
        }
    }

    @Override
    public boolean[] save(final List<PendingSave> saves, final String nodeId) throws SQLException {
        try (Connection connection = database.connection()) {
            if (saves.stream().noneMatch(PendingSave::writesItems)) {
                // Nothing but rows: the one UPDATE is the whole transaction, and the COMMIT's round trip is saved.
                return landed(connection, saves, nodeId);
            }
            connection.setAutoCommit(false);
            try {
                final boolean[] landed = landed(connection, saves, nodeId);
                ItemRows.writeItems(connection, saves, landed);
                ItemRows.writeLedger(connection, saves, landed, nodeId);
                connection.commit();
                return landed;
            } catch (final SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        }
    }

    /**
     * Both halves of a trade in one transaction: both fenced updates (with whatever else each has pending),
     * the items that changed hands, both characters' items, each one's other ledger entries and one trade
     * entry each under {@code tradeId}. Rolled back, false, when either update is fenced; a retry of a trade
     * that landed finds it landed and writes nothing twice.
     */
    @Override
    public boolean saveTrade(final PendingSave first, final PendingSave second, final UUID tradeId, final String nodeId)
            throws SQLException {
        try (Connection connection = database.connection()) {
            connection.setAutoCommit(false);
            try {
                if (!landed(connection, List.of(first), nodeId)[0]) {
                    connection.rollback();
                    return false;
                }
                Failpoints.reach(Failpoints.TRADE_BEFORE_COMMIT);
                if (!landed(connection, List.of(second), nodeId)[0]) {
                    connection.rollback();
                    return false;
                }
                ItemRows.writeTrade(connection, first, second, tradeId, nodeId);
                connection.commit();
                return true;
            } catch (final SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        }
    }

    /** Which of {@code saves} are durable: landed now, or by an earlier attempt (see {@link #landedBefore}). */
    private static boolean[] landed(final Connection connection, final List<PendingSave> saves, final String nodeId)
            throws SQLException {
        final boolean[] landed = update(connection, saves, nodeId);
        try (PreparedStatement check = connection.prepareStatement(LANDED)) {
            for (int i = 0; i < saves.size(); i++) {
                landed[i] = landed[i] || landedBefore(check, saves.get(i), nodeId);
            }
        }
        return landed;
    }

    /** Which of {@code saves} (each a different character) landed now. */
    private static boolean[] update(final Connection connection, final List<PendingSave> saves, final String nodeId)
            throws SQLException {
        if (saves.size() == 1) {
            return new boolean[] {updateOne(connection, saves.get(0), nodeId)};
        }
        final int n = saves.size();
        final Long[] ids = new Long[n];
        final Long[] epochs = new Long[n];
        final Long[] seqs = new Long[n];
        final Short[] levels = new Short[n];
        final Long[] experience = new Long[n];
        final Long[] money = new Long[n];
        final Integer[] maps = new Integer[n];
        final String[] instances = new String[n];
        final Float[] xs = new Float[n];
        final Float[] ys = new Float[n];
        final Float[] zs = new Float[n];
        final Float[] orientations = new Float[n];
        final Boolean[] logouts = new Boolean[n];
        final UUID[] transfers = new UUID[n];
        final String[] bgMatches = new String[n];
        final UUID[] givenBack = new UUID[n];
        final Map<Long, Integer> index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            final PendingSave save = saves.get(i);
            ids[i] = CharacterKey.id(save.characterId);
            epochs[i] = save.epoch;
            seqs[i] = save.saveSeq;
            levels[i] = (short) save.level;
            experience[i] = save.experience;
            money[i] = save.money;
            maps[i] = save.mapId;
            instances[i] = save.instanceId;
            xs[i] = save.x;
            ys[i] = save.y;
            zs[i] = save.z;
            orientations[i] = save.orientation;
            logouts[i] = save.logout;
            transfers[i] = save.transferId;
            bgMatches[i] = save.bgMatchId;
            givenBack[i] = save.givenBackTransferId;
            index.put(ids[i], i);
        }
        final boolean[] updated = new boolean[n];
        try (PreparedStatement update = connection.prepareStatement(SAVE)) {
            update.setArray(1, connection.createArrayOf("bigint", ids));
            update.setArray(2, connection.createArrayOf("bigint", epochs));
            update.setArray(3, connection.createArrayOf("bigint", seqs));
            update.setArray(4, connection.createArrayOf("smallint", levels));
            update.setArray(5, connection.createArrayOf("bigint", experience));
            update.setArray(6, connection.createArrayOf("bigint", money));
            update.setArray(7, connection.createArrayOf("integer", maps));
            update.setArray(8, connection.createArrayOf("text", instances));
            update.setArray(9, connection.createArrayOf("real", xs));
            update.setArray(10, connection.createArrayOf("real", ys));
            update.setArray(11, connection.createArrayOf("real", zs));
            update.setArray(12, connection.createArrayOf("real", orientations));
            update.setArray(13, connection.createArrayOf("boolean", logouts));
            update.setArray(14, connection.createArrayOf("uuid", transfers));
            update.setArray(15, connection.createArrayOf("text", bgMatches));
            update.setArray(16, connection.createArrayOf("uuid", givenBack));
            update.setString(17, nodeId);
            try (ResultSet rows = update.executeQuery()) {
                while (rows.next()) {
                    updated[index.get(rows.getLong(1))] = true;
                }
            }
        }
        return updated;
    }

    /** Whether {@code save} landed now. */
    private static boolean updateOne(final Connection connection, final PendingSave save, final String nodeId)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(SAVE_ONE)) {
            update.setShort(1, (short) save.level);
            update.setLong(2, save.experience);
            update.setLong(3, save.money);
            update.setInt(4, save.mapId);
            update.setString(5, save.instanceId);
            update.setFloat(6, save.x);
            update.setFloat(7, save.y);
            update.setFloat(8, save.z);
            update.setFloat(9, save.orientation);
            update.setLong(10, save.saveSeq);
            update.setBoolean(11, save.logout);
            // As text with no declared type, null or not, so that the statement keeps one server-side plan.
            final String transferId = save.transferId == null ? null : save.transferId.toString();
            update.setObject(12, transferId, Types.OTHER);
            update.setBoolean(13, save.logout);
            update.setObject(14, transferId, Types.OTHER);
            // The entry point is where this save puts the character: its values, bound beside the match.
            update.setString(15, save.bgMatchId);
            for (int p = 16; p <= 26; p += 2) {
                update.setString(p, save.bgMatchId);
            }
            update.setInt(17, save.mapId);
            update.setString(19, save.instanceId);
            update.setFloat(21, save.x);
            update.setFloat(23, save.y);
            update.setFloat(25, save.z);
            update.setFloat(27, save.orientation);
            update.setLong(28, CharacterKey.id(save.characterId));
            update.setLong(29, save.epoch);
            update.setString(30, nodeId);
            update.setObject(
                    31, save.givenBackTransferId == null ? null : save.givenBackTransferId.toString(), Types.OTHER);
            update.setLong(32, save.saveSeq);
            return update.executeUpdate() == 1;
        }
    }

    /**
     * Whether a save that updated nothing had landed already: the row is at this epoch with this
     * save sequence or a later one of this node's, still this node's or given back by this save's
     * logout. Anything else means another node claimed the character.
     */
    private static boolean landedBefore(final PreparedStatement check, final PendingSave save, final String nodeId)
            throws SQLException {
        check.setLong(1, CharacterKey.id(save.characterId));
        try (ResultSet row = check.executeQuery()) {
            if (!row.next() || row.getLong("epoch") != save.epoch || row.getLong("save_seq") < save.saveSeq) {
                return false;
            }
            return nodeId.equals(row.getString("owner_node"))
                    || save.logout && "OFFLINE".equals(row.getString("state"));
        }
    }

    private static void rollbackQuietly(final Connection connection, final Exception failure) {
        try {
            connection.rollback();
        } catch (final SQLException e) {
            failure.addSuppressed(e);
        }
    }
}
