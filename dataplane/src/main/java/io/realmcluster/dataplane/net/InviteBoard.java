package io.realmcluster.dataplane.net;

import io.realmcluster.dataplane.store.RealmTable;
import io.realmcluster.proto.v1.BattlegroundInvites;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.SeatState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The battleground invites of this node's players, from the whole sets the control plane sends
 * (every match with a seat of a player here): each player is told of its invite once
 * (BATTLEGROUND_INVITE, with the seconds left), and that it is gone (INVITE_GONE) when it expires or
 * its match ends (or is forgotten) before the player entered. De-duplicated by match and character,
 * so a set sent again (a new link, another replica) tells nobody twice. A player not in the world
 * here when its invite comes is told when a later set comes while it is. Players are named by their
 * character key on this node (realm and id: two realms' characters share ids).
 */
public final class InviteBoard {
    private final ClientSessions sessions;
    private final RealmTable realms;
    private final LongSupplier clock;
    /** Invites told, by match id and character; what each player was last told of it. */
    private final Map<String, Told> told = new HashMap<>();

    private record Told(long characterKey, int battleground, boolean gone) {}

    /** {@code realms}: the node's, to key seats' players; {@code clock}: wall-clock milliseconds, against the deadlines. */
    public InviteBoard(final ClientSessions sessions, final RealmTable realms, final LongSupplier clock) {
        this.sessions = sessions;
        this.realms = realms;
        this.clock = clock;
    }

    /** The last set applied: what a player who enters the world later is told from. */
    private BattlegroundInvites latest = BattlegroundInvites.getDefaultInstance();

    /**
     * The character {@code characterKey} entered the world here (a login, perhaps after a disconnect):
     * tell it of the invites it holds, again if an earlier session of it was told. Any thread.
     */
    public synchronized void retell(final long characterKey) {
        told.values().removeIf(t -> t.characterKey() == characterKey && !t.gone());
        for (final BattlegroundMatch match : latest.getMatchesList()) {
            for (final MatchSeat seat : match.getSeatsList()) {
                if (keyOf(seat) == characterKey) {
                    apply(latest);
                    return;
                }
            }
        }
    }

    /** A whole set from the control plane; any thread, one set at a time. */
    public synchronized void apply(final BattlegroundInvites invites) {
        latest = invites;
        final long now = clock.getAsLong();
        final Set<String> present = new HashSet<>();
        for (final BattlegroundMatch match : invites.getMatchesList()) {
            for (final MatchSeat seat : match.getSeatsList()) {
                final long characterKey = keyOf(seat);
                if (characterKey < 0) {
                    continue; // a realm none of this node's players is of
                }
                final String key = key(match.getMatchId(), characterKey);
                present.add(key);
                final Told before = told.get(key);
                final boolean ended = match.getState() == MatchState.MATCH_STATE_ENDED;
                if (seat.getState() == SeatState.SEAT_STATE_INVITED && !ended) {
                    if (before == null) {
                        final int secondsLeft = (int) Math.max(0, (seat.getInviteDeadlineUnixMs() - now) / 1000);
                        if (tell(
                                seat,
                                session -> session.invited(
                                        seat.getPlayer().getRealm(),
                                        match.getBattlegroundValue(),
                                        secondsLeft,
                                        match.getMatchId()))) {
                            told.put(key, new Told(characterKey, match.getBattlegroundValue(), false));
                        }
                    }
                } else if (before != null && !before.gone() && settled(seat.getState())) {
                    // Answered (a decline is told by its answer) or entered: nothing more to tell of this invite.
                    told.put(key, new Told(before.characterKey(), before.battleground(), true));
                } else if (before != null && !before.gone() && gone(seat.getState(), ended)) {
                    tell(
                            seat,
                            session -> session.inviteGone(
                                    seat.getPlayer().getRealm(), match.getBattlegroundValue(), match.getMatchId()));
                    told.put(key, new Told(before.characterKey(), before.battleground(), true));
                }
            }
        }
        // Matches no longer sent (forgotten, or back in the queue before the invite stood): gone, once.
        told.entrySet().removeIf(entry -> {
            if (present.contains(entry.getKey())) {
                return false;
            }
            if (!entry.getValue().gone()) {
                final ClientSession session =
                        sessions.ofCharacter(entry.getValue().characterKey());
                if (session != null) {
                    session.inviteGone(null, entry.getValue().battleground(), matchOf(entry.getKey()));
                }
            }
            return true;
        });
    }

    private static boolean settled(final SeatState state) {
        return state == SeatState.SEAT_STATE_DECLINED
                || state == SeatState.SEAT_STATE_ENTERED
                || state == SeatState.SEAT_STATE_LEFT;
    }

    /** Whether the invite can no longer be taken up: run out, or its match over before the player entered. */
    private static boolean gone(final SeatState state, final boolean matchEnded) {
        return state == SeatState.SEAT_STATE_EXPIRED
                || matchEnded && (state == SeatState.SEAT_STATE_INVITED || state == SeatState.SEAT_STATE_ACCEPTED);
    }

    private boolean tell(final MatchSeat seat, final Consumer<ClientSession> message) {
        final ClientSession session = sessions.ofCharacter(keyOf(seat));
        if (session == null) {
            return false;
        }
        message.accept(session);
        return true;
    }

    private long keyOf(final MatchSeat seat) {
        // A player in the world here had its realm indexed at its login: a lookup, never a new index.
        return realms.knownKey(seat.getPlayer().getRealm(), seat.getPlayer().getCharacterId());
    }

    private static String key(final String matchId, final long characterKey) {
        return matchId + "#" + characterKey;
    }

    private static String matchOf(final String key) {
        return key.substring(0, key.lastIndexOf('#'));
    }
}
