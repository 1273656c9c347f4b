package io.realmcluster.controlplane.battleground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.QueuedPlayer;
import io.realmcluster.proto.v1.SeatState;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The disconnect grace's decisions: back into the match, home, home with Deserter; a seat past the grace. */
class DisconnectGraceTest {
    private static final long T = 1_800_000_000_000L;
    private static final DisconnectGrace GRACE = new DisconnectGrace(Duration.ofSeconds(300));

    private static MatchSeat seat(final SeatState state, final long disconnectedAt, final boolean deserted) {
        return MatchSeat.newBuilder()
                .setPlayer(QueuedPlayer.newBuilder()
                        .setRealm("main")
                        .setCharacterId(7)
                        .setName("Thrall"))
                .setTeam(Faction.FACTION_HORDE)
                .setState(state)
                .setDisconnectedAtUnixMs(disconnectedAt)
                .setDeserted(deserted)
                .build();
    }

    private static Optional<BattlegroundMatch> match(final MatchState state, final MatchSeat seat) {
        return Optional.of(BattlegroundMatch.newBuilder()
                .setMatchId("m")
                .setState(state)
                .addSeats(seat)
                .build());
    }

    @Test
    void loginWithinTheGraceGoesBackIntoTheRunningMatch() {
        final MatchSeat away = seat(SeatState.SEAT_STATE_ENTERED, T, false);
        assertThat(GRACE.atLogin(match(MatchState.MATCH_STATE_RUNNING, away), "main", 7, T + 299_999))
                .isEqualTo(new DisconnectGrace.AtLogin.Rejoin(away));
        // The node has not reported the disconnect yet: still its seat.
        final MatchSeat notYet = seat(SeatState.SEAT_STATE_ENTERED, 0, false);
        assertThat(GRACE.atLogin(match(MatchState.MATCH_STATE_RUNNING, notYet), "main", 7, T))
                .isInstanceOf(DisconnectGrace.AtLogin.Rejoin.class);
    }

    @Test
    void loginPastTheGraceOrIntoAnEndedMatchGoesHome() {
        final MatchSeat away = seat(SeatState.SEAT_STATE_ENTERED, T, false);
        assertThat(GRACE.atLogin(match(MatchState.MATCH_STATE_RUNNING, away), "main", 7, T + 300_000))
                .isEqualTo(new DisconnectGrace.AtLogin.Home(0));
        assertThat(GRACE.atLogin(match(MatchState.MATCH_STATE_ENDED, away), "main", 7, T + 1))
                .isEqualTo(new DisconnectGrace.AtLogin.Home(0));
        assertThat(GRACE.atLogin(Optional.empty(), "main", 7, T)).isEqualTo(new DisconnectGrace.AtLogin.Home(0));
        assertThat(GRACE.atLogin(match(MatchState.MATCH_STATE_RUNNING, away), "second", 7, T))
                .as("another realm's character 7")
                .isEqualTo(new DisconnectGrace.AtLogin.Home(0));
    }

    @Test
    void aDesertedSeatGivesDeserterFromTheDisconnectPlusGracePlusFifteenMinutes() {
        final MatchSeat deserted = seat(SeatState.SEAT_STATE_LEFT, T, true);
        final long until = T + 300_000 + 15 * 60_000;
        assertThat(GRACE.atLogin(match(MatchState.MATCH_STATE_RUNNING, deserted), "main", 7, T + 400_000))
                .isEqualTo(new DisconnectGrace.AtLogin.Home(until));
        // The match ended since: the seat deserted before it did, Deserter stays.
        assertThat(GRACE.atLogin(match(MatchState.MATCH_STATE_ENDED, deserted), "main", 7, T + 400_000))
                .isEqualTo(new DisconnectGrace.AtLogin.Home(until));
    }

    @Test
    void aSeatIsPastTheGraceOnlyWhenEnteredAndDisconnectedThatLong() {
        assertThat(GRACE.pastGrace(seat(SeatState.SEAT_STATE_ENTERED, T, false), T + 299_999))
                .isFalse();
        assertThat(GRACE.pastGrace(seat(SeatState.SEAT_STATE_ENTERED, T, false), T + 300_000))
                .isTrue();
        assertThat(GRACE.pastGrace(seat(SeatState.SEAT_STATE_ENTERED, 0, false), T + 10_000_000))
                .isFalse();
        assertThat(GRACE.pastGrace(seat(SeatState.SEAT_STATE_LEFT, T, false), T + 10_000_000))
                .isFalse();
    }

