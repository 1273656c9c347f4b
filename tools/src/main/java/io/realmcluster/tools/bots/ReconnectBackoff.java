package io.realmcluster.tools.bots;

import java.util.random.RandomGenerator;

/**
 * How long a client waits before its next try to get back after its node connection broke: a random
 * wait (full jitter) between a floor and a ceiling that doubles at each try up to a cap, so that a dead
 * node's players spread out instead of arriving at the control plane as one herd.
 */
final class ReconnectBackoff {
    /** The shortest wait: the time a control plane needs anyway to notice a dead node is longer. */
    static final long FLOOR_MILLIS = 200;
    /** The first try's ceiling; each later try doubles it. */
    static final long FIRST_CEILING_MILLIS = 1_000;
    /** No wait is longer. */
    static final long CAP_MILLIS = 5_000;

    private ReconnectBackoff() {}

    /** The ceiling of try {@code attempt} (0: the first after the break). */
    static long ceilingMillis(final int attempt) {
        final int doublings = Math.min(Math.max(attempt, 0), 20);
        return Math.min(CAP_MILLIS, FIRST_CEILING_MILLIS << doublings);
    }

    /** A wait for try {@code attempt}, uniform in [{@link #FLOOR_MILLIS}, its ceiling]. */
    static long delayMillis(final int attempt, final RandomGenerator random) {
        final long ceiling = ceilingMillis(attempt);
        return FLOOR_MILLIS + (long) (random.nextDouble() * (ceiling - FLOOR_MILLIS + 1));
    }
}
