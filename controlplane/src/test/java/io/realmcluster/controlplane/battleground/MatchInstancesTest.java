package io.realmcluster.controlplane.battleground;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.controlplane.placement.EmptyVerdict;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.SeatState;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a battleground's match says about its empty instance. */
class MatchInstancesTest {
    private static BattlegroundMatch match(final MatchState state, final MatchSeat... seats) {
        final BattlegroundMatch.Builder match =
                BattlegroundMatch.newBuilder().setMatchId("m").setState(state);
        for (final MatchSeat seat : seats) {
            match.addSeats(seat);
        }
        return match.build();
    }

    private static MatchSeat seat(final SeatState state, final long disconnectedAt) {
        return MatchSeat.newBuilder()
                .setState(state)
                .setDisconnectedAtUnixMs(disconnectedAt)
                .build();
    }

    @Test
    void aSeatInsideItsDisconnectGraceOrAnInviteOutKeepsTheEmptyInstanceOpen() {
        assertThat(MatchInstances.verdict(Optional.of(match(
                        MatchState.MATCH_STATE_RUNNING,
                        seat(SeatState.SEAT_STATE_LEFT, 0),
                        seat(SeatState.SEAT_STATE_ENTERED, 1_000)))))
                .isEqualTo(EmptyVerdict.AWAITED);
        assertThat(MatchInstances.verdict(
                        Optional.of(match(MatchState.MATCH_STATE_RUNNING, seat(SeatState.SEAT_STATE_INVITED, 0)))))
                .isEqualTo(EmptyVerdict.AWAITED);
    }

    @Test
    void anEndedOrForgottenMatchClosesItAtOnceAndOtherwiseItsIdleTimeDecides() {
        assertThat(MatchInstances.verdict(Optional.empty())).isEqualTo(EmptyVerdict.OVER);
        assertThat(MatchInstances.verdict(
                        Optional.of(match(MatchState.MATCH_STATE_ENDED, seat(SeatState.SEAT_STATE_ENTERED, 1_000)))))
                .as("ended by its node's loss: nobody comes back into it")
                .isEqualTo(EmptyVerdict.OVER);
        assertThat(MatchInstances.verdict(Optional.of(match(
                        MatchState.MATCH_STATE_RUNNING,
                        seat(SeatState.SEAT_STATE_ENTERED, 0),
                        seat(SeatState.SEAT_STATE_LEFT, 0)))))
                .isEqualTo(EmptyVerdict.IDLE);
    }
}