    @Test
    void anAbandonedSeatDesertsOnlyAnUndecidedGame() {
        final MatchSeat away = seat(SeatState.SEAT_STATE_ENTERED, T, false);
        final BattlegroundMatch running =
                match(MatchState.MATCH_STATE_RUNNING, away).orElseThrow();
        assertThat(DisconnectGrace.abandoned(running, away))
                .isEqualTo(away.toBuilder()
                        .setState(SeatState.SEAT_STATE_LEFT)
                        .setDeserted(true)
                        .build());
        final BattlegroundMatch won =
                running.toBuilder().setWinner(Faction.FACTION_ALLIANCE).build();
        assertThat(DisconnectGrace.abandoned(won, away).getDeserted()).isFalse();
        assertThat(DisconnectGrace.abandoned(
                                won.toBuilder().clearWinner().setDraw(true).build(), away)
                        .getDeserted())
                .isFalse();
    }

    @Test
    void reportsSetTheFirstDisconnectTimeAndClearItOnReturn() {
        final MatchSeat in = seat(SeatState.SEAT_STATE_ENTERED, 0, false);
        final MatchSeat away = DisconnectGrace.reported(in, true, T);
        assertThat(away.getDisconnectedAtUnixMs()).isEqualTo(T);
        assertThat(DisconnectGrace.reported(away, true, T + 5).getDisconnectedAtUnixMs())
                .isEqualTo(T);
        assertThat(DisconnectGrace.reported(away, false, 0))
                .as("a back that does not say when clears unordered")
                .isEqualTo(in);
        assertThatThrownBy(() -> new DisconnectGrace(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLateAwayReportOfADisconnectBeforeTheReturnDesertsNobody() {
        final MatchSeat in = seat(SeatState.SEAT_STATE_ENTERED, 0, false);
        // Away at T, back at T + 10 s; the away report was retried and lands after the back report.
        final MatchSeat back = DisconnectGrace.reported(in, false, T + 10_000);
        final MatchSeat late = DisconnectGrace.reported(back, true, T);

        assertThat(late.getDisconnectedAtUnixMs())
                .as("the stale away changed nothing")
                .isZero();
        assertThat(GRACE.pastGrace(late, T + 3_600_000)).isFalse();
        assertThat(GRACE.atLogin(match(MatchState.MATCH_STATE_RUNNING, late), "main", 7, T + 3_600_000))
                .isInstanceOf(DisconnectGrace.AtLogin.Rejoin.class);
        assertThat(DisconnectGrace.reported(back, true, T + 10_000).getDisconnectedAtUnixMs())
                .as("an away at the very time of the back is of the session before it")
                .isZero();
    }

    @Test
    void aDisconnectAfterTheReturnCountsAndALateBackFromBeforeItDoesNotClearIt() {
        final MatchSeat back = DisconnectGrace.reported(seat(SeatState.SEAT_STATE_ENTERED, 0, false), false, T);
        final MatchSeat awayAgain = DisconnectGrace.reported(back, true, T + 60_000);
        assertThat(awayAgain.getDisconnectedAtUnixMs()).isEqualTo(T + 60_000);

        // A back report of T + 30 s (before the new disconnect) arriving late: the player is away all the same.
        assertThat(DisconnectGrace.reported(awayAgain, false, T + 30_000)).isEqualTo(awayAgain);
        assertThat(GRACE.pastGrace(awayAgain, T + 60_000 + 300_000)).isTrue();
        // Back again later: cleared, and the back time kept.
        final MatchSeat backAgain = DisconnectGrace.reported(awayAgain, false, T + 90_000);
        assertThat(backAgain.getDisconnectedAtUnixMs()).isZero();
        assertThat(backAgain.getBackAtUnixMs()).isEqualTo(T + 90_000);
    }
}
