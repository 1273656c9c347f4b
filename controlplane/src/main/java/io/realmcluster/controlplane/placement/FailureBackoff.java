package io.realmcluster.controlplane.placement;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Exponential backoff per key after failures (controller-runtime's per-item rate limiter): each
 * failure of a streak doubles the wait up to a cap, and a success ends the streak. Single-threaded.
 */
final class FailureBackoff {
    private final InstantSource clock;
    private final Duration base;
    private final Duration cap;
    private final Map<String, Streak> streaks = new HashMap<>();

    private record Streak(int failures, long retryAtMillis) {}

    FailureBackoff(final InstantSource clock, final Duration base, final Duration cap) {
        this.clock = clock;
        this.base = base;
        this.cap = cap;
    }

    /** Whether {@code key} waits out a failure now, and is to be left alone. */
    boolean backingOff(final String key) {
        final Streak streak = streaks.get(key);
        return streak != null && clock.millis() < streak.retryAtMillis();
    }

    /** Record a failure of {@code key}; returns the streak so far, 1 for the first failure of a streak. */
    int failed(final String key) {
        final Streak before = streaks.get(key);
        final int failures = before == null ? 1 : before.failures() + 1;
        streaks.put(key, new Streak(failures, clock.millis() + delay(failures).toMillis()));
        return failures;
    }

    /** Record a success of {@code key}; returns the failures of the streak it ends, 0 when there was none. */
    int succeeded(final String key) {
        final Streak ended = streaks.remove(key);
        return ended == null ? 0 : ended.failures();
    }

    /** The wait after the {@code failures}-th failure in a row: base, doubled each time, capped. */
    Duration delay(final int failures) {
        final int doublings = Math.min(failures - 1, 30);
        final long millis = base.toMillis() << doublings;
        return millis <= 0 || millis > cap.toMillis() ? cap : Duration.ofMillis(millis);
    }

    /** Time until the first key waiting out a failure may be tried again; null when none waits. */
    Duration nextRetry() {
        long earliest = Long.MAX_VALUE;
        for (final Streak streak : streaks.values()) {
            earliest = Math.min(earliest, streak.retryAtMillis());
        }
        return earliest == Long.MAX_VALUE ? null : Duration.ofMillis(Math.max(0, earliest - clock.millis()));
    }

    /** Forget the streaks of keys other than {@code keys} (gone, or with nothing left to do). */
    void retainOnly(final Collection<String> keys) {
        streaks.keySet().retainAll(keys);
    }

    void clear() {
        streaks.clear();
    }
}
