package io.realmcluster.dataplane.net;

import io.grpc.Status;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.QueuePlace;
import io.realmcluster.proto.v1.QueueStatusResponse;
import io.realmcluster.proto.v1.QueuedPlayer;
import java.util.concurrent.CompletableFuture;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's battleground queue requests: QUEUE_JOIN, QUEUE_LEAVE and QUEUE_STATUS_REQUEST go to
 * the {@link QueueDesk} for the session's character, as its home node knows it; the answer comes
 * back as QUEUE_STATUS, or QUEUE_REFUSED with the reason. Requests past a small rate are refused
 * here and cost the control plane nothing. The session's event loop calls it; answers are written
 * from there too.
 */
final class SessionQueues {
    private static final Logger LOG = LoggerFactory.getLogger(SessionQueues.class);
    static final double REQUESTS_PER_SECOND = 1;
    static final double REQUEST_BURST = 5;
    /** Vanilla's Alliance races: Human, Dwarf, Night Elf, Gnome; the others are the Horde's. */
    private static final int[] ALLIANCE_RACES = {1, 3, 4, 7};

    private final ClientSession session;
    private final QueueDesk desk;
    private final RateLimiter requests;
    private final BattlegroundEntries entries;
    private final UnsafeBuffer reply = new UnsafeBuffer(
            new byte[ClientProtocol.LENGTH_PREFIX + ClientProtocol.REFUSED_TEXT + ClientProtocol.MAX_REFUSAL]);

    SessionQueues(
            final ClientSession session,
            final QueueDesk desk,
            final RateLimiter requests,
            final BattlegroundEntries entries) {
        this.session = session;
        this.desk = desk;
        this.requests = requests;
        this.entries = entries;
    }

    /**
     * INVITE_ACCEPT or INVITE_DECLINE: the answer goes to the control plane; an accept taken is
     * answered INVITE_ACCEPTED and handed to the {@link BattlegroundEntries}, a decline taken
     * INVITE_GONE, a refusal QUEUE_REFUSED with its reason.
     */
    void answer(final ClaimedCharacter character, final String matchId, final boolean accept) {
        if (!admitted(0)) {
            return;
        }
        desk.answer(character.realm(), character.characterId(), matchId, accept)
                .whenComplete((where, error) -> session.onEventLoop(() -> {
                    if (error != null) {
                        failed(0, error);
                    } else if (accept) {
                        session.send(
                                reply,
                                ServerMessages.inviteAccepted(
                                        reply,
                                        ClientProtocol.LENGTH_PREFIX,
                                        where.getBattlegroundValue(),
                                        where.getTeamValue(),
                                        matchId));
                        entries.accepted(character, where);
                    } else {
                        inviteGone(where.getBattlegroundValue(), matchId);
                    }
                }));
    }

    /** BATTLEGROUND_INVITE. The event loop's. */
    void invited(final int battleground, final int secondsLeft, final String matchId) {
        session.send(
                reply,
                ServerMessages.battlegroundInvite(
                        reply, ClientProtocol.LENGTH_PREFIX, battleground, secondsLeft, matchId));
    }

    /** INVITE_GONE. The event loop's. */
    void inviteGone(final int battleground, final String matchId) {
        session.send(reply, ServerMessages.inviteGone(reply, ClientProtocol.LENGTH_PREFIX, battleground, matchId));
    }

    /** QUEUE_JOIN from a session whose character is {@code character}. */
    void join(final ClaimedCharacter character, final int battleground) {
        if (admitted(battleground)) {
            answer(battleground, desk.join(player(character), battleground));
        }
    }

    void leave(final ClaimedCharacter character, final int battleground) {
        if (admitted(battleground)) {
            answer(battleground, desk.leave(character.realm(), character.characterId(), battleground));
        }
    }

    void status(final ClaimedCharacter character) {
        if (admitted(0)) {
            answer(0, desk.status(character.realm(), character.characterId()));
        }
    }

