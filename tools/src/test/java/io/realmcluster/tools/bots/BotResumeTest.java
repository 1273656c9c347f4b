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
}
