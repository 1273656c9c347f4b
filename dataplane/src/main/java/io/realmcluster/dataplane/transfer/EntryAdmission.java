package io.realmcluster.dataplane.transfer;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Whether a player offered into a battleground's instance may enter: the leader's word that its seat
 * in the match the instance is bound to is accepted (or entered, for a retried offer). Called on the
 * transfer-in threads; blocks for one call with a deadline.
 */
@FunctionalInterface
public interface EntryAdmission {
    /** Admits nobody: a node without a control plane to ask. */
    EntryAdmission NONE = (realm, characterId, matchId, instanceId) -> {
        throw Status.FAILED_PRECONDITION
                .withDescription("this node admits nobody into battlegrounds")
                .asRuntimeException();
    };

    /**
     * The side (a Faction number: 1 Alliance, 2 Horde) of the admitted seat.
     *
     * @throws StatusRuntimeException FAILED_PRECONDITION "not invited to this match"; UNAVAILABLE or
     *     DEADLINE_EXCEEDED when the leader cannot answer now
     */
    int admit(String realm, long characterId, String matchId, String instanceId);

    /** {@link #admit}, offered by transfer {@code transferId}: the entered seat keeps it (a call-off of another leaves it). */
    default int admit(
            final String realm,
            final long characterId,
            final String matchId,
            final String instanceId,
            final String transferId) {
        return admit(realm, characterId, matchId, instanceId);
    }
}
