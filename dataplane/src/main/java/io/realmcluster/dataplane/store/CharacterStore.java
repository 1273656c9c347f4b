package io.realmcluster.dataplane.store;

import java.sql.SQLException;
import java.util.List;

/**
 * Where a node's characters live between sessions. Every method blocks: call it from the node's
 * store threads, never from a tick or network thread.
 */
public interface CharacterStore {
    /**
     * Make this node the character's owner for a login: the epoch goes up by one (which fences any
     * node that had it), the state to ONLINE; returns the row as claimed.
     */
    ClaimedCharacter claim(long characterId, long accountId, String nodeId) throws ClaimRefused;

    /** Give back a claim nobody played (the client left before entering the world): OFFLINE, if still ours. */
    void release(long characterId, long epoch, String nodeId) throws SQLException;

    /**
     * Save each character in one transaction, fenced by its epoch and save sequence, with the ledger
     * entries of its loots. Returns, per save, true when it is durable (now, or by an earlier
     * attempt whose commit this node could not confirm) and false when another node owns the
     * character. Throws when the outcome is unknown; the caller retries the same saves.
     */
    boolean[] save(List<PendingSave> saves, String nodeId) throws SQLException;
}
