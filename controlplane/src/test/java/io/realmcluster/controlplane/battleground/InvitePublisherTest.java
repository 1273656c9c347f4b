package io.realmcluster.controlplane.battleground;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.proto.v1.BattlegroundInvites;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.QueuedPlayer;
import io.realmcluster.proto.v1.SeatState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each node hears of the matches: the seats of its own players, once invited. */
class InvitePublisherTest {
    private static MatchSeat seat(final long id, final String node, final SeatState state) {
        return MatchSeat.newBuilder()
                .setPlayer(QueuedPlayer.newBuilder().setRealm("main").setCharacterId(id))
                .setNodeId(node)
                .setState(state)
                .build();
    }

    @Test
    void aNodeHearsOfTheInvitedSeatsOfItsPlayersOnly() {
        final BattlegroundMatch m1 = BattlegroundMatch.newBuilder()
                .setMatchId("m1")
                .addSeats(seat(1, "n1", SeatState.SEAT_STATE_INVITED))
                .addSeats(seat(2, "n2", SeatState.SEAT_STATE_INVITED))
                .addSeats(seat(3, "n1", SeatState.SEAT_STATE_EXPIRED))
                .build();
        final BattlegroundMatch m2 = BattlegroundMatch.newBuilder()
                .setMatchId("m2")
                .addSeats(seat(4, "n1", SeatState.SEAT_STATE_PROPOSED))
                .addSeats(seat(5, "n2", SeatState.SEAT_STATE_ACCEPTED))
                .build();

        final BattlegroundInvites n1 = InvitePublisher.of(List.of(m1, m2), "n1");
        assertThat(n1.getMatchesList()).singleElement().satisfies(m -> {
            assertThat(m.getMatchId()).isEqualTo("m1");
            assertThat(m.getSeatsList())
                    .extracting(s -> s.getPlayer().getCharacterId())
                    .containsExactly(1L, 3L);
        });
        assertThat(InvitePublisher.of(List.of(m1, m2), "n2").getMatchesList())
                .extracting(BattlegroundMatch::getMatchId)
                .containsExactly("m1", "m2");
        assertThat(InvitePublisher.of(List.of(m1, m2), "n3").getMatchesList()).isEmpty();
    }
}
