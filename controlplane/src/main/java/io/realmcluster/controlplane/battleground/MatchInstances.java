package io.realmcluster.controlplane.battleground;

import io.realmcluster.controlplane.placement.EmptyVerdict;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.SeatState;
import java.util.Optional;

/**
 * What a battleground's match says about its instance once it is empty: over when the match ended (or is no
 * longer kept), so it closes at once and nobody enters it again; awaited while the running match expects
 * players in (an invite out, or an entered player disconnected and inside its grace, whose login goes back into
 * this instance), so it stays open past its idle time; else the idle time decides.
 */
public final class MatchInstances implements EmptyVerdict.Owners {
    private final MatchStore matches;

    public MatchInstances(final MatchStore matches) {
        this.matches = matches;
    }

    @Override
    public EmptyVerdict of(final MapInstance instance) {
        if (instance.getKind() != MapKind.MAP_KIND_BATTLEGROUND
                || instance.getOwner().isEmpty()) {
            return EmptyVerdict.IDLE;
        }
        try {
            return verdict(matches.match(instance.getOwner()).map(MatchStore.Stored::value));
        } catch (final RuntimeException e) {
            // etcd cannot say now: the idle time decides.
            return EmptyVerdict.IDLE;
        }
    }

    /** The verdict on the empty instance of {@code match} (empty: not kept). */
    static EmptyVerdict verdict(final Optional<BattlegroundMatch> match) {
        if (match.isEmpty() || match.get().getState() == MatchState.MATCH_STATE_ENDED) {
            return EmptyVerdict.OVER;
        }
        if (match.get().getState() != MatchState.MATCH_STATE_RUNNING) {
            return EmptyVerdict.IDLE;
        }
        for (final MatchSeat seat : match.get().getSeatsList()) {
            if (seat.getState() == SeatState.SEAT_STATE_INVITED
                    || seat.getState() == SeatState.SEAT_STATE_ENTERED && seat.getDisconnectedAtUnixMs() > 0) {
                return EmptyVerdict.AWAITED;
            }
        }
        return EmptyVerdict.IDLE;
    }
}
