package io.realmcluster.controlplane.battleground;

import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.SeatState;
import java.time.Duration;
import java.util.Optional;

/**
 * The disconnect grace of a battleground's match, as pure decisions over the match record: an
 * entered player who disconnected keeps its seat for the grace, a login within it goes back into
 * the match, and after it the seat is LEFT and deserted, which gives Deserter until the disconnect
 * plus the grace plus {@link #DESERTER}, so that it runs out offline too. A match that ended meanwhile
 * (its node lost, or the game decided) deserts nobody.
 */
public record DisconnectGrace(Duration grace) {
    /** The default grace, as in vanilla. */
    public static final Duration DEFAULT = Duration.ofSeconds(300);
    /** How long Deserter lasts. */
    public static final Duration DESERTER = Duration.ofMinutes(15);

    public DisconnectGrace {
        if (grace.isNegative() || grace.isZero()) {
            throw new IllegalArgumentException("the battleground disconnect grace must be positive, got " + grace);
        }
    }

    /** Where a login of a character saved in a battleground's match goes. */
    public sealed interface AtLogin {
        /** Back into the match's instance, with the seat's team. */
        record Rejoin(MatchSeat seat) implements AtLogin {}

        /** Home to its entry point; {@code deserterUntilMillis} is 0 for no Deserter. */
        record Home(long deserterUntilMillis) implements AtLogin {}
    }

    /**
     * A login at {@code nowMillis} of {@code (realm, characterId)}, saved in {@code match} (empty: not
     * kept any more): back into a running match whose seat is ENTERED and not past the grace (a seat
     * not marked disconnected yet counts as within it: the node has not noticed the disconnect); home
     * otherwise, with Deserter when the seat was deserted after a disconnect.
     */
    public AtLogin atLogin(
            final Optional<BattlegroundMatch> match, final String realm, final long characterId, final long nowMillis) {
        if (match.isEmpty()) {
            return new AtLogin.Home(0);
        }
        final Optional<MatchSeat> seat = seat(match.get(), realm, characterId);
        if (seat.isEmpty()) {
            return new AtLogin.Home(0);
        }
        final MatchSeat held = seat.get();
        if (match.get().getState() == MatchState.MATCH_STATE_RUNNING
                && held.getState() == SeatState.SEAT_STATE_ENTERED
                && !pastGrace(held, nowMillis)) {
            return new AtLogin.Rejoin(held);
        }
        if (held.getDeserted() && held.getDisconnectedAtUnixMs() > 0) {
            return new AtLogin.Home(deserterUntil(held));
        }
        return new AtLogin.Home(0);
    }

    /** Whether {@code seat} is an entered player's, disconnected for the grace or longer at {@code nowMillis}. */
    public boolean pastGrace(final MatchSeat seat, final long nowMillis) {
        return seat.getState() == SeatState.SEAT_STATE_ENTERED
                && seat.getDisconnectedAtUnixMs() > 0
                && nowMillis >= seat.getDisconnectedAtUnixMs() + grace.toMillis();
    }

    /**
     * The seat of a player not back within the grace: LEFT, and deserted unless the game of {@code match}
     * was decided already (a player who drops after the end deserts nobody).
     */
    public static MatchSeat abandoned(final BattlegroundMatch match, final MatchSeat seat) {
        final boolean decided = match.getDraw() || match.getWinnerValue() != 0;
        return seat.toBuilder()
                .setState(SeatState.SEAT_STATE_LEFT)
                .setDeserted(!decided)
                .build();
    }

    /** When the Deserter of a seat deserted after a disconnect runs out: disconnect + grace + {@link #DESERTER}. */
    public long deserterUntil(final MatchSeat seat) {
        return seat.getDisconnectedAtUnixMs() + grace.toMillis() + DESERTER.toMillis();
    }

    /**
     * The seat after the battleground's node reported its player away since {@code atMillis} (the first
     * report's time stays) or back at {@code atMillis} ({@code away} false: the mark cleared, and the time
     * kept as the seat's last back). Reports of one seat come from one node, whose clock orders them: one
     * that arrives after a later report the other way is stale and leaves the seat as it was (an away at or
     * before the last back: the player came back after it; a back before the disconnect marked: the player
     * left again after it). A back at 0 (a node that does not say when) clears the mark unordered.
     */
    public static MatchSeat reported(final MatchSeat seat, final boolean away, final long atMillis) {
        if (!away) {
            if (atMillis > 0 && atMillis < seat.getDisconnectedAtUnixMs()) {
                return seat;
            }
            return seat.toBuilder()
                    .setDisconnectedAtUnixMs(0)
                    .setBackAtUnixMs(Math.max(seat.getBackAtUnixMs(), atMillis))
                    .build();
        }
        if (seat.getDisconnectedAtUnixMs() > 0 || atMillis <= seat.getBackAtUnixMs()) {
            return seat;
        }
        return seat.toBuilder().setDisconnectedAtUnixMs(atMillis).build();
    }

    private static Optional<MatchSeat> seat(final BattlegroundMatch match, final String realm, final long characterId) {
        for (final MatchSeat seat : match.getSeatsList()) {
            if (seat.getPlayer().getRealm().equals(realm) && seat.getPlayer().getCharacterId() == characterId) {
                return Optional.of(seat);
            }
        }
        return Optional.empty();
    }
}
