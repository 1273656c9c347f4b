package io.realmcluster.dataplane.store;

import io.realmcluster.common.db.Database;
import io.realmcluster.dataplane.transfer.Failpoints;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
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
     * back. One statement instead of one per character: the batch costs one round trip and one plan.
     */
    private static final String SAVE = """
        UPDATE character AS c
        SET level = v.level, experience = v.experience, money = v.money, map_id = v.map_id, instance_id = v.instance_id,
            x = v.x, y = v.y, z = v.z, orientation = v.orientation, save_seq = v.save_seq,
            state = CASE WHEN v.logout THEN 'OFFLINE' WHEN v.transfer_id IS NOT NULL THEN 'IN_TRANSFER' ELSE c.state END,
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
                    ?::text[], ?::real[], ?::real[], ?::real[], ?::real[], ?::boolean[], ?::uuid[], ?::text[])
             AS v(character_id, epoch, save_seq, level, experience, money, map_id, instance_id, x, y, z, orientation,
                  logout, transfer_id, bg_match_id)
        WHERE c.character_id = v.character_id AND c.epoch = v.epoch AND c.owner_node = ? AND c.state = 'ONLINE'
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
            state = CASE WHEN ? THEN 'OFFLINE' WHEN ?::uuid IS NOT NULL THEN 'IN_TRANSFER' ELSE state END,
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
        WHERE character_id = ? AND epoch = ? AND owner_node = ? AND state = 'ONLINE' AND save_seq < ?""";
    /** After a save updated nothing: had an earlier attempt of it landed already (a commit not confirmed)? */
    private static final String LANDED =
            "SELECT epoch, save_seq, owner_node, state FROM character WHERE character_id = ?";

    /**
     * The ledger entries of a batch's item changes, one row each (a change creates or destroys one item at
     * most); a retry of an entry that landed writes nothing (its character, epoch and save sequence name it).
     */
    private static final String LEDGER = """
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
    private static final String TRADE_ITEMS = """
        UPDATE item SET character_id = ? WHERE item_id = ANY(?::bigint[]) AND character_id = ?""";
    /**
     * The items the saved characters no longer hold: gone (destroyed, merged, traded away). An anti-join on
     * the ids they hold (a hash of them), not {@code NOT (item_id = ANY(...))}, which compares each row with
     * every id of the batch.
     */
    private static final String DELETE_ITEMS = """
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
    private static final String UPSERT_ITEMS = """
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
    private static final String ITEMS = "SELECT item_id, template_id, slot, count FROM item WHERE character_id = ?";

    private static final String ITEMS_OF = """
        SELECT character_id, item_id, template_id, slot, count FROM item WHERE character_id = ANY(?::bigint[])""";
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

    private static final String MARK = """
        INSERT INTO item (character_id, template_id, count, slot) VALUES (?, ?, 1, ?) RETURNING item_id""";
    private static final String MARK_LEDGER = """
        INSERT INTO ledger (character_id, items_created, source, node, epoch) VALUES (?, ARRAY[?]::bigint[], 'battleground', ?, ?)""";

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
                    return claimed.withItems(items(connection, characterId));
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
                    return claimed.withItems(items(connection, characterId));
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
            giveMark(connection, characterId, home.markTemplateId(), nodeId, claimed.epoch());
        }
        return claimed.withItems(items(connection, characterId));
    }

    /** The mark in the character's first free bag slot, with the ledger entry that created it; none when the bags are full. */
    private static void giveMark(
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
            final Map<Long, List<ItemStack>> items = itemsOf(connection, ids);
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
            return claimed == null ? null : claimed.withItems(items(connection, CharacterKey.id(claim.characterId())));
        }
    }

    /** Every item {@code characterId} holds, by slot. */
    private static List<ItemStack> items(final Connection connection, final long characterId) throws SQLException {
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
    private static Map<Long, List<ItemStack>> itemsOf(final Connection connection, final Long[] characterIds)
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
                writeItems(connection, saves, landed);
                writeLedger(connection, saves, landed, nodeId);
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
                connection.commit();
                return true;
            } catch (final SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        }
    }

    /** The items {@code receiver} received from {@code giver} become its own, ahead of the items' upsert. */
    private static void handOver(final Connection connection, final PendingSave receiver, final PendingSave giver)
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

    private static Array ids(final Connection connection, final long[] ids, final int count) throws SQLException {
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
    private static void writeItems(final Connection connection, final List<PendingSave> saves, final boolean[] landed)
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
    private static void writeLedger(
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
            update.setString(16, nodeId);
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
            update.setLong(31, save.saveSeq);
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
