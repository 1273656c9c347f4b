package io.realmcluster.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.realmcluster.dataplane.store.RealmTable;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.v1.AnswerInviteResponse;
import io.realmcluster.proto.v1.BattlegroundInvites;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.BattlegroundType;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.QueuePlace;
import io.realmcluster.proto.v1.QueueStatusResponse;
import io.realmcluster.proto.v1.QueueTicket;
import io.realmcluster.proto.v1.QueuedPlayer;
import io.realmcluster.proto.v1.SeatState;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** A player in the world queues through its session: answers as QUEUE_STATUS or QUEUE_REFUSED, floods refused at the node. */
class SessionQueuesTest {
    /** A desk that records what it was asked and answers what the test set. */
    private static final class Desk implements QueueDesk {
        final List<String> asked = new ArrayList<>();
        CompletableFuture<QueueStatusResponse> next;

        @Override
        public CompletableFuture<QueueStatusResponse> join(final QueuedPlayer player, final int battleground) {
            asked.add("join " + player.getRealm() + "/" + player.getCharacterId() + " " + player.getFaction() + " "
                    + battleground);
            return next;
        }

        @Override
        public CompletableFuture<QueueStatusResponse> leave(
                final String realm, final long characterId, final int battleground) {
            asked.add("leave " + characterId + " " + battleground);
            return next;
        }

        @Override
        public CompletableFuture<QueueStatusResponse> status(final String realm, final long characterId) {
            asked.add("status " + characterId);
            return next;
        }

        @Override
        public CompletableFuture<Void> away(final String realm, final long characterId, final boolean away) {
            asked.add((away ? "away " : "back ") + characterId);
            return CompletableFuture.completedFuture(null);
        }

        CompletableFuture<AnswerInviteResponse> nextAnswer;

        @Override
        public CompletableFuture<AnswerInviteResponse> answer(
                final String realm, final long characterId, final String matchId, final boolean accept) {
            asked.add((accept ? "accept " : "decline ") + characterId + " " + matchId);
            return nextAnswer;
        }
    }

