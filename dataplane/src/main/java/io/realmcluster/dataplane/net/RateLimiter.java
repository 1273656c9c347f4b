package io.realmcluster.dataplane.net;

import org.agrona.concurrent.NanoClock;

/**
 * A token bucket: {@code ratePerSecond} acquisitions on average, up to {@code burst} at once after a quiet
 * spell. Plain fields, no locks: one thread owns an instance (a session's event loop for its frames, the UDP
 * thread for its datagrams).
 */
final class RateLimiter {
    private final NanoClock clock;
    private final double ratePerSecond;
    private final double burst;
    private double tokens;
    private long refilledAtNanos;

    /** A full bucket: a new client may send its burst at once. */
    RateLimiter(final double ratePerSecond, final double burst, final NanoClock clock) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("a rate limiter needs a positive rate and a burst of at least 1, got "
                    + ratePerSecond + "/s and " + burst);
        }
        this.clock = clock;
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAtNanos = clock.nanoTime();
    }

    /** Take one token if there is one: true when the caller may go on. Allocates nothing. */
    boolean tryAcquire() {
        final long now = clock.nanoTime();
        tokens = Math.min(burst, tokens + (now - refilledAtNanos) * ratePerSecond / 1e9);
        refilledAtNanos = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
