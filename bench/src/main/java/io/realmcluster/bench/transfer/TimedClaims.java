package io.realmcluster.bench.transfer;

import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.store.ClaimRefused;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.ForwardingCharacterStore;
import java.util.UUID;
import org.HdrHistogram.Recorder;

/**
 * The target's character store as its TransferService uses it, timing each transfer's claim: what
 * of an Offer's round trip is the database's, the rest being gRPC and the service itself.
 */
final class TimedClaims extends ForwardingCharacterStore {
    private final Recorder claims;

    TimedClaims(final CharacterStore store, final Recorder claims) {
        super(store);
        this.claims = claims;
    }

    @Override
    public ClaimedCharacter claimTransfer(
            final long characterId, final long epoch, final UUID transferId, final String nodeId) throws ClaimRefused {
        final long started = System.nanoTime();
        try {
            return store.claimTransfer(characterId, epoch, transferId, nodeId);
        } finally {
            claims.recordValue(System.nanoTime() - started);
        }
    }
}
