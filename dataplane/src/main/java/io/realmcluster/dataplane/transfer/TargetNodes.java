package io.realmcluster.dataplane.transfer;

import io.grpc.StatusRuntimeException;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.TransferAccepted;
import io.realmcluster.proto.v1.TransferOffer;
import io.realmcluster.proto.v1.TransferOffers;
import io.realmcluster.proto.v1.TransferResults;
import java.time.Duration;

/**
 * The nodes characters go to, reached at their gRPC endpoints. Each call blocks for at most its
 * deadline and fails with a {@link StatusRuntimeException}.
 */
interface TargetNodes extends AutoCloseable {
    /** Transfer.Offer: the target claims the character, or refuses with a status. */
    TransferAccepted offer(Endpoint node, TransferOffer offer, Duration deadline);

    /** Transfer.OfferMany: each offer claimed or refused on its own, in one call. */
    TransferResults offerMany(Endpoint node, TransferOffers offers, Duration deadline);

    /** Start connecting to {@code node} ahead of its first offer; returns at once. */
    void connect(Endpoint node);

    @Override
    void close();
}
