package io.realmcluster.tools.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {
    private final RestartBackoff backoff = RestartBackoff.LOCAL_CLUSTER.copy();

    @Test
    void delaysDoubleFromOneSecondUpToThirtyWhileTheChildKeepsDying() {
        long now = 1_000_000;
        final long[] delays = new long[8];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = backoff.onFailure(now, now + 500);
            now += 500 + delays[i];
        }

        assertThat(delays).containsExactly(1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000);
        assertThat(backoff.restarts()).isEqualTo(8);
        assertThat(backoff.streakStartMillis()).isEqualTo(1_000_500);
    }

    @Test
    void aRunOfSixtySecondsForgetsTheEarlierFailures() {
        backoff.onFailure(0, 1_000);
        backoff.onFailure(2_000, 3_000);
        assertThat(backoff.onFailure(5_000, 6_000)).isEqualTo(4_000);

        assertThat(backoff.onFailure(10_000, 70_000)).as("up exactly 60 s").isEqualTo(1_000);
        assertThat(backoff.restarts()).isEqualTo(1);
        assertThat(backoff.streakStartMillis()).isEqualTo(70_000);
    }

    @Test
    void aRunShorterThanSixtySecondsKeepsCounting() {
        backoff.onFailure(0, 1_000);
        assertThat(backoff.onFailure(2_000, 61_999)).isEqualTo(2_000);
    }

    @Test
    void manyFailuresStayAtTheCap() {
        for (int i = 0; i < 100; i++) {
            backoff.onFailure(i, i);
        }
        assertThat(backoff.onFailure(0, 0)).isEqualTo(30_000);
    }

    @Test
    void delaysOutOfOrderAreRefused() {
        assertThatThrownBy(() -> new RestartBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT5S");
    }
}
