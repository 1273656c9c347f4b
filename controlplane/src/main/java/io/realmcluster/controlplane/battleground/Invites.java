package io.realmcluster.controlplane.battleground;

import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.SeatState;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Players' answers to their invites and the nodes' reports of their matches, on the leader: each a
 * {@link MatchStore#updateMatch}, a conditional write of the match's record read again when the record
 * changed meanwhile (a pass of the {@link MatchController}, or another player's answer). An answer that
 * breaks a rule changes nothing and says why.
 */
public final class Invites {
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
        final SeatState wanted = accept ? SeatState.SEAT_STATE_ACCEPTED : SeatState.SEAT_STATE_DECLINED;
        final boolean[] answered = new boolean[1];
        final BattlegroundMatch after = update(leader, matchId, match -> {
            answered[0] = false;
            final int index = seat(match, realm, characterId)
                    .orElseThrow(() -> new Refused(who + " was not invited to match " + matchId));
            final MatchSeat seat = match.getSeats(index);
            if (match.getState() == MatchState.MATCH_STATE_ENDED) {
                throw new Refused("match " + matchId + " has ended");
            }
            if (seat.getState() == wanted || accept && seat.getState() == SeatState.SEAT_STATE_ENTERED) {
                return match;
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
            answered[0] = true;
            return match.toBuilder()
                    .setSeats(index, seat.toBuilder().setState(wanted))
                    .build();
        });
        if (answered[0] && metrics != null) {
            metrics.invites(accept ? "accepted" : "declined", 1);
        }
        return new Answer(after, after.getSeats(seat(after, realm, characterId).orElseThrow()));
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
        return admit(leader, realm, characterId, matchId, instanceId, "");
    }

    /**
     * {@link #admit}, offered by transfer {@code transferId} (empty: a login back into the match), which the
     * entered seat keeps: a call-off of an earlier transfer of the player does not take it.
     */
    public MatchSeat admit(
            final Leadership leader,
            final String realm,
            final long characterId,
            final String matchId,
            final String instanceId,
            final String transferId) {
        final BattlegroundMatch after = matches.updateMatch(leader, matchId, match -> {
                    final Optional<Integer> index = seat(match, realm, characterId);
                    if (index.isEmpty()
                            || match.getState() == MatchState.MATCH_STATE_ENDED
                            || !match.getInstanceId().equals(instanceId)) {
                        throw new Refused(NOT_INVITED);
                    }
                    final MatchSeat seat = match.getSeats(index.get());
                    if (seat.getState() == SeatState.SEAT_STATE_ENTERED) {
                        return transferId.isEmpty() || transferId.equals(seat.getEntryTransferId())
                                ? match
                                : match.toBuilder()
                                        .setSeats(index.get(), seat.toBuilder().setEntryTransferId(transferId))
                                        .build();
                    }
                    if (seat.getState() != SeatState.SEAT_STATE_ACCEPTED) {
                        throw new Refused(NOT_INVITED);
                    }
                    return match.toBuilder()
                            .setSeats(
                                    index.get(),
                                    seat.toBuilder()
                                            .setState(SeatState.SEAT_STATE_ENTERED)
                                            .setEntryTransferId(transferId))
                            .build();
                })
                .orElseThrow(() -> new Refused(NOT_INVITED));
        return after.getSeats(seat(after, realm, characterId).orElseThrow());
    }

    /**
     * The home node of {@code (realm, characterId)} called off transfer {@code transferId} into {@code matchId}'s
     * instance: the player never got in. Its seat, ACCEPTED or ENTERED by that transfer, goes LEFT without
     * Deserter (its queue key goes with it, and the next pass tops the match up); any other seat is left as it
     * is: over already, or entered by another transfer. Returns the seat's state after the call.
     *
     * @throws Refused when the player has no seat in the match, or the match is not kept
     */
    public SeatState calledOff(
            final Leadership leader,
            final String realm,
            final long characterId,
            final String matchId,
            final String transferId) {
        final String who = "character " + characterId + " of realm " + realm;
        final BattlegroundMatch after = update(leader, matchId, match -> {
            final int index = seat(match, realm, characterId)
                    .orElseThrow(() -> new Refused(who + " has no seat in match " + matchId));
            final MatchSeat seat = match.getSeats(index);
            final boolean taken = seat.getState() == SeatState.SEAT_STATE_ACCEPTED
                    || seat.getState() == SeatState.SEAT_STATE_ENTERED
                            && (seat.getEntryTransferId().isEmpty()
                                    || seat.getEntryTransferId().equals(transferId));
            if (!taken || match.getState() == MatchState.MATCH_STATE_ENDED) {
                return match;
            }
            return match.toBuilder()
                    .setSeats(
                            index,
                            seat.toBuilder().setState(SeatState.SEAT_STATE_LEFT).setDeserted(false))
                    .build();
        });
        return after.getSeats(seat(after, realm, characterId).orElseThrow()).getState();
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
        update(leader, matchId, match -> {
            final int index = seat(match, realm, characterId)
                    .orElseThrow(() -> new Refused(who + " has no seat in match " + matchId));
            final MatchSeat seat = match.getSeats(index);
            if (seat.getState() == SeatState.SEAT_STATE_LEFT) {
                return match;
            }
            return match.toBuilder()
                    .setSeats(
                            index,
                            seat.toBuilder().setState(SeatState.SEAT_STATE_LEFT).setDeserted(deserted))
                    .build();
        });
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
        update(leader, matchId, match -> {
            if (match.getDraw() || match.getWinner() != Faction.FACTION_UNSPECIFIED) {
                return match;
            }
            return match.toBuilder()
                    .setWinner(draw ? Faction.FACTION_UNSPECIFIED : winner)
                    .setDraw(draw)
                    .setAllianceScore(allianceScore)
                    .setHordeScore(hordeScore)
                    .setResultAtUnixMs(clock.getAsLong())
                    .build();
        });
    }

    /**
     * The battleground's node reports that the entered player {@code (realm, characterId)} of {@code
     * matchId} disconnected at {@code atMillis} ({@code away}) or is back in the match at {@code atMillis}
     * (0: a node that does not say when): the seat stays ENTERED, with its disconnect time set (the first
     * report's stays) or cleared; a report older than the last one the other way is stale and changes
     * nothing ({@link DisconnectGrace#reported}). Returns the seat.
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
        final BattlegroundMatch after = update(leader, matchId, match -> {
            final int index = seat(match, realm, characterId)
                    .orElseThrow(() -> new Refused(who + " has no seat in match " + matchId));
            final MatchSeat seat = match.getSeats(index);
            if (match.getState() != MatchState.MATCH_STATE_RUNNING) {
                throw new Refused("match " + matchId + " is not running");
            }
            if (seat.getState() != SeatState.SEAT_STATE_ENTERED) {
                throw new Refused(who + " is not in match " + matchId + ": its seat is " + seat.getState());
            }
            return match.toBuilder()
                    .setSeats(index, DisconnectGrace.reported(seat, away, atMillis))
                    .build();
        });
        return after.getSeats(seat(after, realm, characterId).orElseThrow());
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
        for (final MatchStore.Stored<BattlegroundMatch> listed : matches.matches()) {
            if (!follows(listed.value(), realm, characterId, nodeId)) {
                continue;
            }
            final boolean[] moved = new boolean[1];
            matches.updateMatch(leader, listed.value().getMatchId(), match -> {
                moved[0] = follows(match, realm, characterId, nodeId);
                if (!moved[0]) {
                    return match;
                }
                final int index = seat(match, realm, characterId).orElseThrow();
                return match.toBuilder()
                        .setSeats(index, match.getSeats(index).toBuilder().setNodeId(nodeId))
                        .build();
            });
            if (moved[0]) {
                changed++;
            }
        }
        return changed;
    }

    /** Whether {@code (realm, characterId)} holds a seat in the kept {@code match} whose invites go elsewhere. */
    private static boolean follows(
            final BattlegroundMatch match, final String realm, final long characterId, final String nodeId) {
        if (match.getState() == MatchState.MATCH_STATE_ENDED) {
            return false;
        }
        final Optional<Integer> index = seat(match, realm, characterId);
        if (index.isEmpty()) {
            return false;
        }
        final MatchSeat seat = match.getSeats(index.get());
        return !seat.getNodeId().equals(nodeId) && MatchStore.HELD.contains(seat.getState());
    }

    /** {@link MatchStore#updateMatch} of a match that must be kept: Refused when it is not. */
    private BattlegroundMatch update(
            final Leadership leader, final String matchId, final UnaryOperator<BattlegroundMatch> change) {
        return matches.updateMatch(leader, matchId, change)
                .orElseThrow(() -> new Refused("no battleground match " + matchId + " (it ended or never was)"));
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
