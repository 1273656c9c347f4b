package io.realmcluster.dataplane.store;

import java.util.UUID;

/** A login's claim of a character did not happen; {@link #reason} says why, the message says it to people. */
public final class ClaimRefused extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a claim was refused. */
    public enum Reason {
        /** No such character on this account. */
        UNKNOWN_CHARACTER,
        /** The character is frozen between two nodes; the transfer or the sweeper settles it shortly. */
        IN_TRANSFER,
        /** The transfer was aborted, swept, or claimed by another node: there is nothing to claim under it. */
        TRANSFER_GONE,
        /** The character's epoch moved since its login token was issued (another login or node took it). */
        STALE_LOGIN,
        /** The database did not answer in time, or failed. */
        DATABASE
    }

    private final Reason reason;

    public ClaimRefused(final Reason reason, final String message, final Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The refusal of a transfer's claim when there is nothing left to claim under it. */
    public static ClaimRefused transferGone(final long characterId, final long epoch, final UUID transferId) {
        return new ClaimRefused(
                Reason.TRANSFER_GONE,
                "transfer " + transferId + " of character " + characterId + " at epoch " + epoch
                        + " can no longer be claimed (aborted, swept, or claimed elsewhere)",
                null);
    }

    /** The refusal of a login whose token was issued at {@code tokenEpoch} while the character is at {@code epoch} now. */
    public static ClaimRefused staleLogin(final long characterId, final long tokenEpoch, final long epoch) {
        return new ClaimRefused(
                Reason.STALE_LOGIN,
                "character " + characterId + " changed hands since this login (epoch " + epoch + ", the token's "
                        + tokenEpoch + "); log in again",
                null);
    }

    public Reason reason() {
        return reason;
    }
}
