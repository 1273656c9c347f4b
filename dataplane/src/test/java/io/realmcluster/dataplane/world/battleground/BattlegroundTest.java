package io.realmcluster.dataplane.world.battleground;

import static io.realmcluster.dataplane.world.battleground.Team.ALLIANCE;
import static io.realmcluster.dataplane.world.battleground.Team.HORDE;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** What every battleground shares: the minimum a side must keep, the end and its wait, Alterac Valley's reinforcements. */
class BattlegroundTest {
    private static final long MINUTE = 60_000;

    private final Recorded recorded = new Recorded();
    private long now;

    @Test
    void aSideUnderItsMinimumForFiveMinutesLosesAndNotBefore() {
        final Battleground match = wsg(2);
        join(match, 0, 2, ALLIANCE);
        join(match, 10, 1, HORDE);
        match.advance(now);
        advanceBy(match, 5 * MINUTE - 1);
        assertThat(match.phase()).isEqualTo(Phase.RUNNING);
        assertThat(match.millisUnderMinimum(HORDE)).isEqualTo(5 * MINUTE - 1);
        assertThat(match.millisUnderMinimum(ALLIANCE)).isZero();
        advanceBy(match, 1);
        assertThat(match.phase()).isEqualTo(Phase.ENDED);
        assertThat(match.winner()).isEqualTo(ALLIANCE);
    }

    @Test
    void theTimeUnderTheMinimumStartsAgainWhenPlayersReturn() {
        final Battleground match = wsg(2);
        join(match, 0, 2, ALLIANCE);
        join(match, 10, 2, HORDE);
        match.advance(now);
        match.leave(11);
        advanceBy(match, 4 * MINUTE);
        assertThat(match.millisUnderMinimum(HORDE)).isEqualTo(4 * MINUTE);
        match.join(12, HORDE, 0f, 0f);
        advanceBy(match, 1);
        assertThat(match.millisUnderMinimum(HORDE)).isZero();
        match.leave(12);
        advanceBy(match, 5 * MINUTE - 1);
        assertThat(match.phase())
                .as("five minutes counted from the second time")
                .isEqualTo(Phase.RUNNING);
        advanceBy(match, 1);
        assertThat(match.winner()).isEqualTo(ALLIANCE);
    }

    @Test
    void bothSidesGoneIsADraw() {
        final Battleground match = wsg(1);
        join(match, 0, 1, ALLIANCE);
        join(match, 10, 1, HORDE);
        match.advance(now);
        advanceBy(match, MINUTE);
        match.leave(0);
        match.leave(10);
        advanceBy(match, 5 * MINUTE);
        assertThat(match.phase()).isEqualTo(Phase.ENDED);
        assertThat(match.winner()).isEqualTo(Team.DRAW);
        assertThat(match.present(ALLIANCE)).isZero();
    }

    @Test
    void theEndLeaves120SecondsThenEveryoneGoesHome() {
        final Battleground match = wsg(1);
        join(match, 0, 1, ALLIANCE);
        join(match, 10, 1, HORDE);
        match.advance(now);
        advanceBy(match, 2 * MINUTE);
        final float[] hordeFlag = BattlegroundMaps.flag(HORDE);
        final float[] allianceFlag = BattlegroundMaps.flag(ALLIANCE);
        for (int capture = 0; capture < 3; capture++) {
            match.position(0, hordeFlag[0], hordeFlag[1]);
            match.position(0, allianceFlag[0], allianceFlag[1]);
        }
        assertThat(match.phase()).isEqualTo(Phase.ENDED);
        assertThat(match.millisLeft()).isEqualTo(120_000);
        advanceBy(match, 119_999);
        assertThat(match.phase()).isEqualTo(Phase.ENDED);
        assertThat(match.millisLeft()).isEqualTo(1);
        advanceBy(match, 1);
        assertThat(match.phase()).isEqualTo(Phase.GO_HOME);
        advanceBy(match, 10 * MINUTE);
        assertThat(recorded.events)
                .filteredOn(e -> !e.contains(" by "))
                .containsExactly("RUNNING", "ENDED Alliance", "GO_HOME");
    }

    @Test
    void eachDeathInAlteracValleyCostsItsSideAReinforcementAndNoneLeftLoses() {
        final Battleground match = new Battleground(
                BattlegroundSettings.forMap(BattlegroundSettings.ALTERAC_VALLEY, MINUTE)
                        .withMinimumPerSide(1),
                80,
                recorded);
        join(match, 0, 40, ALLIANCE);
        join(match, 40, 40, HORDE);
        match.advance(now);
        assertThat(match.score(ALLIANCE)).isEqualTo(600);
        assertThat(match.objectives()).isZero();
        match.died(3);
        assertThat(match.score(ALLIANCE))
                .as("deaths before the gates open cost nothing")
                .isEqualTo(600);
        advanceBy(match, MINUTE);
        match.died(41);
        assertThat(match.score(HORDE)).isEqualTo(599);
        for (int death = 0; death < 599; death++) {
            assertThat(match.phase()).isEqualTo(Phase.RUNNING);
            match.died(death % 40);
        }
        assertThat(match.score(ALLIANCE)).isEqualTo(1);
        match.died(7);
        assertThat(match.score(ALLIANCE)).isZero();
        assertThat(match.phase()).isEqualTo(Phase.ENDED);
        assertThat(match.winner()).isEqualTo(HORDE);
    }

