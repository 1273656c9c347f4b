package io.realmcluster.dataplane.link;

import io.grpc.stub.StreamObserver;
import io.realmcluster.proto.v1.ControlPlaneHeardRequest;
import io.realmcluster.proto.v1.ControlPlaneHeardResponse;
import io.realmcluster.proto.v1.PeerGrpc;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Answers peer nodes how long ago this node last heard the control plane (see {@link PartitionWatch}). */
public final class PeerService extends PeerGrpc.PeerImplBase {
    private final Supplier<ControlPlaneLink> link;

    /** {@code link} is null until the node made its link (after its listeners are bound). */
    public PeerService(final Supplier<ControlPlaneLink> link) {
        this.link = link;
    }

    @Override
    public void controlPlaneHeard(
            final ControlPlaneHeardRequest request, final StreamObserver<ControlPlaneHeardResponse> responses) {
        final ControlPlaneLink current = link.get();
        final long heard = current == null ? 0 : current.heardNanos();
        responses.onNext(ControlPlaneHeardResponse.newBuilder()
                .setHeardMsAgo(heard == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - heard))
                .setControlplaneId(current == null ? "" : current.controlPlaneId())
                .build());
        responses.onCompleted();
    }
}