    /**
     * The character left the game ({@code away}) or came back: the control plane keeps its queue
     * places for a grace while it is away. Nothing is sent to the client; a failure is only logged.
     */
    void away(final ClaimedCharacter character, final boolean away) {
        if (character == null) {
            return;
        }
        desk.away(character.realm(), character.characterId(), away).whenComplete((done, error) -> {
            if (error != null) {
                LOG.debug("queue away mark of character {} failed: {}", character.characterId(), error.toString());
            }
        });
    }

    /**
     * The character, entered in the match {@code matchId}, left the game at {@code atMillis} ({@code away})
     * or came back into it: its seat waits for it the disconnect grace. Only logged when it fails.
     */
    void disconnected(final ClaimedCharacter character, final String matchId, final boolean away, final long atMillis) {
        if (character == null) {
            return;
        }
        desk.disconnected(character.realm(), character.characterId(), matchId, away, atMillis)
                .whenComplete((done, error) -> {
                    if (error != null) {
                        LOG.info(
                                "could not report character {} of realm {} {} match {}: {}",
                                character.characterId(),
                                character.realm(),
                                away ? "disconnected from" : "back in",
                                matchId,
                                error.toString());
                    }
                });
    }

    /**
     * A login into the instance of {@code matchId}: the side of its seat there, from the control plane, handed
     * to {@code then} on the session's event loop ({@code error} set when it has none any more).
     */
    void rejoin(
            final ClaimedCharacter character,
            final String matchId,
            final String instanceId,
            final java.util.function.BiConsumer<Integer, Throwable> then) {
        desk.rejoin(character.realm(), character.characterId(), matchId, instanceId)
                .whenComplete((team, error) -> session.onEventLoop(() -> then.accept(team, error)));
    }

    static Faction faction(final int race) {
        for (final int alliance : ALLIANCE_RACES) {
            if (race == alliance) {
                return Faction.FACTION_ALLIANCE;
            }
        }
        return Faction.FACTION_HORDE;
    }

    private static QueuedPlayer player(final ClaimedCharacter character) {
        return QueuedPlayer.newBuilder()
                .setRealm(character.realm())
                .setCharacterId(character.characterId())
                .setName(character.name())
                .setLevel(character.level())
                .setFaction(faction(character.race()))
                .setDeserterUntilUnixMs(character.deserterUntilMillis())
                .build();
    }

    private boolean admitted(final int battleground) {
        if (requests.tryAcquire()) {
            return true;
        }
        refused(battleground, "too many queue requests; wait a moment");
        return false;
    }

    /** Write the desk's answer from the session's event loop, once it comes. */
    private void answer(final int battleground, final CompletableFuture<QueueStatusResponse> call) {
        call.whenComplete((status, error) -> session.onEventLoop(() -> {
            if (error == null) {
                written(status);
            } else {
                failed(battleground, error);
            }
        }));
    }

    /** A refusal's reason to the player; an outage said without its cause (hosts stay out of clients' sight). */
    private void failed(final int battleground, final Throwable error) {
        final Status failure = Status.fromThrowable(error);
        if (failure.getCode() == Status.Code.FAILED_PRECONDITION) {
            refused(battleground, failure.getDescription() == null ? "refused" : failure.getDescription());
        } else {
            LOG.debug("queue request of session {} failed: {}", session, failure);
            refused(battleground, "the battleground service is unavailable; try again");
        }
    }

    private void written(final QueueStatusResponse status) {
        final int count = Math.min(status.getPlacesCount(), ClientProtocol.MAX_QUEUE_PLACES);
        int length = ServerMessages.queueStatusHeader(reply, ClientProtocol.LENGTH_PREFIX, count);
        for (int i = 0; i < count; i++) {
            final QueuePlace place = status.getPlaces(i);
            length += ServerMessages.queuePlace(
                    reply,
                    ClientProtocol.LENGTH_PREFIX + length,
                    place.getTicket().getBattlegroundValue(),
                    place.getPosition(),
                    place.getWaiting());
        }
        session.send(reply, length);
    }

    private void refused(final int battleground, final String reason) {
        session.send(reply, ServerMessages.queueRefused(reply, ClientProtocol.LENGTH_PREFIX, battleground, reason));
    }
}
