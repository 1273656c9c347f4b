package io.realmcluster.controlplane.placement;

import java.time.Duration;

/**
 * What reconciling one instance did: whether it wrote to etcd, and when it wants another look
 * even if nothing changes meanwhile (null: at the next pass or watch event, as usual).
 */
public record Reconciled(boolean written, Duration retryAfter) {
    private static final Reconciled DONE = new Reconciled(false, null);
    private static final Reconciled WROTE = new Reconciled(true, null);

    /** Nothing to write: the instance is as it should be, or a condition shows it changed meanwhile. */
    public static Reconciled done() {
        return DONE;
    }

    /** A write landed; the watch event it causes brings the next look. */
    public static Reconciled wrote() {
        return WROTE;
    }

    /** Nothing to write before {@code delay} has passed (a timer runs on the instance). */
    public static Reconciled retryAfter(final Duration delay) {
        return new Reconciled(false, delay);
    }
}
