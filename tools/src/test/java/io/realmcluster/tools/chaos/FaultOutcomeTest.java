package io.realmcluster.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class FaultOutcomeTest {
    private static final InetSocketAddress DEAD = new InetSocketAddress("127.0.0.1", 8085);
    private static final InetSocketAddress ALIVE = new InetSocketAddress("127.0.0.1", 8086);

    @Test
    void theFaultedNodesPlayersBreakAndComeBackAndAnyOtherBreakIsADisconnect() {
        final List<ChaosEvents.Break> breaks = List.of(
                new ChaosEvents.Break(1, "a", DEAD, 0, 100f, 100f, "connection_lost"),
                new ChaosEvents.Break(2, "b", DEAD, 0, 10f, 10f, "connection_lost"),
                new ChaosEvents.Break(2, "b", DEAD, -1, Float.NaN, Float.NaN, "flood"),
                new ChaosEvents.Break(3, "c", ALIVE, 0, 0f, 0f, "map_closed"),
                new ChaosEvents.Break(4, "c", ALIVE, 0, 0f, 0f, "connection_lost"));
        final List<ChaosEvents.Back> backs = List.of(
                new ChaosEvents.Back(5, "a", 1_500_000, 0, 103f, 104f),
                new ChaosEvents.Back(6, "c", 900_000, 0, 0f, 0f));
        final FaultOutcome.Window window = FaultOutcome.Window.of(breaks, backs, DEAD, 6f);
        assertThat(window.othersDisconnected()).as("c, once, though told twice").isEqualTo(1);
        assertThat(window.examples())
                .singleElement()
                .asString()
                .contains("c on")
                .contains("map_closed");
        assertThat(window.faultedBroke()).isEqualTo(2);
        assertThat(window.faultedBack()).as("b is not back").isEqualTo(1);
        assertThat(window.notBackExamples())
                .as("b, with every reason it was given")
                .containsExactly("b (connection_lost, then flood)");
        assertThat(window.backMillis().getMaxValue()).isEqualTo(1_500);
        assertThat(window.movementLostSeconds())
                .as("5 yards at 6 yards a second")
                .isCloseTo(5 / 6.0, within());

        final FaultOutcome outcome = outcome(window, true, 0);
        assertThat(outcome.breaches())
                .hasSize(2)
                .anyMatch(b -> b.startsWith("1 players disconnected"))
                .anyMatch(b -> b.startsWith("1 of the faulted node's 2 players not back")
                        && b.endsWith("e.g. b (connection_lost, then flood)"));
        assertThat(outcome.row()).contains("node-kill").endsWith("BREACH");
    }

    @Test
    void aFaultThatTookNoNodeAllowsNoBreakAndEveryCheckCounts() {
        final FaultOutcome.Window quiet = FaultOutcome.Window.of(List.of(), List.of(), null, 6f);
        assertThat(outcome(quiet, true, 0).breaches()).isEmpty();
        assertThat(outcome(quiet, true, 0).row())
                .as("saves a second before, and not measured during")
                .endsWith(" 812       - ok");
        assertThat(outcome(quiet, false, 0).breaches())
                .singleElement()
                .asString()
                .startsWith("realmctl check");
        assertThat(outcome(quiet, true, 40).breaches())
                .singleElement()
                .asString()
                .startsWith("40 copper");
        final FaultOutcome.Window moved = FaultOutcome.Window.of(
                List.of(new ChaosEvents.Break(1, "a", DEAD, 0, 0f, 0f, "connection_lost")),
                List.of(new ChaosEvents.Back(2, "a", 1_000, 0, 12f, 0f)),
                DEAD,
                6f);
        assertThat(outcome(moved, true, 0).breaches())
                .singleElement()
                .asString()
                .contains("2.00 s of movement");
        final FaultOutcome.Window elsewhere = FaultOutcome.Window.of(
                List.of(new ChaosEvents.Break(1, "a", DEAD, 36, 0f, 0f, "connection_lost")),
                List.of(new ChaosEvents.Back(2, "a", 1_000, 0, 500f, 0f)),
                DEAD,
                6f);
        assertThat(elsewhere.movementLostSeconds())
                .as("back on another map (its dungeon closed with its node): no distance to compare")
                .isZero();
        assertThat(FaultOutcome.skipped(3, Fault.NODE_PARTITION, "not root").row())
                .contains("skipped: not root");
    }

    private static FaultOutcome outcome(final FaultOutcome.Window window, final boolean checkOk, final long loot) {
        return new FaultOutcome(
                1,
                Fault.NODE_KILL,
                "node-1",
                null,
                3.5,
                true,
                window.othersDisconnected(),
                window.examples(),
                window.faultedBroke(),
                window.faultedBack(),
                window.notBackExamples(),
                window.backMillis().getTotalCount() == 0 ? new Histogram(3) : window.backMillis(),
                window.movementLostSeconds(),
                checkOk,
                checkOk ? "" : "money_explained_by_ledger: 1 character",
                loot,
                812.4,
                Double.NaN);
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-6);
    }
}
