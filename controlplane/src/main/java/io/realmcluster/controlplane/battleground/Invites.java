package io.realmcluster.controlplane.battleground;

import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.SeatState;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Players' answers to their invites, on the leader: each a conditional write of the match's
 * record, read again when the record changed meanwhile (a pass of the {@link MatchController}, or
 * another player's answer). An answer that breaks a rule changes nothing and says why.
 */
public final class Invites {
    private static final int ATTEMPTS = 5;
    /** The one reason an entry is refused: the node learns nothing about others' seats. */
    public static final String NOT_INVITED = "not invited to this match";

    private final MatchStore matches;
    private final LongSupplier clock;
    private final MatchMetrics metrics;

    /** {@code clock}: wall-clock ms; {@code metrics} may be null. */
    public Invites(final MatchStore matches, final LongSupplier clock, final MatchMetrics metrics) {
        this.matches = matches;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** An answer refused, with the reason to tell the player. */
    public static final class Refused extends RuntimeException {
        Refused(final String message) {
            super(message);
        }
    }

    /** The match as the answer left it, and the player's seat in it. */
    public record Answer(BattlegroundMatch match, MatchSeat seat) {}

    /**
     * Accept (seat ACCEPTED; again: the same answer) or decline (seat DECLINED) the invite of
     * {@code (realm, characterId)} to {@code matchId}.
     *
     * @throws Refused when the player has no seat in the match, its invite is past its deadline,
     *     declined or expired, or the match ended.
     */
    public Answer answer(
            final Leadership leader,
            final String realm,
            final long characterId,
            final String matchId,
            final boolean accept) {
        final String who = "character " + characterId + " of realm " + realm;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final MatchStore.Stored<BattlegroundMatch> stored = matches.match(matchId)
                    .orElseThrow(() -> new Refused("no battleground match " + matchId + " (it ended or never was)"));
            final BattlegroundMatch match = stored.value();
            final int index = seat(match, realm, characterId)
                    .orElseThrow(() -> new Refused(who + " was not invited to match " + matchId));
            final MatchSeat seat = match.getSeats(index);
            if (match.getState() == MatchState.MATCH_STATE_ENDED) {
                throw new Refused("match " + matchId + " has ended");
            }
            final SeatState wanted = accept ? SeatState.SEAT_STATE_ACCEPTED : SeatState.SEAT_STATE_DECLINED;
            if (seat.getState() == wanted || accept && seat.getState() == SeatState.SEAT_STATE_ENTERED) {
                return new Answer(match, seat);
            }
            switch (seat.getState()) {
                case SEAT_STATE_INVITED -> {}
                case SEAT_STATE_PROPOSED -> throw new Refused(who + " is not invited to match " + matchId + " yet");
                case SEAT_STATE_EXPIRED -> throw new Refused("the invite to match " + matchId + " expired");
                case SEAT_STATE_DECLINED -> throw new Refused("the invite to match " + matchId + " was declined");
                default ->
                    throw new Refused(who + " cannot " + (accept ? "accept" : "decline") + " match " + matchId
                            + ": its seat is " + seat.getState());
            }
            final long now = clock.getAsLong();
            if (now > seat.getInviteDeadlineUnixMs()) {
                throw new Refused("the invite to match " + matchId + " expired "
                        + (now - seat.getInviteDeadlineUnixMs()) / 1000 + " s ago");
            }
            final MatchSeat answered = seat.toBuilder().setState(wanted).build();
            final BattlegroundMatch after =
                    match.toBuilder().setSeats(index, answered).build();
            if (matches.update(leader, stored, after, List.of())) {
                if (metrics != null) {
                    metrics.invites(accept ? "accepted" : "declined", 1);
                }
                return new Answer(after, answered);
            }
        }
        throw new Refused("match " + matchId + " changed under every try; answer again");
    }

    /**
     * Admit {@code (realm, characterId)} into {@code instanceId}, the instance of {@code matchId}: its
     * seat goes from ACCEPTED to ENTERED; a seat already ENTERED is answered the same (a retried offer).
     *
     * @throws Refused "not invited to this match" for anyone else, or a match ended or of another instance
     */
    public MatchSeat admit(
            final Leadership leader,
            final String realm,
            final long characterId,
            final String matchId,
            final String instanceId) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final MatchStore.Stored<BattlegroundMatch> stored =
                    matches.match(matchId).orElseThrow(() -> new Refused(NOT_INVITED));
            final BattlegroundMatch match = stored.value();
            final Optional<Integer> index = seat(match, realm, characterId);
            if (index.isEmpty()
                    || match.getState() == MatchState.MATCH_STATE_ENDED
                    || !match.getInstanceId().equals(instanceId)) {
                throw new Refused(NOT_INVITED);
            }
            final MatchSeat seat = match.getSeats(index.get());
            if (seat.getState() == SeatState.SEAT_STATE_ENTERED) {
                return seat;
            }
            if (seat.getState() != SeatState.SEAT_STATE_ACCEPTED) {
                throw new Refused(NOT_INVITED);
            }
            final MatchSeat entered =
                    seat.toBuilder().setState(SeatState.SEAT_STATE_ENTERED).build();
            if (matches.update(
                    leader,
                    stored,
                    match.toBuilder().setSeats(index.get(), entered).build(),
                    List.of())) {
                return entered;
            }
        }
        throw new Refused("match " + matchId + " changed under every try; offer again");
    }

    /**
     * {@code (realm, characterId)} left {@code matchId}: its seat goes LEFT (a seat LEFT already is
     * answered the same); the controller's pass ends the match once nobody holds a seat.
     *
     * @throws Refused when the player has no seat in the match, or the match is not kept
     */
    public void left(final Leadership leader, final String realm, final long characterId, final String matchId) {
        left(leader, realm, characterId, matchId, false);
    }

    /** {@link #left}, the seat marked deserted when {@code deserted} (it left a running match before the end). */
    public void left(
            final Leadership leader,
            final String realm,
            final long characterId,
            final String matchId,
            final boolean deserted) {
        final String who = "character " + characterId + " of realm " + realm;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final MatchStore.Stored<BattlegroundMatch> stored = matches.match(matchId)
                    .orElseThrow(() -> new Refused("no battleground match " + matchId + " (it ended or never was)"));
            final BattlegroundMatch match = stored.value();
            final int index = seat(match, realm, characterId)
                    .orElseThrow(() -> new Refused(who + " has no seat in match " + matchId));
            final MatchSeat seat = match.getSeats(index);
            if (seat.getState() == SeatState.SEAT_STATE_LEFT) {
                return;
            }
            final BattlegroundMatch after = match.toBuilder()
                    .setSeats(
                            index,
                            seat.toBuilder().setState(SeatState.SEAT_STATE_LEFT).setDeserted(deserted))
                    .build();
            if (matches.update(leader, stored, after, List.of())) {
                return;
            }
        }
        throw new Refused("match " + matchId + " changed under every try; report again");
    }

    /**
     * Match {@code matchId} ended on its node with {@code winner} (or a draw) and these scores: stored in the
     * match once (a report again, or one after the result is known, is answered the same and writes nothing).
     *
     * @throws Refused when the match is not kept
     */
    public void result(
            final Leadership leader,
            final String matchId,
            final Faction winner,
            final boolean draw,
            final long allianceScore,
            final long hordeScore) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final MatchStore.Stored<BattlegroundMatch> stored = matches.match(matchId)
                    .orElseThrow(() -> new Refused("no battleground match " + matchId + " (it ended or never was)"));
            final BattlegroundMatch match = stored.value();
            if (match.getDraw() || match.getWinner() != Faction.FACTION_UNSPECIFIED) {
                return;
            }
            final BattlegroundMatch after = match.toBuilder()
                    .setWinner(draw ? Faction.FACTION_UNSPECIFIED : winner)
                    .setDraw(draw)
                    .setAllianceScore(allianceScore)
                    .setHordeScore(hordeScore)
                    .setResultAtUnixMs(clock.getAsLong())
                    .build();
            if (matches.update(leader, stored, after, List.of())) {
                return;
            }
        }
        throw new Refused("match " + matchId + " changed under every try; report again");
    }

    /**
     * The battleground's node reports that the entered player {@code (realm, characterId)} of {@code
     * matchId} disconnected at {@code atMillis} ({@code away}) or is back in the match: the seat stays
     * ENTERED, with its disconnect time set (the first report's stays) or cleared. Returns the seat.
     *
     * @throws Refused when the player has no seat in the match, its seat is not entered (it left, or the
     *     grace ran out), or the match ended
     */
    public MatchSeat disconnected(
            final Leadership leader,
            final String realm,
            final long characterId,
            final String matchId,
            final boolean away,
            final long atMillis) {
        final String who = "character " + characterId + " of realm " + realm;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final MatchStore.Stored<BattlegroundMatch> stored = matches.match(matchId)
                    .orElseThrow(() -> new Refused("no battleground match " + matchId + " (it ended or never was)"));
            final BattlegroundMatch match = stored.value();
            final int index = seat(match, realm, characterId)
                    .orElseThrow(() -> new Refused(who + " has no seat in match " + matchId));
            final MatchSeat seat = match.getSeats(index);
            if (match.getState() != MatchState.MATCH_STATE_RUNNING) {
                throw new Refused("match " + matchId + " is not running");
            }
            if (seat.getState() != SeatState.SEAT_STATE_ENTERED) {
                throw new Refused(who + " is not in match " + matchId + ": its seat is " + seat.getState());
            }
            final MatchSeat after = DisconnectGrace.reported(seat, away, atMillis);
            if (after.equals(seat)) {
                return seat;
            }
            if (matches.update(
                    leader, stored, match.toBuilder().setSeats(index, after).build(), List.of())) {
                return after;
            }
        }
        throw new Refused("match " + matchId + " changed under every try; report again");
    }

    /** The match in which {@code (realm, characterId)} holds a seat for {@code battleground}, if any. */
    public Optional<String> heldSeat(final String realm, final long characterId, final int battleground) {
        return matches.heldSeat(realm, characterId, battleground);
    }

    /**
     * {@code (realm, characterId)} logged in on {@code nodeId}: its seats still held (proposed,
     * invited, accepted) follow it there, so its invite goes to that node from now on. Returns the
     * matches changed; a match that changed meanwhile is read again.
     */
    public int moved(final Leadership leader, final String realm, final long characterId, final String nodeId) {
        int changed = 0;
        for (final MatchStore.Stored<BattlegroundMatch> stored : matches.matches()) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                final MatchStore.Stored<BattlegroundMatch> current = attempt == 0
                        ? stored
                        : matches.match(stored.value().getMatchId()).orElse(null);
                if (current == null || current.value().getState() == MatchState.MATCH_STATE_ENDED) {
                    break;
                }
                final Optional<Integer> index = seat(current.value(), realm, characterId);
                if (index.isEmpty()) {
                    break;
                }
                final MatchSeat seat = current.value().getSeats(index.get());
                if (seat.getNodeId().equals(nodeId) || !MatchStore.HELD.contains(seat.getState())) {
                    break;
                }
                final BattlegroundMatch after = current.value().toBuilder()
                        .setSeats(index.get(), seat.toBuilder().setNodeId(nodeId))
                        .build();
                if (matches.update(leader, current, after, List.of())) {
                    changed++;
                    break;
                }
            }
        }
        return changed;
    }

    private static Optional<Integer> seat(final BattlegroundMatch match, final String realm, final long characterId) {
        for (int i = 0; i < match.getSeatsCount(); i++) {
            final MatchSeat seat = match.getSeats(i);
            if (seat.getPlayer().getRealm().equals(realm) && seat.getPlayer().getCharacterId() == characterId) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
