package io.realmcluster.dataplane.store;

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
        /** The database did not answer in time, or failed. */
        DATABASE
    }

    private final Reason reason;

    public ClaimRefused(final Reason reason, final String message, final Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
