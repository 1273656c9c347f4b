package io.realmcluster.dataplane.transfer;

/**
 * Where the home node tells the leader that a player's transfer into its battleground's match was called off
 * after the accept (refused, aborted, its target unreachable): the player never got in, and its seat is given
 * back. Called on the transfers' threads; returns at once, the call and its retries run elsewhere.
 */
@FunctionalInterface
public interface EntryCallOffs {
    /** Tells nobody: a node without a control plane to tell. */
    EntryCallOffs NONE = (realm, characterId, matchId, transferId, reason) -> {};

    /** Transfer {@code transferId} of {@code (realm, characterId)} into {@code matchId}'s instance was called off. */
    void calledOff(String realm, long characterId, String matchId, String transferId, String reason);
}
