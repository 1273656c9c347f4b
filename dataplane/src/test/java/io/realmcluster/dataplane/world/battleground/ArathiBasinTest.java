package io.realmcluster.dataplane.world.battleground;

import static io.realmcluster.dataplane.world.battleground.BattlegroundView.BASE_CONTESTED;
import static io.realmcluster.dataplane.world.battleground.BattlegroundView.BASE_CONTROLLED;
import static io.realmcluster.dataplane.world.battleground.BattlegroundView.BASE_NEUTRAL;
import static io.realmcluster.dataplane.world.battleground.Team.ALLIANCE;
import static io.realmcluster.dataplane.world.battleground.Team.HORDE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Arathi Basin's bases: assault, contest, capture, recapture, resources and the 2,000 win. */
class ArathiBasinTest {
    private static final long PREPARATION = 1_000;
    private static final long CONTEST = 60_000;
    private static final int STABLES = 0;
    private static final int BLACKSMITH = 1;
    /** Alliance players 0 and 2, Horde players 1 and 3. */
    private static final int A0 = 0;

    private static final int H1 = 1;

    private final Recorded recorded = new Recorded();
    private final Battleground match = new Battleground(
            BattlegroundSettings.forMap(BattlegroundSettings.ARATHI_BASIN, PREPARATION)
                    .withMinimumPerSide(1),
            30,
            recorded);
    private long now;

    @BeforeEach
    void playersAtTheirStartsAndTheGatesOpen() {
        for (int player = 0; player < 4; player++) {
            final int team = player % 2 == 0 ? ALLIANCE : HORDE;
            final float[] start = BattlegroundMaps.start(BattlegroundSettings.ARATHI_BASIN, team);
            match.join(player, team, start[0], start[1]);
        }
        match.advance(now);
        advanceBy(PREPARATION);
        assertThat(match.phase()).isEqualTo(Phase.RUNNING);
        assertThat(match.objectives()).isEqualTo(5);
    }

    @Test
    void standingAtABaseAssaultsItAndAfterTheContestItIsTheSides() {
        assertThat(match.objectiveState(STABLES)).isEqualTo(BASE_NEUTRAL);
        at(A0, STABLES);
        assertThat(match.objectiveState(STABLES)).isEqualTo(BASE_CONTESTED);
        assertThat(match.objectiveChallenger(STABLES)).isEqualTo(ALLIANCE);
        assertThat(match.objectiveTeam(STABLES)).isEqualTo(Team.NONE);
        advanceBy(CONTEST / 2);
        at(A0, STABLES);
        assertThat(match.objectiveMillisLeft(STABLES))
                .as("standing on at one's own assault does not start it again")
                .isEqualTo(CONTEST / 2);
        advanceBy(CONTEST / 2 - 1);
        assertThat(match.objectiveState(STABLES)).isEqualTo(BASE_CONTESTED);
        advanceBy(1);
        assertThat(match.objectiveState(STABLES)).isEqualTo(BASE_CONTROLLED);
        assertThat(match.objectiveTeam(STABLES)).isEqualTo(ALLIANCE);
        assertThat(match.objectiveChallenger(STABLES)).isEqualTo(Team.NONE);
        at(A0, STABLES);
        assertThat(match.objectiveState(STABLES))
                .as("one's own base is not assaulted")
                .isEqualTo(BASE_CONTROLLED);
    }

    @Test
    void anEnemyAssaultContestsTheBaseAgainAndTakesItAfterItsOwnContest() {
        capture(A0, STABLES);
        at(H1, STABLES);
        assertThat(match.objectiveState(STABLES)).isEqualTo(BASE_CONTESTED);
        assertThat(match.objectiveChallenger(STABLES)).isEqualTo(HORDE);
        assertThat(match.objectiveTeam(STABLES))
                .as("still the Alliance's until taken")
                .isEqualTo(ALLIANCE);
        advanceBy(CONTEST);
        assertThat(match.objectiveTeam(STABLES)).isEqualTo(HORDE);

        // Taken back: the Alliance assaults, the Horde re-contests in time, and keeps it.
        at(A0, STABLES);
        advanceBy(CONTEST - 1);
        at(H1, STABLES);
        assertThat(match.objectiveChallenger(STABLES)).isEqualTo(HORDE);
        advanceBy(CONTEST - 1);
        assertThat(match.objectiveState(STABLES)).isEqualTo(BASE_CONTESTED);
        advanceBy(1);
        assertThat(match.objectiveTeam(STABLES)).isEqualTo(HORDE);
        assertThat(recorded.events)
                .containsSubsequence(
                        "taken Stables by Alliance",
                        "assaulted Stables by Horde",
                        "taken Stables by Horde",
                        "assaulted Stables by Alliance",
                        "assaulted Stables by Horde",
                        "taken Stables by Horde");
    }

