package io.realmcluster.dataplane.world.battleground;

import static io.realmcluster.dataplane.world.battleground.BattlegroundView.FLAG_AT_BASE;
import static io.realmcluster.dataplane.world.battleground.BattlegroundView.FLAG_CARRIED;
import static io.realmcluster.dataplane.world.battleground.BattlegroundView.FLAG_DROPPED;
import static io.realmcluster.dataplane.world.battleground.Team.ALLIANCE;
import static io.realmcluster.dataplane.world.battleground.Team.HORDE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Warsong Gulch's capture the flag: taking, capturing, dropping, returning, winning. */
class WarsongGulchTest {
    private static final long PREPARATION = 1_000;
    /** Alliance players 0 and 2, Horde players 1 and 3. */
    private static final int A0 = 0;

    private static final int H1 = 1;
    private static final int A2 = 2;
    private static final int H3 = 3;
    private static final float[] ALLIANCE_FLAG = BattlegroundMaps.flag(ALLIANCE);
    private static final float[] HORDE_FLAG = BattlegroundMaps.flag(HORDE);

    private final Recorded recorded = new Recorded();
    private final Battleground match = new Battleground(
            BattlegroundSettings.forMap(BattlegroundSettings.WARSONG_GULCH, PREPARATION)
                    .withMinimumPerSide(1),
            20,
            recorded);
    private long now;

    @BeforeEach
    void fourPlayersAtTheirStarts() {
        for (int player = 0; player < 4; player++) {
            final int team = player % 2 == 0 ? ALLIANCE : HORDE;
            final float[] start = BattlegroundMaps.start(BattlegroundSettings.WARSONG_GULCH, team);
            assertThat(match.join(player, team, start[0], start[1])).isTrue();
        }
        match.advance(now);
    }

    @Test
    void theGatesKeepTheFlagsAtHomeDuringThePreparation() {
        at(A0, HORDE_FLAG);
        assertThat(match.phase()).isEqualTo(Phase.PREPARATION);
        assertThat(match.millisLeft()).isEqualTo(PREPARATION);
        assertThat(match.objectiveState(HORDE)).isEqualTo(FLAG_AT_BASE);
        advanceBy(PREPARATION - 1);
        assertThat(match.phase()).isEqualTo(Phase.PREPARATION);
        assertThat(match.millisLeft()).isEqualTo(1);
        advanceBy(1);
        assertThat(match.phase()).isEqualTo(Phase.RUNNING);
        at(A0, HORDE_FLAG);
        assertThat(match.objectiveState(HORDE)).isEqualTo(FLAG_CARRIED);
        assertThat(match.objectiveCarrier(HORDE)).isEqualTo(A0);
    }

    @Test
    void touchingTheEnemyFlagAtItsBaseTakesItAndItFollowsItsCarrier() {
        open();
        at(A0, ALLIANCE_FLAG);
        assertThat(match.objectiveState(ALLIANCE))
                .as("one's own flag is not taken")
                .isEqualTo(FLAG_AT_BASE);
        at(A0, 920f, 1434f);
        assertThat(match.objectiveState(HORDE)).isEqualTo(FLAG_CARRIED);
        at(H3, HORDE_FLAG);
        assertThat(match.objectiveCarrier(HORDE))
                .as("a flag carried is not taken again")
                .isEqualTo(A0);
        at(A0, 1200f, 1450f);
        assertThat(match.objectiveX(HORDE)).isEqualTo(1200f);
        assertThat(match.objectiveY(HORDE)).isEqualTo(1450f);
        assertThat(recorded.events).containsExactly("RUNNING", "taken Horde by 0");
    }

    @Test
    void aCaptureNeedsTheCarriersOwnFlagAtHome() {
        open();
        at(A0, HORDE_FLAG);
        at(H1, ALLIANCE_FLAG);
        at(A0, ALLIANCE_FLAG);
        assertThat(match.score(ALLIANCE))
                .as("the Horde holds the Alliance's flag")
                .isZero();
        assertThat(match.objectiveCarrier(HORDE)).isEqualTo(A0);

        at(H1, 1300f, 1460f);
        match.died(H1);
        assertThat(match.objectiveState(ALLIANCE)).isEqualTo(FLAG_DROPPED);
        at(A2, 1301f, 1461f);
        assertThat(match.objectiveState(ALLIANCE))
                .as("returned home by its own side's touch")
                .isEqualTo(FLAG_AT_BASE);
        assertThat(match.objectiveX(ALLIANCE)).isEqualTo(ALLIANCE_FLAG[0]);

        at(A0, ALLIANCE_FLAG);
        assertThat(match.score(ALLIANCE)).isEqualTo(1);
        assertThat(match.objectiveState(HORDE)).isEqualTo(FLAG_AT_BASE);
        assertThat(match.objectiveX(HORDE)).isEqualTo(HORDE_FLAG[0]);
        assertThat(recorded.events)
                .containsExactly(
                        "RUNNING",
                        "taken Horde by 0",
                        "taken Alliance by 1",
                        "dropped Alliance by 1",
                        "returned Alliance by 2",
                        "captured Horde by 0");
    }

