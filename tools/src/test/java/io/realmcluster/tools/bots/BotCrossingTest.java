package io.realmcluster.tools.bots;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Which redirects cross between cells of a split continent, and how the bots report them. */
class BotCrossingTest {
    @Test
    void aCrossingIsARedirectBetweenTwoCellsOfOneContinent() {
        assertThat(Bot.crossing("main.0.c0", "main.0.c1")).isTrue();
        assertThat(Bot.crossing("second.0.c1", "second.0.c0")).isTrue();
        assertThat(Bot.crossing("main.0.c0", "main.0.c0")).as("the same cell").isFalse();
        assertThat(Bot.crossing("main.0", "main.0.c1"))
                .as("from the whole continent (a split)")
                .isFalse();
        assertThat(Bot.crossing("main.0.c0", "main.1.c0"))
                .as("another continent")
                .isFalse();
        assertThat(Bot.crossing("main.36.0c0ffee", "main.36.c1"))
                .as("a dungeon's id")
                .isFalse();
        assertThat(Bot.crossing(null, "main.0.c1")).isFalse();
    }

    @Test
    void theReportSaysHowManyAndTheLongestGaps() {
        assertThat(BotReport.Crossings.of(new Histogram(3), 0).line()).isNull();
        final Histogram gaps = new Histogram(3);
        gaps.recordValue(40_000);
        gaps.recordValue(90_000);
        assertThat(BotReport.Crossings.of(gaps, 1).line())
                .startsWith("bots: crossings between cells: 2 (1 over the standby connection; gap in updates p50 40 ms,"
                        + " p99 90 ms, max 90 ms");
    }
}
