package io.realmcluster.tools.bots;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The steps of a bot's entry into a battleground, timed, and their summary line. */
class BotEntryPhasesTest {
    private static long ms(final long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void aCompleteEntryRecordsEachStepBetweenItsFrames() {
        final BotEntryPhases entry = new BotEntryPhases();
        final BotEntryPhases.Histograms steps = new BotEntryPhases.Histograms();

        entry.accepted(ms(1_000));
        entry.answered(ms(1_040));
        entry.redirected(ms(1_940));
        entry.connected(ms(1_960));
        entry.entered(ms(2_010), steps);

        assertThat(steps.answer.getTotalCount()).isEqualTo(1);
        assertThat(steps.answer.getMaxValue()).isBetween(39_900L, 40_100L);
        assertThat(steps.transfer.getMaxValue()).isBetween(899_000L, 901_000L);
        assertThat(steps.connect.getMaxValue()).isBetween(19_900L, 20_100L);
        assertThat(steps.enter.getMaxValue()).isBetween(49_900L, 50_100L);
    }

    @Test
    void anEntryWithAStepNotSeenRecordsNothingAndTheNextAcceptStartsAfresh() {
        final BotEntryPhases entry = new BotEntryPhases();
        final BotEntryPhases.Histograms steps = new BotEntryPhases.Histograms();

        // A REDIRECT without an INVITE_ACCEPTED before it (a portal, a map's move) is no entry's.
        entry.redirected(ms(500));
        entry.accepted(ms(1_000));
        entry.redirected(ms(1_100));
        entry.connected(ms(1_200));
        entry.entered(ms(1_300), steps);
        assertThat(steps.answer.getTotalCount()).isZero();

        entry.accepted(ms(5_000));
        entry.answered(ms(5_010));
        entry.redirected(ms(5_020));
        entry.connected(ms(5_030));
        entry.entered(ms(5_040), steps);
        assertThat(steps.answer.getTotalCount()).isEqualTo(1);
        assertThat(steps.transfer.getMaxValue()).isBetween(9_900L, 10_100L);
    }

    @Test
    void theSummaryNamesEachStepWithItsPercentiles() {
        assertThat(BotReport.EntryPhases.NONE.line()).isNull();
        assertThat(new BotReport.EntryPhases(20, 40_000, 90_000, 300_000, 1_500_000, 2_000, 8_000, 60_000, 250_000)
                        .line())
                .isEqualTo("bots: battleground entries step by step (p50 / p99 of 20): accept to INVITE_ACCEPTED "
                        + "40 ms / 90 ms, to REDIRECT 300 ms / 1,500 ms, to connected 2.0 ms / 8.0 ms, "
                        + "to the battleground's world 60 ms / 250 ms");
    }
}
