package io.realmcluster.dataplane.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Where a node's characters live between sessions. Every method blocks: call it from the node's
 * store threads, never from a tick or network thread. A character is named by its key
 * ({@link CharacterKey}: its realm's index in {@link #realms()} and its id), and each call goes to
 * that realm's database.
 */
public interface CharacterStore {
    /** The realms whose characters this store holds, and their indexes in character keys. */
    RealmTable realms();

    /** What {@link #claim(long, long, long, String)} takes for a claim whatever the character's epoch. */
    long ANY_EPOCH = -1;

    /**
     * Make this node the character's owner for a login: the epoch goes up by one (which fences any
     * node that had it), the state to ONLINE; returns the row as claimed. Fenced: only while the
     * character's epoch is still {@code expectedEpoch} (the one its login token was issued at; {@link
     * #ANY_EPOCH} for any), else refused as {@link ClaimRefused.Reason#STALE_LOGIN}.
     */
    ClaimedCharacter claim(long characterId, long accountId, long expectedEpoch, String nodeId) throws ClaimRefused;

    /** {@link #claim(long, long, long, String)} whatever the character's epoch (tools, tests, benchmarks). */
    default ClaimedCharacter claim(final long characterId, final long accountId, final String nodeId)
            throws ClaimRefused {
        return claim(characterId, accountId, ANY_EPOCH, nodeId);
    }

    /** Give back a claim nobody played (the client left before entering the world): OFFLINE, if still ours. */
    void release(long characterId, long epoch, String nodeId) throws SQLException;

    /**
     * Save each character (each at most once in {@code saves}) in one transaction, fenced by its
     * epoch and save sequence, with its items (only for a save that landed) and the ledger entries of its
     * item changes. Returns, per save, true when it is durable (now, or by an earlier
     * attempt whose commit this node could not confirm) and false when another node owns the
     * character. Throws when the outcome is unknown; the caller retries the same saves.
     */
    boolean[] save(List<PendingSave> saves, String nodeId) throws SQLException;

    /**
     * Save the two halves of a trade (two characters of one realm, each with a pending TRADE record naming
     * the other) in one transaction: both fenced saves with everything else each has pending, their items
     * (the traded ones change hands between them only) and one ledger entry each under {@code tradeId}.
     * Returns true when both are durable (now, or by an earlier attempt), false when either is owned by
     * another node: then neither landed. Throws when the outcome is unknown; the caller retries the same
     * trade with the same id.
     */
    default boolean saveTrade(
            final PendingSave first, final PendingSave second, final UUID tradeId, final String nodeId)
            throws SQLException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " saves no trades");
    }

    /**
     * {@code count} item ids never given before, from the item id sequence of the database of the realm at
     * {@code realmIndex} in {@link #realms()}; each is given once (an id never used is lost).
     */
    default long[] reserveItemIds(final int realmIndex, final int count) throws SQLException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " reserves no item ids");
    }

    /**
     * A transfer's commit point, on the target: claim the character the source froze at {@code epoch}
     * under {@code transferId} (its departure save: {@link #save} of a {@link PendingSave} with a
     * transfer id) for this node, at epoch + 1, ONLINE. A retry of a claim that landed returns the
     * same claim; a transfer that was aborted, swept or claimed by another node is refused.
     */
    ClaimedCharacter claimTransfer(long characterId, long epoch, UUID transferId, String nodeId) throws ClaimRefused;

    /**
     * {@link #claimTransfer} of a trip home from a battleground: the claim also writes {@code homecoming}
     * (honor, the mark and its ledger entry, Deserter, the battleground entry cleared) in its transaction, so
     * that it lands exactly once with the claim and not at all when the trip is called off. A store that keeps
     * no such columns claims only.
     */
    default ClaimedCharacter claimTransfer(
            final long characterId,
            final long epoch,
            final UUID transferId,
            final String nodeId,
            final Homecoming homecoming)
            throws ClaimRefused {
        return claimTransfer(characterId, epoch, transferId, nodeId);
    }

    /** One transfer to claim: the character, the epoch its source froze it at, the transfer's id. */
    record TransferClaim(long characterId, long epoch, UUID transferId) {}

    /**
     * {@link #claimTransfer} for several transfers at once (the players of a map that moves), in as
     * few database round trips as the store can: for each claim, in order, the claimed character, or
     * null when that transfer can no longer be claimed. Each claim is its own compare-and-set.
     *
     * @throws ClaimRefused (reason DATABASE) when the database fails; some claims may have landed, and a
     *                      retry of each returns its claim
     */
    default List<ClaimedCharacter> claimTransfers(final List<TransferClaim> claims, final String nodeId)
            throws ClaimRefused {
        final List<ClaimedCharacter> claimed = new ArrayList<>(claims.size());
        for (final TransferClaim claim : claims) {
            try {
                claimed.add(claimTransfer(claim.characterId(), claim.epoch(), claim.transferId(), nodeId));
            } catch (final ClaimRefused e) {
                if (e.reason() == ClaimRefused.Reason.DATABASE) {
                    throw e;
                }
                claimed.add(null);
            }
        }
        return claimed;
    }

    /**
     * Undo a freeze that no target claimed: ONLINE on this node again at epoch + 1 (the same
     * compare-and-set as the claim, so exactly one of the two wins). Returns the new epoch, or -1
     * when the transfer was claimed or swept meanwhile.
     */
    long abortTransfer(long characterId, long epoch, UUID transferId, String nodeId) throws SQLException;

    /** Whether characters can move between nodes through this store (a node without a database keeps its own). */
    default boolean transfers() {
        return true;
    }
}
