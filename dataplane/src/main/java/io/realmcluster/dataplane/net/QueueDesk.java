package io.realmcluster.dataplane.net;

import io.grpc.Status;
import io.realmcluster.proto.v1.AnswerInviteResponse;
import io.realmcluster.proto.v1.QueueStatusResponse;
import io.realmcluster.proto.v1.QueuedPlayer;
import java.util.concurrent.CompletableFuture;

/**
 * Where a node's players queue for battlegrounds: the control plane's Battlegrounds service. Each
 * call answers the player's queues after it (QUEUE_STATUS), or fails with a gRPC status:
 * FAILED_PRECONDITION carries the reason a join was refused. Never blocks its caller (an event loop).
 */
public interface QueueDesk {
    /** A node that queues nobody (no control plane to ask). */
    QueueDesk NONE = new QueueDesk() {
        @Override
        public CompletableFuture<QueueStatusResponse> join(final QueuedPlayer player, final int battleground) {
            return refused();
        }

        @Override
        public CompletableFuture<QueueStatusResponse> leave(
                final String realm, final long characterId, final int battleground) {
            return refused();
        }

        @Override
        public CompletableFuture<QueueStatusResponse> status(final String realm, final long characterId) {
            return refused();
        }

        @Override
        public CompletableFuture<Void> away(final String realm, final long characterId, final boolean away) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<AnswerInviteResponse> answer(
                final String realm, final long characterId, final String matchId, final boolean accept) {
            return CompletableFuture.failedFuture(Status.FAILED_PRECONDITION
                    .withDescription("this node queues nobody for battlegrounds")
                    .asRuntimeException());
        }

        private CompletableFuture<QueueStatusResponse> refused() {
            return CompletableFuture.failedFuture(Status.FAILED_PRECONDITION
                    .withDescription("this node queues nobody for battlegrounds")
                    .asRuntimeException());
        }
    };

    /** Queue {@code player} alone for {@code battleground} (a BattlegroundType number). */
    CompletableFuture<QueueStatusResponse> join(QueuedPlayer player, int battleground);

    /** Take the character out of that queue. */
    CompletableFuture<QueueStatusResponse> leave(String realm, long characterId, int battleground);

    /** The character's queues. */
    CompletableFuture<QueueStatusResponse> status(String realm, long characterId);

    /** The character logged out ({@code away}) or in again: its places wait for it a while, then go. */
    CompletableFuture<Void> away(String realm, long characterId, boolean away);

    /**
     * The character's answer to its invite to {@code matchId}: accepted, where to go; FAILED_PRECONDITION
     * with the reason when refused (past the deadline, declined already, not the player's match).
     */
    CompletableFuture<AnswerInviteResponse> answer(String realm, long characterId, String matchId, boolean accept);

    /**
     * The character, entered in {@code matchId}, left the game at {@code atMillis} ({@code away}) or is back in
     * the match since {@code atMillis} (this node's clock orders the two): the control plane keeps its seat for the
     * disconnect grace. Retried while the control plane is
     * unavailable; fails with the reason when the seat is gone.
     */
    default CompletableFuture<Void> disconnected(
            final String realm, final long characterId, final String matchId, final boolean away, final long atMillis) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The character logs in again into {@code instanceId}, the instance of {@code matchId}: the side (a Faction
     * number) of its entered seat; FAILED_PRECONDITION when it holds none (it left, or the grace ran out).
     */
    default CompletableFuture<Integer> rejoin(
            final String realm, final long characterId, final String matchId, final String instanceId) {
        return CompletableFuture.failedFuture(Status.FAILED_PRECONDITION
                .withDescription("this node takes nobody back into battlegrounds")
                .asRuntimeException());
    }
}
