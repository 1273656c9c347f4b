package io.realmcluster.tools.bots;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The bots' way back after a crash as pure logic: the backoff's jitter and cap, and the report's line. */
class BotResumeTest {
    @Test
    void theFirstWaitIsSpreadOverItsWholeRangeAndLaterOnesDoubleUpToTheCap() {
        final SplittableRandom random = new SplittableRandom(22);
        final LongSummaryStatistics first = new LongSummaryStatistics();
        for (int i = 0; i < 10_000; i++) {
            first.accept(ReconnectBackoff.delayMillis(0, random));
        }
        assertThat(first.getMin()).isBetween(200L, 210L);
        assertThat(first.getMax()).isBetween(990L, 1_000L);
        // Full jitter: a herd of 10,000 spreads evenly, not around one instant.
        assertThat(first.getAverage()).isBetween(580.0, 620.0);

        assertThat(ReconnectBackoff.ceilingMillis(0)).isEqualTo(1_000);
        assertThat(ReconnectBackoff.ceilingMillis(1)).isEqualTo(2_000);
        assertThat(ReconnectBackoff.ceilingMillis(2)).isEqualTo(4_000);
        assertThat(ReconnectBackoff.ceilingMillis(3)).isEqualTo(5_000);
        assertThat(ReconnectBackoff.ceilingMillis(1_000)).isEqualTo(5_000);
        for (int attempt = 0; attempt < 40; attempt++) {
            for (int i = 0; i < 1_000; i++) {
                assertThat(ReconnectBackoff.delayMillis(attempt, random))
                        .isBetween(ReconnectBackoff.FLOOR_MILLIS, ReconnectBackoff.ceilingMillis(attempt));
            }
        }
    }

    @Test
    void theReportCountsReturnsAfterACrashApartFromUnexpectedDisconnects() {
        final Histogram breakToWorld = new Histogram(3);
        for (long millis = 1_000; millis <= 4_000; millis += 10) {
            breakToWorld.recordValue(millis * 1_000);
        }
        final BotReport.Reconnects reconnects = BotReport.Reconnects.of(breakToWorld);
        assertThat(reconnects.count()).isEqualTo(301);
        assertThat(reconnects.line())
                .isEqualTo("bots: reconnected after a crash: 301 (break to back in the world p50 2,501 ms, "
                        + "p99 3,971 ms, max 4,002 ms)");
        assertThat(BotReport.Reconnects.of(new Histogram(3)).line()).isNull();
        assertThat(BotReport.Reconnects.of(new Histogram(3))).isEqualTo(BotReport.Reconnects.NONE);

        final BotReport report = BotLogicTest.report(2, Map.of(), Map.of(), reconnects);
        assertThat(report.ok()).isTrue();
        assertThat(report.summaryLines()).contains(reconnects.line());
        assertThat(report.toJson())
                .contains("\"reconnected_after_crash\":301", "\"reconnect_p99_micros\":" + reconnects.p99Micros());
    }

    @Test
    void aReturnIsTimedStepByStepFromTheAnsweredCallNotTheFirst() {
        final BotResumeSteps steps = new BotResumeSteps();
        final BotResumeSteps.Histograms into = new BotResumeSteps.Histograms();
        final long ms = 1_000_000;
        steps.reset();
        steps.called(300 * ms); // refused: the map did not run yet
        steps.called(900 * ms);
        steps.answered(1_400 * ms);
        steps.welcomed(1_700 * ms);
        steps.welcomed(1_800 * ms); // only the first WELCOME counts
        steps.back(100 * ms, 1_750 * ms, into);
        assertThat(into.waits.getMaxValue()).isBetween(799_000L, 801_000L);
        assertThat(into.resume.getMaxValue()).isBetween(499_000L, 501_000L);
        assertThat(into.welcome.getMaxValue()).isBetween(299_000L, 301_000L);
        assertThat(into.enter.getMaxValue()).isBetween(49_000L, 51_000L);

        // A return whose WELCOME was never seen (it could not be timed) records nothing.
        steps.called(2_000 * ms);
        steps.answered(2_100 * ms);
        steps.back(1_900 * ms, 2_300 * ms, into);
        assertThat(into.waits.getTotalCount()).isEqualTo(1);

        final Histogram breakToWorld = new Histogram(3);
        breakToWorld.recordValue(1_650_000);
        final String line = BotReport.Reconnects.of(breakToWorld, into.waits, into.resume, into.welcome, into.enter)
                .line();
        assertThat(line)
                .startsWith("bots: reconnected after a crash: 1 (break to back in the world p50 ")
                .contains("step by step (p50 / p99): waits and failed tries 800 ms / 800 ms, Resume 500 ms / 500 ms, "
                        + "to WELCOME (connect, TLS, claim) 300 ms / 300 ms, to the world 50 ms / 50 ms");
    }
}
