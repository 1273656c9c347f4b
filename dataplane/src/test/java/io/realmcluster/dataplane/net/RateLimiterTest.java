package io.realmcluster.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

/** The token bucket driven by a clock the test advances: no real time passes. */
class RateLimiterTest {
    private final CachedNanoClock clock = new CachedNanoClock();

    @Test
    void aNewBucketLetsItsBurstThroughAtOnceThenRefuses() {
        final RateLimiter limiter = new RateLimiter(100, 200, clock);
        assertThat(acquired(limiter, 1_000)).isEqualTo(200);
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void tokensComeBackAtTheRate() {
        final RateLimiter limiter = new RateLimiter(100, 200, clock);
        acquired(limiter, 200);
        clock.advance(TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(acquired(limiter, 1_000)).isEqualTo(1);
        clock.advance(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(acquired(limiter, 1_000)).isEqualTo(50);
    }

    @Test
    void partOfATokenIsKeptUntilItIsWhole() {
        final RateLimiter limiter = new RateLimiter(100, 200, clock);
        acquired(limiter, 200);
        for (int i = 0; i < 3; i++) {
            clock.advance(TimeUnit.MILLISECONDS.toNanos(3));
            assertThat(limiter.tryAcquire()).isFalse();
        }
        clock.advance(TimeUnit.MILLISECONDS.toNanos(3));
        assertThat(limiter.tryAcquire()).isTrue();
    }

    @Test
    void aQuietSpellRefillsNoMoreThanTheBurst() {
        final RateLimiter limiter = new RateLimiter(100, 200, clock);
        acquired(limiter, 200);
        clock.advance(TimeUnit.SECONDS.toNanos(3));
        assertThat(acquired(limiter, 1_000)).isEqualTo(200);
    }

    @Test
    void aDayIdleIsOneBurstAndTheRateHoldsAfterIt() {
        final RateLimiter limiter = new RateLimiter(100, 200, clock);
        clock.advance(TimeUnit.DAYS.toNanos(1));
        assertThat(acquired(limiter, 1_000)).isEqualTo(200);
        int taken = 0;
        for (int ms = 0; ms < 1_000; ms += 10) {
            clock.advance(TimeUnit.MILLISECONDS.toNanos(10));
            taken += acquired(limiter, 10);
        }
        assertThat(taken).isEqualTo(100);
    }

    @Test
    void aRateOrBurstThatCannotLetAnythingThroughIsRefused() {
        assertThatThrownBy(() -> new RateLimiter(0, 200, clock)).hasMessageContaining("0.0/s");
        assertThatThrownBy(() -> new RateLimiter(100, 0.5, clock)).hasMessageContaining("0.5");
    }

    private static int acquired(final RateLimiter limiter, final int attempts) {
        int taken = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquire()) {
                taken++;
            }
        }
        return taken;
    }
}
