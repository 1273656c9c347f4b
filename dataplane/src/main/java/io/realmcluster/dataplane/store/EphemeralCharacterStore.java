package io.realmcluster.dataplane.store;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Characters kept in this process only, for a node started without a database (protocol tests,
 * benchmarks of the network path): a character appears at level 1 with no money at its map's
 * spawn point, claims and saves behave as in the database (items and trades too; item ids are counted
 * from 1), and everything is gone when the process ends. The node says so loudly at start.
 */
public final class EphemeralCharacterStore implements CharacterStore {
    private final ConcurrentHashMap<Long, long[]> epochAndSeq = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, List<ItemStack>> items = new ConcurrentHashMap<>();
    private final AtomicLong itemIds = new AtomicLong();
    private final RealmTable realms = RealmTable.everyRealm();

    @Override
    public RealmTable realms() {
        return realms;
    }

    /** A claim whatever the epoch: never refused here. */
    @Override
    public ClaimedCharacter claim(final long characterId, final long accountId, final String nodeId) {
        try {
            return claim(characterId, accountId, ANY_EPOCH, nodeId);
        } catch (final ClaimRefused unfenced) {
            throw new IllegalStateException("an unfenced claim was refused", unfenced);
        }
    }

    @Override
    public ClaimedCharacter claim(
            final long characterId, final long accountId, final long expectedEpoch, final String nodeId)
            throws ClaimRefused {
        // The epoch the claim found when its fence refused it, else -1.
        final long[] refusedAt = {-1};
        final long[] state = epochAndSeq.compute(characterId, (id, old) -> {
            final long epoch = old == null ? 0 : old[0];
            if (expectedEpoch != ANY_EPOCH && expectedEpoch != epoch) {
                refusedAt[0] = epoch;
                return old;
            }
            return old == null ? new long[] {1, 0} : new long[] {old[0] + 1, old[1]};
        });
        if (refusedAt[0] >= 0) {
            throw ClaimRefused.staleLogin(characterId, expectedEpoch, refusedAt[0]);
        }
        return new ClaimedCharacter(
                        characterId,
                        CharacterKey.id(characterId),
                        accountId,
                        state[0],
                        state[1],
                        realmOf(characterId),
                        "",
                        0,
                        0,
                        1,
                        0,
                        0,
                        -1,
                        "",
                        0f,
                        0f,
                        0f,
                        0f)
                .withItems(items.getOrDefault(characterId, List.of()));
    }

    /** The realm of {@code key}, empty for a key no login named (tools and tests claim by id alone). */
    private String realmOf(final long key) {
        try {
            return realms.realmOf(key);
        } catch (final IllegalArgumentException unknown) {
            return "";
        }
    }

    @Override
    public ClaimedCharacter claimTransfer(
            final long characterId, final long epoch, final UUID transferId, final String nodeId) throws ClaimRefused {
        throw new ClaimRefused(ClaimRefused.Reason.DATABASE, "a node without a database takes no transfers", null);
    }

    @Override
    public long abortTransfer(final long characterId, final long epoch, final UUID transferId, final String nodeId) {
        return epoch;
    }

    @Override
    public boolean transfers() {
        return false;
    }

    @Override
    public void release(final long characterId, final long epoch, final String nodeId) {
        // Nothing outlives the process.
    }

    @Override
    public boolean[] save(final List<PendingSave> saves, final String nodeId) {
        final boolean[] landed = new boolean[saves.size()];
        for (int i = 0; i < saves.size(); i++) {
            final PendingSave save = saves.get(i);
            final int at = i;
            epochAndSeq.computeIfPresent(save.characterId, (id, state) -> {
                landed[at] = state[0] == save.epoch;
                return landed[at] ? new long[] {state[0], Math.max(state[1], save.saveSeq)} : state;
            });
            if (landed[i] && save.itemsChanged) {
                items.put(save.characterId, save.items());
            }
        }
        return landed;
    }

    /** Both halves when both characters are still held at their saves' epochs; neither otherwise. */
    @Override
    public synchronized boolean saveTrade(
            final PendingSave first, final PendingSave second, final UUID tradeId, final String nodeId) {
        for (final PendingSave half : List.of(first, second)) {
            final long[] state = epochAndSeq.get(half.characterId);
            if (state == null || state[0] != half.epoch) {
                return false;
            }
        }
        return save(List.of(first, second), nodeId)[0];
    }

    @Override
    public long[] reserveItemIds(final int realmIndex, final int count) {
        final long last = itemIds.addAndGet(count);
        final long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = last - count + 1 + i;
        }
        return ids;
    }
}