    @Test
    void aCarrierWhoDiesDropsTheFlagWhereHeDiedForATeammateToTakeUp() {
        open();
        at(A0, HORDE_FLAG);
        at(A0, 1100f, 1440f);
        match.died(A0);
        assertThat(match.objectiveState(HORDE)).isEqualTo(FLAG_DROPPED);
        assertThat(match.objectiveCarrier(HORDE)).isEqualTo(Team.NONE);
        assertThat(match.objectiveX(HORDE)).isEqualTo(1100f);
        assertThat(match.objectiveMillisLeft(HORDE)).isEqualTo(10_000);
        at(A0, 1100f, 1440f);
        assertThat(match.objectiveState(HORDE))
                .as("not by the one who dropped it")
                .isEqualTo(FLAG_DROPPED);
        at(A2, 1102f, 1441f);
        assertThat(match.objectiveState(HORDE)).isEqualTo(FLAG_CARRIED);
        assertThat(match.objectiveCarrier(HORDE)).isEqualTo(A2);
    }

    @Test
    void anEnemyOfTheCarrierTouchingADroppedFlagReturnsItHome() {
        open();
        at(A0, HORDE_FLAG);
        at(A0, 1100f, 1440f);
        match.died(A0);
        at(H3, 1099f, 1439f);
        assertThat(match.objectiveState(HORDE)).isEqualTo(FLAG_AT_BASE);
        assertThat(match.objectiveX(HORDE)).isEqualTo(HORDE_FLAG[0]);
        assertThat(match.objectiveY(HORDE)).isEqualTo(HORDE_FLAG[1]);
    }

    @Test
    void aDroppedFlagReturnsByItselfAfterTenSeconds() {
        open();
        at(A0, HORDE_FLAG);
        at(A0, 1100f, 1440f);
        match.died(A0);
        advanceBy(9_999);
        assertThat(match.objectiveState(HORDE)).isEqualTo(FLAG_DROPPED);
        assertThat(match.objectiveMillisLeft(HORDE)).isEqualTo(1);
        advanceBy(1);
        assertThat(match.objectiveState(HORDE)).isEqualTo(FLAG_AT_BASE);
        assertThat(match.objectiveMillisLeft(HORDE)).isZero();
        assertThat(recorded.events).endsWith("returned Horde by -1");
    }

    @Test
    void aCarrierWhoLeavesDropsTheFlagWhereHeLastStood() {
        open();
        at(H1, ALLIANCE_FLAG);
        at(H1, 1400f, 1470f);
        match.leave(H1);
        assertThat(match.objectiveState(ALLIANCE)).isEqualTo(FLAG_DROPPED);
        assertThat(match.objectiveX(ALLIANCE)).isEqualTo(1400f);
        assertThat(match.present(HORDE)).isEqualTo(1);
    }

    @Test
    void threeCapturesWinAndTheMatchThenStandsStill() {
        open();
        for (int capture = 1; capture <= 3; capture++) {
            at(H1, ALLIANCE_FLAG);
            at(H1, HORDE_FLAG);
            assertThat(match.score(HORDE)).isEqualTo(capture);
        }
        assertThat(match.phase()).isEqualTo(Phase.ENDED);
        assertThat(match.winner()).isEqualTo(HORDE);
        at(A0, HORDE_FLAG);
        assertThat(match.objectiveState(HORDE))
                .as("nothing counts once it ended")
                .isEqualTo(FLAG_AT_BASE);
        assertThat(recorded.events).endsWith("captured Alliance by 1", "ENDED Horde");
    }

    @Test
    void aShortenedMatchIsWonAtItsSettingsCaptures() {
        final Recorded events = new Recorded();
        final Battleground shortened = new Battleground(
                BattlegroundSettings.forMap(BattlegroundSettings.WARSONG_GULCH, 0)
                        .withMinimumPerSide(1)
                        .withScoreToEnd(new ScoresToEnd(1, 2_000, 600)),
                20,
                events);
        for (int player = 0; player < 2; player++) {
            final int team = player == 0 ? ALLIANCE : HORDE;
            final float[] start = BattlegroundMaps.start(BattlegroundSettings.WARSONG_GULCH, team);
            assertThat(shortened.join(player, team, start[0], start[1])).isTrue();
        }
        shortened.advance(1);
        assertThat(shortened.phase()).isEqualTo(Phase.RUNNING);
        shortened.position(H1, ALLIANCE_FLAG[0], ALLIANCE_FLAG[1]);
        shortened.position(H1, HORDE_FLAG[0], HORDE_FLAG[1]);
        assertThat(shortened.phase()).isEqualTo(Phase.ENDED);
        assertThat(shortened.winner()).isEqualTo(HORDE);
    }

    private void open() {
        advanceBy(PREPARATION);
        assertThat(match.phase()).isEqualTo(Phase.RUNNING);
    }

    private void advanceBy(final long millis) {
        now += millis;
        match.advance(now);
    }

    private void at(final int player, final float[] where) {
        at(player, where[0], where[1]);
    }

    private void at(final int player, final float x, final float y) {
        match.position(player, x, y);
    }
}
