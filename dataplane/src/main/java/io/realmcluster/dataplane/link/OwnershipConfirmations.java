package io.realmcluster.dataplane.link;

/**
 * Hears the control plane's word that this node still runs its maps, for maps that stood still (see
 * {@code MapAgent}): times are {@link System#nanoTime()}.
 */
public interface OwnershipConfirmations {
    OwnershipConfirmations NONE = new OwnershipConfirmations() {
        @Override
        public void bySet(final long linkOpenedNanos) {}

        @Override
        public void byRenewal(final long linkOpenedNanos, final long sentNanos) {}
    };

    /** A link whose Hello went out at {@code linkOpenedNanos} pushed a set, now applied: what runs is this node's. */
    void bySet(long linkOpenedNanos);

    /** The lease of the link opened at {@code linkOpenedNanos} was renewed by a heartbeat sent at {@code sentNanos}. */
    void byRenewal(long linkOpenedNanos, long sentNanos);
}
