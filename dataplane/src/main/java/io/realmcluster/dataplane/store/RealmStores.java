package io.realmcluster.dataplane.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntToLongFunction;

/**
 * A node's characters across realms: each call goes to the store of its character's realm (its own
 * database, or the shared one of every realm without its own), fenced there exactly as in one
 * database. A batch of saves becomes one batch per database; a transfer batch, one per database.
 */
public final class RealmStores implements CharacterStore {
    private final RealmTable realms;
    private final Map<String, PostgresCharacterStore> own;
    private final PostgresCharacterStore shared;

    /**
     * @param own    each realm's store over its own database
     * @param shared the store of every other realm, or null: the node holds only the realms of {@code own}
     */
    public RealmStores(final Map<String, PostgresCharacterStore> own, final PostgresCharacterStore shared) {
        this.own = new LinkedHashMap<>(own);
        this.shared = shared;
        this.realms = shared != null ? RealmTable.everyRealm(own.keySet()) : RealmTable.only(own.keySet());
    }

    @Override
    public RealmTable realms() {
        return realms;
    }

    /** Each database's store once: a node's start gives back what its earlier run left claimed in each. */
    public List<PostgresCharacterStore> databases() {
        final Map<PostgresCharacterStore, Boolean> distinct = new IdentityHashMap<>();
        final List<PostgresCharacterStore> stores = new ArrayList<>();
        for (final PostgresCharacterStore store : own.values()) {
            if (distinct.put(store, Boolean.TRUE) == null) {
                stores.add(store);
            }
        }
        if (shared != null && distinct.put(shared, Boolean.TRUE) == null) {
            stores.add(shared);
        }
        return stores;
    }

    /** Give back every character {@code nodeId} holds in every database; the count given back. */
    public int releaseAll(final String nodeId) throws SQLException {
        int released = 0;
        for (final PostgresCharacterStore store : databases()) {
            released += store.releaseAll(nodeId);
        }
        return released;
    }

    /** The store of the character {@code key} names. */
    private PostgresCharacterStore storeOf(final long key) {
        final String realm = realms.realmOf(key);
        final PostgresCharacterStore store = own.get(realm);
        if (store != null) {
            return store;
        }
        if (shared == null) {
            throw new IllegalArgumentException(RealmTable.noDatabase(realm));
        }
        return shared;
    }

    @Override
    public ClaimedCharacter claim(final long key, final long accountId, final long expectedEpoch, final String nodeId)
            throws ClaimRefused {
        return storeOf(key).claim(key, accountId, expectedEpoch, nodeId);
    }

    @Override
    public void release(final long key, final long epoch, final String nodeId) throws SQLException {
        storeOf(key).release(key, epoch, nodeId);
    }

    /** One batch per database; throws when any database's outcome is unknown (a retry of all is safe: saves are idempotent). */
    @Override
    public boolean[] save(final List<PendingSave> saves, final String nodeId) throws SQLException {
        final Map<PostgresCharacterStore, List<Integer>> byStore = byStore(saves.size(), i -> saves.get(i).characterId);
        if (byStore.size() == 1) {
            return byStore.keySet().iterator().next().save(saves, nodeId);
        }
        final boolean[] landed = new boolean[saves.size()];
        SQLException failed = null;
        for (final Map.Entry<PostgresCharacterStore, List<Integer>> entry : byStore.entrySet()) {
            final List<PendingSave> part = new ArrayList<>(entry.getValue().size());
            entry.getValue().forEach(i -> part.add(saves.get(i)));
            try {
                final boolean[] partLanded = entry.getKey().save(part, nodeId);
                for (int p = 0; p < partLanded.length; p++) {
                    landed[entry.getValue().get(p)] = partLanded[p];
                }
            } catch (final SQLException e) {
                // The other databases' saves still go: a retry finds those landed.
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
        return landed;
    }

    @Override
    public boolean saveTrade(final PendingSave first, final PendingSave second, final UUID tradeId, final String nodeId)
            throws SQLException {
        final PostgresCharacterStore store = storeOf(first.characterId);
        if (store != storeOf(second.characterId)) {
            throw new IllegalArgumentException("a trade between characters of two realms' databases ("
                    + realms.realmOf(first.characterId) + ", " + realms.realmOf(second.characterId)
                    + "): trades are within one realm");
        }
        return store.saveTrade(first, second, tradeId, nodeId);
    }

    /** From the database of the realm at {@code realmIndex}: its own, or the shared one. */
    @Override
    public long[] reserveItemIds(final int realmIndex, final int count) throws SQLException {
        return storeOf(CharacterKey.of(realmIndex, 1)).reserveItemIds(realmIndex, count);
    }

    @Override
    public ClaimedCharacter claimTransfer(final long key, final long epoch, final UUID transferId, final String nodeId)
            throws ClaimRefused {
        return storeOf(key).claimTransfer(key, epoch, transferId, nodeId);
    }

    @Override
    public ClaimedCharacter claimTransfer(
            final long key, final long epoch, final UUID transferId, final String nodeId, final Homecoming homecoming)
            throws ClaimRefused {
        return storeOf(key).claimTransfer(key, epoch, transferId, nodeId, homecoming);
    }

    @Override
    public List<ClaimedCharacter> claimTransfers(final List<TransferClaim> claims, final String nodeId)
            throws ClaimRefused {
        final Map<PostgresCharacterStore, List<Integer>> byStore =
                byStore(claims.size(), i -> claims.get(i).characterId());
        if (byStore.size() == 1) {
            return byStore.keySet().iterator().next().claimTransfers(claims, nodeId);
        }
        final ClaimedCharacter[] claimed = new ClaimedCharacter[claims.size()];
        for (final Map.Entry<PostgresCharacterStore, List<Integer>> entry : byStore.entrySet()) {
            final List<TransferClaim> part = new ArrayList<>(entry.getValue().size());
            entry.getValue().forEach(i -> part.add(claims.get(i)));
            final List<ClaimedCharacter> partClaimed = entry.getKey().claimTransfers(part, nodeId);
            for (int p = 0; p < partClaimed.size(); p++) {
                claimed[entry.getValue().get(p)] = partClaimed.get(p);
            }
        }
        return Arrays.asList(claimed);
    }

    @Override
    public long abortTransfer(final long key, final long epoch, final UUID transferId, final String nodeId)
            throws SQLException {
        return storeOf(key).abortTransfer(key, epoch, transferId, nodeId);
    }

    private Map<PostgresCharacterStore, List<Integer>> byStore(final int count, final IntToLongFunction keyOf) {
        final Map<PostgresCharacterStore, List<Integer>> byStore = new IdentityHashMap<>();
        for (int i = 0; i < count; i++) {
            byStore.computeIfAbsent(storeOf(keyOf.applyAsLong(i)), s -> new ArrayList<>())
                    .add(i);
        }
        return byStore;
    }
}
