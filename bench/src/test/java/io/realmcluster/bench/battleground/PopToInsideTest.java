package io.realmcluster.bench.battleground;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.SeatState;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The entry benchmark's clock from pop to all inside, and its command line. */
class PopToInsideTest {
    @Test
    void aMatchCountsOnceWhenTheLastOfItsPlayersIsInside() {
        final PopToInside clock = new PopToInside(3);
        final BattlegroundMatch two =
                match(SeatState.SEAT_STATE_ENTERED, SeatState.SEAT_STATE_LEFT, SeatState.SEAT_STATE_ACCEPTED);
        clock.observe(List.of(two), 10_500);
        assertThat(clock.millis()).isEmpty();
        final BattlegroundMatch three =
                match(SeatState.SEAT_STATE_ENTERED, SeatState.SEAT_STATE_LEFT, SeatState.SEAT_STATE_ENTERED);
        clock.observe(List.of(three), 12_000);
        clock.observe(List.of(three), 13_000);
        assertThat(clock.millis()).containsExactly(2_000L);
    }

    @Test
    void theBenchmarksCommandLineParsesWithItsDefaults() {
        final BattlegroundEntryBench bench = new BattlegroundEntryBench();
        new CommandLine(bench).parseArgs();
        assertThat(bench.players).isEqualTo(20);
        assertThat(bench.level).isBetween(10, 19);
        new CommandLine(bench).parseArgs("--players", "8", "--matches", "2");
        assertThat(bench.players).isEqualTo(8);
        assertThat(bench.matches).isEqualTo(2);
    }

    private static BattlegroundMatch match(final SeatState... seats) {
        final BattlegroundMatch.Builder match =
                BattlegroundMatch.newBuilder().setMatchId("m").setProposedAtUnixMs(10_000);
        for (final SeatState seat : seats) {
            match.addSeats(MatchSeat.newBuilder().setState(seat));
        }
        return match.build();
    }
}
