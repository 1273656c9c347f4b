package io.realmcluster.dataplane.link;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.v1.ControlPlaneHeardRequest;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.PeerGrpc;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** {@link PartitionWatch.Ask} over gRPC: one channel per peer, kept for the node's life. */
public final class GrpcPeers implements PartitionWatch.Ask, AutoCloseable {
    private final String nodeId;
    private final ChannelCredentials credentials;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    public GrpcPeers(final String nodeId, final ChannelCredentials credentials) {
        this.nodeId = nodeId;
        this.credentials = credentials;
    }

    @Override
    public OptionalLong heardMillisAgo(final Endpoint peer, final Duration deadline) {
        final ManagedChannel channel = channels.computeIfAbsent(
                peer.getHost() + ":" + peer.getPort(),
                address -> Channels.forTargets(List.of(HostPort.parse(address)), 2, credentials));
        try {
            return OptionalLong.of(PeerGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .controlPlaneHeard(ControlPlaneHeardRequest.newBuilder()
                            .setNodeId(nodeId)
                            .build())
                    .getHeardMsAgo());
        } catch (final StatusRuntimeException unanswered) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        channels.values().forEach(Channels::close);
    }
}
