package io.realmcluster.controlplane.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Login's throttle on a clock the test moves: rates per address, doubling waits after failures, bounded state. */
class LoginThrottleTest {
    private final MovableClock clock = new MovableClock();
    private final LoginThrottle throttle = new LoginThrottle(new LoginLimits(5, 3, 1, 1), clock);

    @Test
    void anAddressGetsItsBurstThenWaitsWhileAnotherAddressGoesOn() throws Exception {
        final InetAddress flooder = InetAddress.getByName("10.0.0.1");
        int allowed = 0;
        for (int i = 0; i < 1_000; i++) {
            if (throttle.attempt(flooder, "account" + i).allowed()) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(10);
        final LoginThrottle.Verdict refused = throttle.attempt(flooder, "thrall");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.who()).isEqualTo("address");
        assertThat(refused.waitMillis()).isBetween(1L, 200L);
        assertThat(throttle.attempt(InetAddress.getByName("10.0.0.2"), "jaina").allowed())
                .isTrue();
        clock.advance(Duration.ofMillis(200));
        assertThat(throttle.attempt(flooder, "thrall").allowed()).isTrue();
    }

    @Test
    void failedLoginsMakeTheAccountWaitTwiceAsLongEachTimeUpToACap() throws Exception {
        final InetAddress[] guessers = new InetAddress[40];
        for (int i = 0; i < guessers.length; i++) {
            guessers[i] = InetAddress.getByName("10.1.0." + (i + 1));
        }
        long previousWait = 0;
        for (int failure = 1; failure <= 12; failure++) {
            final InetAddress from = guessers[failure];
            assertThat(throttle.attempt(from, "Medivh").allowed()).isTrue();
            throttle.failed(from, "medivh");
            final LoginThrottle.Verdict next = throttle.attempt(guessers[0], "MEDIVH");
            if (failure <= LoginThrottle.FREE_FAILURES_PER_ACCOUNT) {
                assertThat(next.allowed()).isTrue();
                continue;
            }
            assertThat(next.who()).isEqualTo("account");
            final long expected = Math.min(
                    LoginThrottle.MAX_WAIT_MILLIS,
                    LoginThrottle.FIRST_WAIT_MILLIS << (failure - LoginThrottle.FREE_FAILURES_PER_ACCOUNT - 1));
            assertThat(next.waitMillis()).isEqualTo(expected).isGreaterThanOrEqualTo(previousWait);
            previousWait = next.waitMillis();
            clock.advance(Duration.ofMillis(next.waitMillis()));
        }
        assertThat(previousWait).isEqualTo(LoginThrottle.MAX_WAIT_MILLIS);
        throttle.succeeded(guessers[0], "medivh");
        assertThat(throttle.attempt(guessers[0], "medivh").allowed()).isTrue();
    }

    @Test
    void anAddressThatKeepsFailingWaitsForEveryAccount() throws Exception {
        final InetAddress stuffer = InetAddress.getByName("10.2.0.1");
        for (int i = 0; i < LoginThrottle.FREE_FAILURES_PER_IP + 1; i++) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(throttle.attempt(stuffer, "victim" + i).allowed()).isTrue();
            throttle.failed(stuffer, "victim" + i);
        }
        final LoginThrottle.Verdict refused = throttle.attempt(stuffer, "someone-new");
        assertThat(refused.who()).isEqualTo("address");
        assertThat(refused.waitMillis()).isEqualTo(LoginThrottle.FIRST_WAIT_MILLIS);
    }

    @Test
    void registrationsPerAddressRefillOverAnHour() throws Exception {
        final InetAddress farm = InetAddress.getByName("10.3.0.1");
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.register(farm).allowed()).isTrue();
        }
        final LoginThrottle.Verdict refused = throttle.register(farm);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.waitMillis()).isEqualTo(1_200_000L);
        clock.advance(Duration.ofMinutes(20));
        assertThat(throttle.register(farm).allowed()).isTrue();
    }

    @Test
    void manyAddressesAndNamesDoNotGrowTheStateWithoutBound() throws Exception {
        for (int i = 0; i < LoginThrottle.MAX_ENTRIES + 20_000; i++) {
            final InetAddress address =
                    InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
            throttle.attempt(address, "name" + i);
            throttle.failed(address, "name" + i);
        }
        assertThat(throttle.entries()).isLessThanOrEqualTo(2L * LoginThrottle.MAX_ENTRIES);
        clock.advance(LoginThrottle.FORGET_AFTER.plusSeconds(1));
        assertThat(throttle.entries()).isZero();
    }

    @Test
    void anIpv6ClientCountsAsItsWholeSlash64() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(throttle.attempt(InetAddress.getByName("2001:db8::" + Integer.toHexString(i + 1)), "a")
                            .allowed())
                    .isTrue();
        }
        assertThat(throttle.attempt(InetAddress.getByName("2001:db8::ffff"), "a")
                        .allowed())
                .isFalse();
    }

    /** A clock the test moves by hand. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(final Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public long millis() {
            return now.toEpochMilli();
        }
    }
}
