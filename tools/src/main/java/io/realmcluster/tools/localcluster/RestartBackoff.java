package io.realmcluster.tools.localcluster;

import java.time.Duration;

/**
 * When to start a child again after it died, as systemd's {@code Restart=on-failure} with a growing
 * {@code RestartSec} would: the first delay, doubled at each failure up to a cap, and forgotten once
 * the child has stayed up long enough. Pure: the caller gives the clock's readings.
 */
final class RestartBackoff {
    /** The launcher's policy: 1 s doubling to 30 s, reset after 60 s up. */
    static final RestartBackoff LOCAL_CLUSTER =
            new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60));

    private final long firstMillis;
    private final long capMillis;
    private final long stableMillis;

    private int restarts;
    private long streakStartMillis = -1;

    RestartBackoff(final Duration first, final Duration cap, final Duration stable) {
        if (first.isNegative() || first.isZero() || cap.compareTo(first) < 0 || stable.isNegative()) {
            throw new IllegalArgumentException(
                    "restart delays need 0 < first <= cap and stable >= 0, got " + first + ", " + cap + ", " + stable);
        }
        this.firstMillis = first.toMillis();
        this.capMillis = cap.toMillis();
        this.stableMillis = stable.toMillis();
    }

    /** A fresh policy with the same delays, for another child. */
    RestartBackoff copy() {
        return new RestartBackoff(
                Duration.ofMillis(firstMillis), Duration.ofMillis(capMillis), Duration.ofMillis(stableMillis));
    }

    /**
     * A child that had run since {@code upSinceMillis} died at {@code nowMillis}: the delay before its
     * restart. A run as long as the stable time starts the count again.
     */
    long onFailure(final long upSinceMillis, final long nowMillis) {
        if (nowMillis - upSinceMillis >= stableMillis) {
            restarts = 0;
        }
        if (restarts == 0) {
            streakStartMillis = nowMillis;
        }
        final long delay = restarts >= 31 ? capMillis : Math.min(capMillis, firstMillis << restarts);
        restarts++;
        return delay;
    }

    /** The restarts counted since {@link #streakStartMillis()}, this one included. */
    int restarts() {
        return restarts;
    }

    /** When the current run of failures began (the first since a stable run); -1 before any. */
    long streakStartMillis() {
        return streakStartMillis;
    }
}