    @Test
    void resourcesComeEveryTwoSecondsByTheBasesHeldAndAContestedBaseGivesNone() {
        final long opened = now;
        capture(A0, STABLES);
        // The minute of the contest paid nothing: no base was held.
        assertThat(match.score(ALLIANCE)).isZero();
        final long sinceTick = (now - opened) % ArathiBasin.RESOURCE_TICK_MILLIS;
        advanceBy(ArathiBasin.RESOURCE_TICK_MILLIS - sinceTick);
        assertThat(match.score(ALLIANCE)).isEqualTo(2);
        assertThat(match.score(HORDE)).isZero();

        capture(A0, BLACKSMITH);
        final long before = match.score(ALLIANCE);
        advanceBy(ArathiBasin.RESOURCE_TICK_MILLIS);
        assertThat(match.score(ALLIANCE) - before).as("two bases").isEqualTo(3);

        at(H1, STABLES);
        final long contested = match.score(ALLIANCE);
        advanceBy(ArathiBasin.RESOURCE_TICK_MILLIS);
        assertThat(match.score(ALLIANCE) - contested)
                .as("one base left that counts")
                .isEqualTo(2);
    }

    @Test
    void theFirstSideTo2000ResourcesWins() {
        for (int base = 0; base < 5; base++) {
            at(A0, base);
        }
        advanceBy(CONTEST);
        final long start = match.score(ALLIANCE);
        assertThat(start).isLessThan(BattlegroundSettings.RESOURCES_TO_WIN);
        final long ticksLeft = (BattlegroundSettings.RESOURCES_TO_WIN - start + 59) / 60;
        for (long tick = 1; tick < ticksLeft; tick++) {
            advanceBy(ArathiBasin.RESOURCE_TICK_MILLIS);
        }
        assertThat(match.phase()).isEqualTo(Phase.RUNNING);
        assertThat(match.score(ALLIANCE)).isLessThan(BattlegroundSettings.RESOURCES_TO_WIN);
        advanceBy(ArathiBasin.RESOURCE_TICK_MILLIS);
        assertThat(match.phase()).isEqualTo(Phase.ENDED);
        assertThat(match.winner()).isEqualTo(ALLIANCE);
        assertThat(match.score(ALLIANCE)).isEqualTo(BattlegroundSettings.RESOURCES_TO_WIN);
        for (int tick = 0; tick < 10; tick++) {
            advanceBy(ArathiBasin.RESOURCE_TICK_MILLIS);
        }
        assertThat(match.score(ALLIANCE))
                .as("no resources after the end")
                .isEqualTo(BattlegroundSettings.RESOURCES_TO_WIN);
    }

    @Test
    void aShortenedMatchIsWonAtTheSettingsResources() {
        final Battleground quick = new Battleground(
                BattlegroundSettings.forMap(BattlegroundSettings.ARATHI_BASIN, 0)
                        .withMinimumPerSide(0)
                        .withContestMillis(0)
                        .withScoreToEnd(new ScoresToEnd(3, 10, 600)),
                2,
                BattlegroundEvents.NONE);
        quick.join(0, HORDE, 0f, 0f);
        quick.advance(0);
        final float[] farm = BattlegroundMaps.base(2);
        quick.position(0, farm[0], farm[1]);
        quick.advance(1);
        // One base: 2 resources a tick, so the fifth tick reaches 10.
        for (int tick = 1; tick < 5; tick++) {
            quick.advance(tick * ArathiBasin.RESOURCE_TICK_MILLIS);
        }
        assertThat(quick.score(HORDE)).isEqualTo(8);
        assertThat(quick.phase()).isEqualTo(Phase.RUNNING);
        quick.advance(5 * ArathiBasin.RESOURCE_TICK_MILLIS);
        assertThat(quick.score(HORDE)).isEqualTo(10);
        assertThat(quick.phase()).isEqualTo(Phase.ENDED);
        assertThat(quick.winner()).isEqualTo(HORDE);
    }

    @Test
    void aShorterContestFromTheSettings() {
        final Battleground quick = new Battleground(
                BattlegroundSettings.forMap(BattlegroundSettings.ARATHI_BASIN, 0)
                        .withMinimumPerSide(0)
                        .withContestMillis(500),
                2,
                BattlegroundEvents.NONE);
        quick.join(0, HORDE, 0f, 0f);
        quick.advance(0);
        final float[] farm = BattlegroundMaps.base(2);
        quick.position(0, farm[0], farm[1]);
        quick.advance(500);
        assertThat(quick.objectiveTeam(2)).isEqualTo(HORDE);
    }

    private void capture(final int player, final int base) {
        at(player, base);
        advanceBy(CONTEST);
        assertThat(match.objectiveState(base)).isEqualTo(BASE_CONTROLLED);
    }

    private void advanceBy(final long millis) {
        now += millis;
        match.advance(now);
    }

    private void at(final int player, final int base) {
        final float[] where = BattlegroundMaps.base(base);
        match.position(player, where[0] + 3f, where[1] - 3f);
    }
}
