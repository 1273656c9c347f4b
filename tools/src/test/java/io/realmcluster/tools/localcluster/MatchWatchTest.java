package io.realmcluster.tools.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.BattlegroundType;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.QueuedPlayer;
import io.realmcluster.proto.v1.SeatState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The local cluster's match lines: one at the pop, one at the end, never twice. */
class MatchWatchTest {
    @Test
    void aMatchIsShownOnceWhenItPopsAndOnceWhenItEnds() {
        final MatchWatch watch = new MatchWatch();
        final BattlegroundMatch running = match(MatchState.MATCH_STATE_RUNNING, SeatState.SEAT_STATE_INVITED);
        assertThat(watch.update(List.of(running)))
                .containsExactly("local-cluster: match m-1 popped: Warsong Gulch 60, players main 2, second 1 "
                        + "(2 Alliance v 1 Horde)");
        assertThat(watch.update(List.of(running))).isEmpty();
        assertThat(watch.popped()).isEqualTo(1);
        assertThat(watch.ended()).isZero();

        final BattlegroundMatch ended = running.toBuilder()
                .setState(MatchState.MATCH_STATE_ENDED)
                .setEndedAtUnixMs(running.getProposedAtUnixMs() + 754_000)
                .setSeats(0, running.getSeats(0).toBuilder().setState(SeatState.SEAT_STATE_LEFT))
                .setWinner(Faction.FACTION_HORDE)
                .setAllianceScore(1)
                .setHordeScore(3)
                .build();
        assertThat(watch.update(List.of(ended)))
                .containsExactly(
                        "local-cluster: match m-1 ended: Warsong Gulch 60, Horde won 3-1 (players who entered: "
                                + "main 1), after 12m 34s");
        assertThat(watch.update(List.of(ended))).isEmpty();
        assertThat(watch.ended()).isEqualTo(1);
    }

    @Test
    void aMatchFirstSeenEndedPopsAndEndsAtOnceAndBracketsReadAsLevels() {
        final MatchWatch watch = new MatchWatch();
        final BattlegroundMatch av = match(MatchState.MATCH_STATE_ENDED, SeatState.SEAT_STATE_EXPIRED).toBuilder()
                .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_ALTERAC_VALLEY)
                .setBracket(51)
                .build();
        final List<String> lines = watch.update(List.of(av));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("Alterac Valley 51-60");
        assertThat(lines.get(1)).contains("no result (node lost) (players who entered: none)");
        assertThat(MatchWatch.name(av.toBuilder()
                        .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_ARATHI_BASIN)
                        .setBracket(20)
                        .build()))
                .isEqualTo("Arathi Basin 20-29");
    }

    @Test
    void theOutcomeNamesTheWinnerWithItsScoreFirstOrADraw() {
        final BattlegroundMatch ended = match(MatchState.MATCH_STATE_ENDED, SeatState.SEAT_STATE_LEFT);
        assertThat(MatchWatch.outcome(ended.toBuilder()
                        .setWinner(Faction.FACTION_ALLIANCE)
                        .setAllianceScore(2_000)
                        .setHordeScore(1_430)
                        .build()))
                .isEqualTo("Alliance won 2000-1430");
        assertThat(MatchWatch.outcome(ended.toBuilder()
                        .setDraw(true)
                        .setAllianceScore(1)
                        .setHordeScore(1)
                        .build()))
                .isEqualTo("a draw 1-1");
        assertThat(MatchWatch.outcome(ended)).isEqualTo("no result (node lost)");
    }

    private static BattlegroundMatch match(final MatchState state, final SeatState seats) {
        return BattlegroundMatch.newBuilder()
                .setMatchId("m-1")
                .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH)
                .setBracket(60)
                .setState(state)
                .setProposedAtUnixMs(1_000_000)
                .addSeats(seat("main", Faction.FACTION_ALLIANCE, seats))
                .addSeats(seat("main", Faction.FACTION_ALLIANCE, seats))
                .addSeats(seat("second", Faction.FACTION_HORDE, seats))
                .build();
    }

    private static MatchSeat seat(final String realm, final Faction team, final SeatState state) {
        return MatchSeat.newBuilder()
                .setPlayer(QueuedPlayer.newBuilder().setRealm(realm).setName("Bot"))
                .setTeam(team)
                .setState(state)
                .build();
    }
}