    private static BattlegroundInvites invites(final SeatState state, final MatchState matchState) {
        return BattlegroundInvites.newBuilder()
                .addMatches(BattlegroundMatch.newBuilder()
                        .setMatchId("m-1")
                        .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH)
                        .setState(matchState)
                        .addSeats(MatchSeat.newBuilder()
                                .setPlayer(QueuedPlayer.newBuilder()
                                        .setRealm("main")
                                        .setCharacterId(EmbeddedPlayer.CHARACTER))
                                .setState(state)
                                .setInviteDeadlineUnixMs(NOW + 80_000)))
                .build();
    }

    private static final long NOW = 1_800_000_000_000L;

    @Test
    void anInviteReachesThePlayerOnceWithItsSecondsLeftAndItsEndAsInviteGone() {
        final Desk desk = new Desk();
        try (EmbeddedPlayer player = new EmbeddedPlayer(desk)) {
            player.written();
            final InviteBoard board =
                    new InviteBoard(player.sessions, RealmTable.everyRealm(List.of("main")), () -> NOW);
            final BattlegroundInvites invited = invites(SeatState.SEAT_STATE_INVITED, MatchState.MATCH_STATE_RUNNING);
            board.apply(invited);
            List<byte[]> out = player.written();
            assertThat(out).hasSize(1);
            final UnsafeBuffer invite = new UnsafeBuffer(out.get(0));
            assertThat(invite.getByte(0)).isEqualTo(ClientProtocol.BATTLEGROUND_INVITE);
            assertThat(invite.getByte(ClientProtocol.INVITE_BATTLEGROUND)).isEqualTo((byte) 1);
            assertThat(invite.getShort(ClientProtocol.INVITE_SECONDS, ByteOrder.LITTLE_ENDIAN))
                    .isEqualTo((short) 80);
            assertThat(invite.getStringWithoutLengthAscii(
                            ClientProtocol.INVITE_MATCH, out.get(0).length - ClientProtocol.INVITE_MATCH))
                    .isEqualTo("m-1");

            // The same set again (a new link): nobody is told twice.
            board.apply(invited);
            assertThat(player.written()).isEmpty();

            // The player logs in again (a new session of it enters the world): told again.
            board.retell(EmbeddedPlayer.CHARACTER);
            assertThat(player.written())
                    .singleElement()
                    .satisfies(b -> assertThat(b[0]).isEqualTo(ClientProtocol.BATTLEGROUND_INVITE));

            board.apply(invites(SeatState.SEAT_STATE_EXPIRED, MatchState.MATCH_STATE_RUNNING));
            out = player.written();
            assertThat(out).hasSize(1);
            assertThat(out.get(0)[0]).isEqualTo(ClientProtocol.INVITE_GONE);
            board.apply(BattlegroundInvites.getDefaultInstance());
            assertThat(player.written()).as("gone once").isEmpty();

            // Another invite, declined (told by the answer): its match forgotten later tells nothing more.
            final BattlegroundInvites second = invites(SeatState.SEAT_STATE_INVITED, MatchState.MATCH_STATE_RUNNING);
            board.apply(second);
            assertThat(player.written())
                    .singleElement()
                    .satisfies(b -> assertThat(b[0]).isEqualTo(ClientProtocol.BATTLEGROUND_INVITE));
            board.apply(invites(SeatState.SEAT_STATE_DECLINED, MatchState.MATCH_STATE_RUNNING));
            board.apply(BattlegroundInvites.getDefaultInstance());
            assertThat(player.written()).isEmpty();
        }
    }

    @Test
    void anAcceptIsAnsweredInviteAcceptedAndARefusedOneWithItsReason() {
        final Desk desk = new Desk();
        try (EmbeddedPlayer player = new EmbeddedPlayer(desk)) {
            player.written();
            desk.asked.clear();
            desk.nextAnswer = CompletableFuture.completedFuture(AnswerInviteResponse.newBuilder()
                    .setMatchId("m-1")
                    .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH)
                    .setTeam(Faction.FACTION_HORDE)
                    .setInstanceId("main.489.m-1")
                    .build());
            player.send(o -> ClientMessages.inviteAnswer(player.frame, o, "m-1", true));
            assertThat(desk.asked).containsExactly("accept " + EmbeddedPlayer.CHARACTER + " m-1");
            List<byte[]> out = player.written();
            assertThat(out).hasSize(1);
            assertThat(out.get(0)[0]).isEqualTo(ClientProtocol.INVITE_ACCEPTED);
            assertThat(out.get(0)[ClientProtocol.ACCEPTED_TEAM]).isEqualTo((byte) 2);

            desk.nextAnswer = CompletableFuture.failedFuture(Status.FAILED_PRECONDITION
                    .withDescription("the invite to match m-1 expired 3 s ago")
                    .asRuntimeException());
            player.send(o -> ClientMessages.inviteAnswer(player.frame, o, "m-1", true));
            assertThat(refusal(player.written())).isEqualTo("the invite to match m-1 expired 3 s ago");

            desk.nextAnswer = CompletableFuture.completedFuture(AnswerInviteResponse.newBuilder()
                    .setMatchId("m-1")
                    .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH)
                    .build());
            player.send(o -> ClientMessages.inviteAnswer(player.frame, o, "m-1", false));
            out = player.written();
            assertThat(out).hasSize(1);
            assertThat(out.get(0)[0]).isEqualTo(ClientProtocol.INVITE_GONE);
        }
    }

    @Test
    void aJoinIsAnsweredWithThePlayersQueuesOnceTheControlPlaneAnswers() {
        final Desk desk = new Desk();
        try (EmbeddedPlayer player = new EmbeddedPlayer(desk)) {
            player.written();
            // Its login marked it back (it may have queued before it logged out).
            assertThat(desk.asked).containsExactly("back " + EmbeddedPlayer.CHARACTER);
            desk.asked.clear();
            desk.next = new CompletableFuture<>();
            player.send(o -> ClientMessages.queueRequest(player.frame, o, ClientProtocol.QUEUE_JOIN, 1));
            // Race 0 is none of the Alliance's; the realm is the token's.
            assertThat(desk.asked).containsExactly("join main/" + EmbeddedPlayer.CHARACTER + " FACTION_HORDE 1");
            assertThat(player.written())
                    .as("nothing until the control plane answers")
                    .isEmpty();

            desk.next.complete(QueueStatusResponse.newBuilder()
                    .addPlaces(QueuePlace.newBuilder()
                            .setTicket(QueueTicket.newBuilder()
                                    .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH)
                                    .setFaction(Faction.FACTION_HORDE))
                            .setPosition(3)
                            .setWaiting(9))
                    .build());
            final List<byte[]> out = player.written();
            assertThat(out).hasSize(1);
            final UnsafeBuffer status = new UnsafeBuffer(out.get(0));
            assertThat(status.getByte(0)).isEqualTo(ClientProtocol.QUEUE_STATUS);
            assertThat(status.getByte(ClientProtocol.QUEUE_STATUS_COUNT)).isEqualTo((byte) 1);
            final int place = ClientProtocol.QUEUE_STATUS_PLACES;
            assertThat(status.getByte(place + ClientProtocol.QUEUE_PLACE_BATTLEGROUND))
                    .isEqualTo((byte) 1);
            assertThat(status.getShort(place + ClientProtocol.QUEUE_PLACE_POSITION, ByteOrder.LITTLE_ENDIAN))
                    .isEqualTo((short) 3);
            assertThat(status.getShort(place + ClientProtocol.QUEUE_PLACE_WAITING, ByteOrder.LITTLE_ENDIAN))
                    .isEqualTo((short) 9);
        }
    }

    @Test
    void aRefusalCarriesItsReasonAndAnOutageSaysToTryAgain() {
        final Desk desk = new Desk();
        try (EmbeddedPlayer player = new EmbeddedPlayer(desk)) {
            player.written();
            desk.next = CompletableFuture.failedFuture(Status.FAILED_PRECONDITION
                    .withDescription("Hero-main is already in 3 queues")
                    .asRuntimeException());
            player.send(o -> ClientMessages.queueRequest(player.frame, o, ClientProtocol.QUEUE_JOIN, 2));
            assertThat(refusal(player.written())).isEqualTo("Hero-main is already in 3 queues");
            desk.asked.clear();

            desk.next = CompletableFuture.failedFuture(
                    Status.UNAVAILABLE.withDescription("etcd at 10.0.0.7 down").asRuntimeException());
            player.send(o -> ClientMessages.queueStatusRequest(player.frame, o));
            // No host or cause of the control plane's reaches the player.
            assertThat(refusal(player.written())).isEqualTo("the battleground service is unavailable; try again");

            // The player logs out: its places wait for it.
            player.send(o -> ClientMessages.logout(player.frame, o));
            // Its map does not tick here: the logout's wait for the save runs out, and the session closes.
            player.ticker.advance(ClientSession.LOGOUT_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            player.tcp.runScheduledPendingTasks();
            player.written();
            assertThat(desk.asked).contains("away " + EmbeddedPlayer.CHARACTER);
        }
    }

    @Test
    void aFloodOfQueueRequestsIsRefusedAtTheNodeWithoutAskingTheControlPlane() {
        final Desk desk = new Desk();
        try (EmbeddedPlayer player = new EmbeddedPlayer(desk)) {
            player.written();
            desk.asked.clear();
            desk.next = CompletableFuture.completedFuture(QueueStatusResponse.getDefaultInstance());
            for (int i = 0; i < 20; i++) {
                player.send(o -> ClientMessages.queueRequest(player.frame, o, ClientProtocol.QUEUE_LEAVE, 1));
            }
            // The burst (5) passes, the rest are refused here (the test's clock stands still).
            assertThat(desk.asked).hasSize((int) SessionQueues.REQUEST_BURST);
            final List<byte[]> out = player.written();
            assertThat(out).hasSize(20);
            assertThat(out.stream().filter(b -> b[0] == ClientProtocol.QUEUE_REFUSED))
                    .hasSize(20 - (int) SessionQueues.REQUEST_BURST);
        }
    }

    private static String refusal(final List<byte[]> out) {
        assertThat(out).hasSize(1);
        final byte[] body = out.get(0);
        assertThat(body[0]).as(new String(body, StandardCharsets.US_ASCII)).isEqualTo(ClientProtocol.QUEUE_REFUSED);
        return new String(
                Arrays.copyOfRange(body, ClientProtocol.REFUSED_TEXT, body.length), StandardCharsets.US_ASCII);
    }
}
