package io.realmcluster.dataplane.transfer;

import java.time.Duration;
import java.util.UUID;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.protobuf.ByteString;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.store.ClaimRefused;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.TransferAccepted;
import io.realmcluster.proto.v1.TransferGrpc;
import io.realmcluster.proto.v1.TransferOffer;

/**
 * The target's side of a transfer: claim the frozen character in the database (the commit
 * point), expect its client at the arrival point, and hand back a token for it. Needs only this
 * node and the database; a replayed offer gets the same claim back.
 */
public final class TransferService extends TransferGrpc.TransferImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(TransferService.class);

    private final String nodeId;
    private final CharacterStore store;
    private final InstanceHost instances;
    private final Arrivals arrivals;
    private final SessionToken tokens;
    private final Endpoint clients;
    private final Duration tokenTtl;
    private final LongSupplier clockMillis;
    private final java.util.concurrent.atomic.AtomicLong transfersIn = new java.util.concurrent.atomic.AtomicLong();

    public TransferService(final String nodeId, final CharacterStore store, final InstanceHost instances,
                           final Arrivals arrivals, final SessionToken tokens, final Endpoint clients,
                           final Duration tokenTtl, final LongSupplier clockMillis) {
        this.nodeId = nodeId;
        this.store = store;
        this.instances = instances;
        this.arrivals = arrivals;
        this.tokens = tokens;
        this.clients = clients;
        this.tokenTtl = tokenTtl;
        this.clockMillis = clockMillis;
    }

    /** Characters this node claimed from other nodes (a replayed offer counts again). */
    public long transfersIn() {
        return transfersIn.get();
    }

    @Override
    public void offer(final TransferOffer offer, final StreamObserver<TransferAccepted> response) {
        final UUID transferId;
        try {
            transferId = UUID.fromString(offer.getTransferId());
        } catch (final IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("transfer_id must be a UUID, got '"
                + offer.getTransferId() + "'").asRuntimeException());
            return;
        }
        if (instances.instance(offer.getTargetInstanceId()) == null) {
            response.onError(Status.NOT_FOUND.withDescription("map instance " + offer.getTargetInstanceId()
                + " does not run on node " + nodeId).asRuntimeException());
            return;
        }
        final ClaimedCharacter claimed;
        try {
            Failpoints.reach(Failpoints.TARGET_BEFORE_CLAIM);
            claimed = store.claimTransfer(offer.getCharacterId(), offer.getEpoch(), transferId, nodeId);
        } catch (final ClaimRefused e) {
            final Status status = e.reason() == ClaimRefused.Reason.DATABASE ? Status.UNAVAILABLE : Status.FAILED_PRECONDITION;
            response.onError(status.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        Failpoints.reach(Failpoints.TARGET_AFTER_CLAIM);
        final long expires = clockMillis.getAsLong() + tokenTtl.toMillis();
        arrivals.expect(new Arrivals.Arrival(claimed, offer.getTargetInstanceId(), offer.getX(), offer.getY(), offer.getZ(),
            offer.getOrientation(), expires, offer.getFrozenAtUnixMs()));
        final byte[] token = tokens.issue(new SessionToken.Claims(claimed.accountId(), offer.getCharacterId(),
            claimed.realm(), nodeId, expires));
        transfersIn.incrementAndGet();
        LOG.info("took character {} from {} into {} (transfer {}, epoch {})", offer.getCharacterId(), offer.getSourceNode(),
            offer.getTargetInstanceId(), transferId, claimed.epoch());
        response.onNext(TransferAccepted.newBuilder().setClient(clients).setToken(ByteString.copyFrom(token))
            .setEpoch(claimed.epoch()).build());
        response.onCompleted();
    }
}
