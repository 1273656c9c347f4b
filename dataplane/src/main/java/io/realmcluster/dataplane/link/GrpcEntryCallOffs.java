package io.realmcluster.dataplane.link;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Channel;
import io.grpc.Status;
import io.realmcluster.dataplane.transfer.EntryCallOffs;
import io.realmcluster.proto.v1.BattlegroundsGrpc;
import io.realmcluster.proto.v1.CallOffEntryRequest;
import io.realmcluster.proto.v1.CallOffEntryResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's Battlegrounds.CallOffEntry as {@link EntryCallOffs}: asynchronous, each try with a
 * deadline, tried again while the leader cannot answer (none elected now, a busy match), a minute at most.
 */
public final class GrpcEntryCallOffs implements EntryCallOffs {
    static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(GrpcEntryCallOffs.class);
    /** Tries, 250 ms apart doubling to 8 s: about a minute in all. */
    private static final int ATTEMPTS = 10;

    private static final long RETRY_MILLIS = 250;

    private final Channel channel;

    /** Over {@code channel} to the control planes' internal listeners (a follower forwards to the leader). */
    public GrpcEntryCallOffs(final Channel channel) {
        this.channel = channel;
    }

    @Override
    public void calledOff(
            final String realm,
            final long characterId,
            final String matchId,
            final String transferId,
            final String reason) {
        send(
                CallOffEntryRequest.newBuilder()
                        .setRealm(realm)
                        .setCharacterId(characterId)
                        .setMatchId(matchId)
                        .setTransferId(transferId)
                        .setReason(reason == null ? "" : reason)
                        .build(),
                0);
    }

    private void send(final CallOffEntryRequest request, final int attempt) {
        Futures.addCallback(
                BattlegroundsGrpc.newFutureStub(channel)
                        .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .callOffEntry(request),
                new FutureCallback<CallOffEntryResponse>() {
                    @Override
                    public void onSuccess(final CallOffEntryResponse response) {}

                    @Override
                    public void onFailure(final Throwable error) {
                        final Status.Code code = Status.fromThrowable(error).getCode();
                        if (attempt + 1 < ATTEMPTS
                                && (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED)) {
                            CompletableFuture.delayedExecutor(
                                            RETRY_MILLIS << Math.min(attempt, 5), TimeUnit.MILLISECONDS)
                                    .execute(() -> send(request, attempt + 1));
                            return;
                        }
                        LOG.warn(
                                "could not give back the seat of character {} of realm {} in match {} after its entry"
                                        + " was called off: {} (the match's end frees it)",
                                request.getCharacterId(),
                                request.getRealm(),
                                request.getMatchId(),
                                Status.fromThrowable(error));
                    }
                },
                MoreExecutors.directExecutor());
    }
}
