package io.realmcluster.dataplane.link;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Channel;
import io.grpc.Status;
import io.realmcluster.dataplane.net.QueueDesk;
import io.realmcluster.proto.v1.AdmitEntryRequest;
import io.realmcluster.proto.v1.AdmitEntryResponse;
import io.realmcluster.proto.v1.AnswerInviteRequest;
import io.realmcluster.proto.v1.AnswerInviteResponse;
import io.realmcluster.proto.v1.BattlegroundType;
import io.realmcluster.proto.v1.BattlegroundsGrpc;
import io.realmcluster.proto.v1.JoinQueueRequest;
import io.realmcluster.proto.v1.LeaveQueueRequest;
import io.realmcluster.proto.v1.QueueStatusRequest;
import io.realmcluster.proto.v1.QueueStatusResponse;
import io.realmcluster.proto.v1.QueueTicket;
import io.realmcluster.proto.v1.QueuedPlayer;
import io.realmcluster.proto.v1.ReportDisconnectedRequest;
import io.realmcluster.proto.v1.SetAwayRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The control plane's Battlegrounds service as a {@link QueueDesk}: every call asynchronous, each with a deadline. */
public final class GrpcQueueDesk implements QueueDesk {
    static final Duration DEADLINE = Duration.ofSeconds(5);
    /** Tries of a disconnect report while the control plane is unavailable, 250 ms apart, doubling to 4 s. */
    private static final int DISCONNECT_ATTEMPTS = 8;

    private static final long RETRY_MILLIS = 250;

    private final Channel channel;
    private final String nodeId;

    /**
     * Over {@code channel} to the control planes' internal listeners (the node's own, shared with
     * placement); {@code nodeId}, this node's, is where the players who join or come back here get
     * their invites.
     */
    public GrpcQueueDesk(final Channel channel, final String nodeId) {
        this.channel = channel;
        this.nodeId = nodeId;
    }

    @Override
    public CompletableFuture<QueueStatusResponse> join(final QueuedPlayer player, final int battleground) {
        final ListenableFuture<?> joined = stub().joinQueue(JoinQueueRequest.newBuilder()
                .setTicket(QueueTicket.newBuilder()
                        .setBattlegroundValue(battleground)
                        .setFaction(player.getFaction())
                        .addMembers(player.toBuilder().setNodeId(nodeId)))
                .build());
        return then(joined, ignored -> status(player.getRealm(), player.getCharacterId()));
    }

    @Override
    public CompletableFuture<QueueStatusResponse> leave(
            final String realm, final long characterId, final int battleground) {
        final ListenableFuture<?> left = stub().leaveQueue(LeaveQueueRequest.newBuilder()
                .setRealm(realm)
                .setCharacterId(characterId)
                .setBattleground(
                        BattlegroundType.forNumber(battleground) == null
                                ? BattlegroundType.BATTLEGROUND_TYPE_UNSPECIFIED
                                : BattlegroundType.forNumber(battleground))
                .build());
        return then(left, ignored -> status(realm, characterId));
    }

    @Override
    public CompletableFuture<QueueStatusResponse> status(final String realm, final long characterId) {
        return completable(stub().queueStatus(QueueStatusRequest.newBuilder()
                .setRealm(realm)
                .setCharacterId(characterId)
                .build()));
    }

    @Override
    public CompletableFuture<Void> away(final String realm, final long characterId, final boolean away) {
        return completable(stub().setAway(SetAwayRequest.newBuilder()
                        .setRealm(realm)
                        .setCharacterId(characterId)
                        .setAway(away)
                        .setNodeId(away ? "" : nodeId)
                        .build()))
                .thenApply(ignored -> null);
    }

    @Override
    public CompletableFuture<AnswerInviteResponse> answer(
            final String realm, final long characterId, final String matchId, final boolean accept) {
        return completable(stub().answerInvite(AnswerInviteRequest.newBuilder()
                .setRealm(realm)
                .setCharacterId(characterId)
                .setMatchId(matchId)
                .setAccept(accept)
                .build()));
    }

    @Override
    public CompletableFuture<Void> disconnected(
            final String realm, final long characterId, final String matchId, final boolean away, final long atMillis) {
        final ReportDisconnectedRequest request = ReportDisconnectedRequest.newBuilder()
                .setRealm(realm)
                .setCharacterId(characterId)
                .setMatchId(matchId)
                .setAway(away)
                .setDisconnectedAtUnixMs(away ? atMillis : 0)
                .setBackAtUnixMs(away ? 0 : atMillis)
                .build();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        reportDisconnected(request, 0, done);
        return done;
    }

    /** One try; an unavailable control plane (no leader now, a replica restarting) is tried again, a while. */
    private void reportDisconnected(
            final ReportDisconnectedRequest request, final int attempt, final CompletableFuture<Void> done) {
        completable(stub().reportDisconnected(request)).whenComplete((ignored, error) -> {
            if (error == null) {
                done.complete(null);
            } else if (attempt + 1 < DISCONNECT_ATTEMPTS
                    && Status.fromThrowable(error).getCode() == Status.Code.UNAVAILABLE) {
                CompletableFuture.delayedExecutor(RETRY_MILLIS << Math.min(attempt, 4), TimeUnit.MILLISECONDS)
                        .execute(() -> reportDisconnected(request, attempt + 1, done));
            } else {
                done.completeExceptionally(error);
            }
        });
    }

    @Override
    public CompletableFuture<Integer> rejoin(
            final String realm, final long characterId, final String matchId, final String instanceId) {
        return completable(BattlegroundsGrpc.newFutureStub(channel)
                        .withDeadlineAfter(GrpcEntryAdmission.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .admitEntry(AdmitEntryRequest.newBuilder()
                                .setRealm(realm)
                                .setCharacterId(characterId)
                                .setMatchId(matchId)
                                .setInstanceId(instanceId)
                                .build()))
                .thenApply(AdmitEntryResponse::getTeamValue);
    }

    private BattlegroundsGrpc.BattlegroundsFutureStub stub() {
        return BattlegroundsGrpc.newFutureStub(channel).withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> CompletableFuture<QueueStatusResponse> then(
            final ListenableFuture<T> first, final Function<T, CompletableFuture<QueueStatusResponse>> next) {
        return completable(first).thenCompose(next);
    }

    private static <T> CompletableFuture<T> completable(final ListenableFuture<T> call) {
        final CompletableFuture<T> result = new CompletableFuture<>();
        Futures.addCallback(
                call,
                new FutureCallback<>() {
                    @Override
                    public void onSuccess(final T value) {
                        result.complete(value);
                    }

                    @Override
                    public void onFailure(final Throwable error) {
                        result.completeExceptionally(error);
                    }
                },
                MoreExecutors.directExecutor());
        return result;
    }
}
