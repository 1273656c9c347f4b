package io.realmcluster.bench.battleground;

import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.SeatState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * From ListMatches polled over a run: per match, the time from its pop (the proposal's time in the
 * match record) to the poll that first saw {@code players} of its seats entered. Milliseconds, to
 * within one poll.
 */
final class PopToInside {
    private final int players;
    private final Set<String> done = new HashSet<>();
    private final List<Long> millis = new ArrayList<>();

    PopToInside(final int players) {
        this.players = players;
    }

    /** What the poll at {@code nowMillis} (wall clock) shows. */
    void observe(final List<BattlegroundMatch> matches, final long nowMillis) {
        for (final BattlegroundMatch match : matches) {
            if (done.contains(match.getMatchId())) {
                continue;
            }
            final long inside = match.getSeatsList().stream()
                    .filter(s ->
                            s.getState() == SeatState.SEAT_STATE_ENTERED || s.getState() == SeatState.SEAT_STATE_LEFT)
                    .count();
            if (inside >= players) {
                done.add(match.getMatchId());
                millis.add(Math.max(0, nowMillis - match.getProposedAtUnixMs()));
            }
        }
    }

    /** Per match that filled, pop to all inside, in the order they filled. */
    List<Long> millis() {
        return List.copyOf(millis);
    }
}
