package io.realmcluster.dataplane.transfer;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.TransferAccepted;
import io.realmcluster.proto.v1.TransferGrpc;
import io.realmcluster.proto.v1.TransferOffer;
import io.realmcluster.proto.v1.TransferOffers;
import io.realmcluster.proto.v1.TransferResults;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Target nodes over gRPC: one channel per node, kept for the node's life. Any thread. */
final class GrpcTargetNodes implements TargetNodes {
    private final Map<String, ManagedChannel> peers = new ConcurrentHashMap<>();
    private final ChannelCredentials credentials;

    /** Channels speaking with {@code credentials} (this node's certificate, or plaintext). */
    GrpcTargetNodes(final ChannelCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public TransferAccepted offer(final Endpoint node, final TransferOffer offer, final Duration deadline) {
        return TransferGrpc.newBlockingStub(peer(node))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .offer(offer);
    }

    @Override
    public TransferResults offerMany(final Endpoint node, final TransferOffers offers, final Duration deadline) {
        return TransferGrpc.newBlockingStub(peer(node))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .offerMany(offers);
    }

    @Override
    public void connect(final Endpoint node) {
        peer(node).getState(true);
    }

    private ManagedChannel peer(final Endpoint grpc) {
        return peers.computeIfAbsent(
                grpc.getHost() + ":" + grpc.getPort(),
                address -> Channels.forTargets(List.of(HostPort.parse(address)), 30, credentials));
    }

    @Override
    public void close() {
        peers.values().forEach(Channels::close);
    }
}
