package io.realmcluster.dataplane.store;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/** A character store that passes every call to another: benchmarks and tests override the calls they measure or watch. */
public abstract class ForwardingCharacterStore implements CharacterStore {
    protected final CharacterStore store;

    protected ForwardingCharacterStore(final CharacterStore store) {
        this.store = store;
    }

    @Override
    public RealmTable realms() {
        return store.realms();
    }

    @Override
    public ClaimedCharacter claim(
            final long characterId, final long accountId, final long expectedEpoch, final String nodeId)
            throws ClaimRefused {
        return store.claim(characterId, accountId, expectedEpoch, nodeId);
    }

    @Override
    public void release(final long characterId, final long epoch, final String nodeId) throws SQLException {
        store.release(characterId, epoch, nodeId);
    }

    @Override
    public boolean[] save(final List<PendingSave> saves, final String nodeId) throws SQLException {
        return store.save(saves, nodeId);
    }

    @Override
    public boolean saveTrade(final PendingSave first, final PendingSave second, final UUID tradeId, final String nodeId)
            throws SQLException {
        return store.saveTrade(first, second, tradeId, nodeId);
    }

    @Override
    public long[] reserveItemIds(final int realmIndex, final int count) throws SQLException {
        return store.reserveItemIds(realmIndex, count);
    }

    @Override
    public ClaimedCharacter claimTransfer(
            final long characterId, final long epoch, final UUID transferId, final String nodeId) throws ClaimRefused {
        return store.claimTransfer(characterId, epoch, transferId, nodeId);
    }

    @Override
    public ClaimedCharacter claimTransfer(
            final long characterId,
            final long epoch,
            final UUID transferId,
            final String nodeId,
            final Homecoming homecoming)
            throws ClaimRefused {
        return store.claimTransfer(characterId, epoch, transferId, nodeId, homecoming);
    }

    @Override
    public List<ClaimedCharacter> claimTransfers(final List<TransferClaim> claims, final String nodeId)
            throws ClaimRefused {
        return store.claimTransfers(claims, nodeId);
    }

    @Override
    public long abortTransfer(final long characterId, final long epoch, final UUID transferId, final String nodeId)
            throws SQLException {
        return store.abortTransfer(characterId, epoch, transferId, nodeId);
    }

    @Override
    public boolean transfers() {
        return store.transfers();
    }
}
