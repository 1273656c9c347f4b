package io.realmcluster.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Saves a second across nodes: a node restarted counts from zero, a node that did not answer counts nothing. */
class SaveRateTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void savesASecondAcrossNodes() {
        final SaveRate.Reading from = SaveRate.of(10 * SECOND, Map.of("node-1", 1_000.0, "node-2", 500.0));
        final SaveRate.Reading to = SaveRate.of(12 * SECOND, Map.of("node-1", 1_400.0, "node-2", 700.0));
        assertThat(SaveRate.perSecond(from, to)).isCloseTo(300.0, within(1e-9));
    }

    @Test
    void aRestartedNodeCountsFromZeroAndANodeThatDidNotAnswerAtTheStartCountsWhatItHasNow() {
        final SaveRate.Reading from = SaveRate.of(0, Map.of("node-1", 1_000.0));
        final SaveRate.Reading to = SaveRate.of(4 * SECOND, Map.of("node-1", 200.0, "node-2", 200.0));
        assertThat(SaveRate.perSecond(from, to)).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void aMissingReadingOrNoTimeIsNotAMeasurement() {
        final SaveRate.Reading reading = SaveRate.of(SECOND, Map.of("node-1", 1.0));
        assertThat(SaveRate.perSecond(null, reading)).isNaN();
        assertThat(SaveRate.perSecond(reading, null)).isNaN();
        assertThat(SaveRate.perSecond(reading, reading)).isNaN();
    }
}
