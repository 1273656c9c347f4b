package io.realmcluster.controlplane.registry;

import io.realmcluster.proto.v1.NodeStatus;

/** Another live process is registered with the same node id. */
public final class NodeIdTakenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NodeIdTakenException(final String nodeId, final NodeStatus holder) {
        super("node id " + nodeId + " is registered by another live process"
                + (holder == null
                        ? ""
                        : " (incarnation " + holder.getNode().getIncarnation() + ", gRPC "
                                + holder.getNode().getGrpc().getHost() + ":"
                                + holder.getNode().getGrpc().getPort() + ")")
                + "; a restarted node can register once that entry's lease expires");
    }
}
