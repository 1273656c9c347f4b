package io.realmcluster.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the leader's adoption grace starts and ends, driven by a test clock (milliseconds passed in). */
class AdoptionGraceTest {
    private static final Duration GRACE = Duration.ofSeconds(7);

    private final AdoptionGrace grace = new AdoptionGrace(GRACE);

    @Test
    void gainingLeadershipStartsAGraceOfOneLeaseAndABeat() {
        grace.passBegins(1_000);
        assertThat(grace.adoption(1_000)).isEqualTo(Adoption.NONE);

        grace.elected(2_000);

        assertThat(grace.adoption(2_000).untilMillis()).isEqualTo(9_000);
        assertThat(grace.adoption(8_999).running(8_999)).isTrue();
        assertThat(grace.adoption(9_000)).as("over at its end").isEqualTo(Adoption.NONE);
    }

    @Test
    void passesOnScheduleStartNoGraceButALatePassDoes() {
        for (long now = 0; now <= 10_000; now += 1_000) {
            grace.passBegins(now);
            assertThat(grace.adoption(now)).isEqualTo(Adoption.NONE);
        }
        grace.passBegins(13_500);
        assertThat(grace.adoption(13_500))
                .as("3.5 s after the previous pass: max(3 s, grace/2) exceeded")
                .isEqualTo(Adoption.NONE);

        grace.passBegins(43_500);

        assertThat(grace.adoption(43_500).untilMillis())
                .as("30 s since the previous pass: this process was paused")
                .isEqualTo(50_500);
    }

    @Test
    void theSweeperHoldsBackDuringAGraceAndWhilePassesStandStill() {
        grace.passBegins(0);
        assertThat(grace.holdsBack(1_000)).isFalse();
        assertThat(grace.holdsBack(30_000))
                .as("no pass for 30 s: this process was paused")
                .isTrue();

        grace.passBegins(30_000);
        assertThat(grace.adoption(30_000).running(30_000)).isTrue();
        assertThat(grace.holdsBack(36_999)).isTrue();
        grace.passBegins(33_000);
        grace.passBegins(36_000);
        assertThat(grace.holdsBack(37_000)).as("the grace over, passes on time").isFalse();
    }

    @Test
    void etcdBackAfterFailedPassesStartsAGraceEvenAfterOne() {
        // etcd killed and restarted on its data is back within two seconds: one failed pass, and node links
        // that broke meanwhile need the grace as much as after a long outage.
        grace.etcdAnswered(500);
        assertThat(grace.adoption(500)).as("no failed pass before").isEqualTo(Adoption.NONE);
        grace.etcdFailed();
        grace.etcdAnswered(1_000);
        assertThat(grace.adoption(1_000).untilMillis()).isEqualTo(8_000);
        assertThat(grace.adoption(8_000)).isEqualTo(Adoption.NONE);

        grace.etcdFailed();
        grace.etcdFailed();
        grace.etcdFailed();
        grace.etcdAnswered(5_000);

        assertThat(grace.adoption(5_000).untilMillis()).isEqualTo(12_000);
        grace.etcdAnswered(6_000);
        assertThat(grace.adoption(6_000).untilMillis())
                .as("one grace per outage")
                .isEqualTo(12_000);
    }

    @Test
    void losingLeadershipEndsTheGraceAndAZeroGraceNeverStarts() {
        grace.elected(0);
        grace.deposed();
        assertThat(grace.adoption(1)).isEqualTo(Adoption.NONE);

        final AdoptionGrace none = new AdoptionGrace(Duration.ZERO);
        none.elected(0);
        none.passBegins(0);
        none.passBegins(60_000);
        assertThat(none.adoption(60_000)).isEqualTo(Adoption.NONE);
    }
}