    @Test
    void aShortenedAlteracValleyEndsWhenTheSettingsReinforcementsAreGone() {
        final Battleground match = new Battleground(
                BattlegroundSettings.forMap(BattlegroundSettings.ALTERAC_VALLEY, 0)
                        .withMinimumPerSide(1)
                        .withScoreToEnd(new ScoresToEnd(3, 2_000, 3)),
                80,
                recorded);
        join(match, 0, 2, ALLIANCE);
        join(match, 40, 2, HORDE);
        match.advance(now);
        assertThat(match.score(ALLIANCE)).isEqualTo(3);
        assertThat(match.score(HORDE)).isEqualTo(3);
        match.died(40);
        match.died(41);
        assertThat(match.phase()).isEqualTo(Phase.RUNNING);
        match.died(40);
        assertThat(match.phase()).isEqualTo(Phase.ENDED);
        assertThat(match.winner()).isEqualTo(ALLIANCE);
    }

    @Test
    void scoresToEndMustBePositive() {
        final BattlegroundSettings av = BattlegroundSettings.forMap(BattlegroundSettings.ALTERAC_VALLEY);
        assertThat(av.resourcesToWin()).isEqualTo(2_000);
        assertThat(av.reinforcements()).isEqualTo(600);
        assertThat(av.capturesToWin()).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScoresToEnd(3, 0, 600))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive, got 3, 0 and 600");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScoresToEnd(3, 2_000, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScoresToEnd(0, 2_000, 600))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
    }

    @Test
    void badJoinsChangeNothing() {
        final Battleground match = wsg(1);
        assertThat(match.join(-1, ALLIANCE, 0f, 0f)).isFalse();
        assertThat(match.join(20, ALLIANCE, 0f, 0f)).isFalse();
        assertThat(match.join(0, Team.DRAW, 0f, 0f)).isFalse();
        assertThat(match.join(0, HORDE, 0f, 0f)).isTrue();
        assertThat(match.join(0, ALLIANCE, 0f, 0f)).isFalse();
        assertThat(match.present(HORDE)).isEqualTo(1);
        assertThat(match.present(ALLIANCE)).isZero();
        assertThat(match.team(0)).isEqualTo(HORDE);
    }

    @Test
    void aMatchAllocatesNothingInSteadyState() {
        final Battleground match = new Battleground(
                BattlegroundSettings.forMap(BattlegroundSettings.ARATHI_BASIN, 0)
                        .withMinimumPerSide(1)
                        .withContestMillis(1_000),
                80,
                BattlegroundEvents.NONE);
        join(match, 0, 40, ALLIANCE);
        join(match, 40, 40, HORDE);
        final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        play(match, 2_000);
        long fewest = Long.MAX_VALUE;
        for (int window = 0; window < 5 && fewest >= 1_024; window++) {
            final long before = threads.getCurrentThreadAllocatedBytes();
            play(match, 2_000);
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertThat(match.phase()).isEqualTo(Phase.RUNNING);
        assertThat(fewest)
                .as("bytes allocated by 2,000 ticks of 80 players assaulting bases, fewest of up to 5 windows")
                .isLessThan(1_024);
    }

    /** Both sides run from base to base; ticks of 50 ms, never enough to end the match (scores are reset). */
    private void play(final Battleground match, final int ticks) {
        for (int i = 0; i < ticks; i++) {
            now += 50;
            match.advance(now);
            for (int player = 0; player < 80; player++) {
                final float[] base = BattlegroundMaps.AB_BASES[(player + i / 40) % 5];
                match.position(player, base[0], base[1]);
            }
            match.addScore(ALLIANCE, -match.score(ALLIANCE));
            match.addScore(HORDE, -match.score(HORDE));
        }
    }

    private Battleground wsg(final int minimum) {
        return new Battleground(
                BattlegroundSettings.forMap(BattlegroundSettings.WARSONG_GULCH, 2 * MINUTE)
                        .withMinimumPerSide(minimum),
                20,
                recorded);
    }

    private static void join(final Battleground match, final int first, final int count, final int team) {
        final float[] start = BattlegroundMaps.start(match.mapId(), team);
        for (int player = first; player < first + count; player++) {
            assertThat(match.join(player, team, start[0], start[1])).isTrue();
        }
    }

    private void advanceBy(final Battleground match, final long millis) {
        now += millis;
        match.advance(now);
    }
}
