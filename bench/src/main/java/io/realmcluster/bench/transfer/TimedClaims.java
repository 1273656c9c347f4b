package io.realmcluster.bench.transfer;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import org.HdrHistogram.Recorder;

import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.store.ClaimRefused;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.PendingSave;

/**
 * The target's character store as its TransferService uses it, timing each transfer's claim: what
 * of an Offer's round trip is the database's, the rest being gRPC and the service itself.
 */
final class TimedClaims implements CharacterStore {
    private final CharacterStore store;
    private final Recorder claims;

    TimedClaims(final CharacterStore store, final Recorder claims) {
        this.store = store;
        this.claims = claims;
    }

    @Override
    public ClaimedCharacter claimTransfer(final long characterId, final long epoch, final UUID transferId,
                                          final String nodeId) throws ClaimRefused {
        final long started = System.nanoTime();
        try {
            return store.claimTransfer(characterId, epoch, transferId, nodeId);
        } finally {
            claims.recordValue(System.nanoTime() - started);
        }
    }

    @Override
    public ClaimedCharacter claim(final long characterId, final long accountId, final String nodeId) throws ClaimRefused {
        return store.claim(characterId, accountId, nodeId);
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
    public long abortTransfer(final long characterId, final long epoch, final UUID transferId, final String nodeId)
        throws SQLException {
        return store.abortTransfer(characterId, epoch, transferId, nodeId);
    }
}
