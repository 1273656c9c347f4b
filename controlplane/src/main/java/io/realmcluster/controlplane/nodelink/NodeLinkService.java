package io.realmcluster.controlplane.nodelink;

import com.google.common.collect.Iterables;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.grpc.Callers;
import io.realmcluster.controlplane.registry.NodeRegistry;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.BattlegroundInvites;
import io.realmcluster.proto.v1.ControlMessage;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.NodeLinkGrpc;
import io.realmcluster.proto.v1.NodeMessage;
import io.realmcluster.proto.v1.Peers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the nodes' link streams. Each stream keeps its node registered in etcd; the map of
 * open links is where controllers find a node to push assignments to.
 */
public final class NodeLinkService extends NodeLinkGrpc.NodeLinkImplBase {
    /** How many peers each node is told of. */
    static final int PEERS = 3;

    private final String controlPlaneId;
    private final NodeRegistry registry;
    private final Clock clock;
    private final Duration leaseTtl;
    private final Duration heartbeatInterval;
    private final Map<String, NodeLinkStream> links = new ConcurrentHashMap<>();
    /** The linked nodes' gRPC addresses by node id, rebuilt as links open and close, for {@link #peersOf}. */
    private volatile NavigableMap<String, Endpoint> linked = new TreeMap<>();

    private final Counter linksEnded;
    private final Counter heartbeats;
    private volatile boolean shuttingDown;
    private volatile AckSink ackSink = (node, lease, ack) -> false;
    private volatile Runnable linksChanged = () -> {};

    /** An open link as controllers see it. */
    public interface Link {
        String nodeId();

        /** Stable for the life of the link. */
        Object identity();

        /** Send the node its full assignment set; false when the link already ended. */
        boolean push(AssignmentSet assignments);

        /** Send the node the matches with seats of its players; false when the link already ended. */
        boolean push(BattlegroundInvites invites);
    }

    public NodeLinkService(
            final String controlPlaneId,
            final NodeRegistry registry,
            final Clock clock,
            final Duration leaseTtl,
            final Duration heartbeatInterval,
            final PrometheusRegistry metrics) {
        this.controlPlaneId = controlPlaneId;
        this.registry = registry;
        this.clock = clock;
        this.leaseTtl = leaseTtl;
        this.heartbeatInterval = heartbeatInterval;
        GaugeWithCallback.builder()
                .name("realm_controlplane_node_links")
                .help("Node links held by this replica")
                .callback(cb -> cb.call(links.size()))
                .register(metrics);
        this.linksEnded = Counter.builder()
                .name("realm_controlplane_node_links_ended_total")
                .help("Node links ended, by reason")
                .labelNames("reason")
                .register(metrics);
        this.heartbeats = Counter.builder()
                .name("realm_controlplane_node_heartbeats_total")
                .help("Heartbeats received from nodes")
                .register(metrics);
    }

    @Override
    public StreamObserver<NodeMessage> open(final StreamObserver<ControlMessage> responses) {
        return new NodeLinkStream(this, responses, Callers.current().orElse(null));
    }

    /** Where node acknowledgements go (recorded in etcd), and who hears that links opened or closed. */
    public void connect(final AckSink acks, final Runnable onLinksChanged) {
        this.ackSink = acks;
        this.linksChanged = onLinksChanged;
    }

    /** The links open on this replica now. */
    public List<Link> openLinks() {
        return List.copyOf(links.values());
    }

    boolean recordAck(final String nodeId, final long leaseId, final AssignmentAck ack) {
        return ackSink.record(nodeId, leaseId, ack);
    }

    /** Where a link's acknowledgements are recorded: false when stale. */
    @FunctionalInterface
    public interface AckSink {
        boolean record(String nodeId, long leaseId, AssignmentAck ack);
    }

    /** Stop revoking leases of streams that end: they end because this replica stops, not their node. */
    public void beginShutdown() {
        shuttingDown = true;
    }

    boolean shuttingDown() {
        return shuttingDown;
    }

    String controlPlaneId() {
        return controlPlaneId;
    }

    NodeRegistry registry() {
        return registry;
    }

    Clock clock() {
        return clock;
    }

    Duration leaseTtl() {
        return leaseTtl;
    }

    Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    void opened(final String nodeId, final NodeLinkStream stream) {
        final NodeLinkStream previous = links.put(nodeId, stream);
        if (previous != null && previous != stream) {
            previous.supersede();
        }
        relink();
        linksChanged.run();
    }

    void closed(final String nodeId, final NodeLinkStream stream, final String reason) {
        if (links.remove(nodeId, stream)) {
            relink();
            linksChanged.run();
        }
        linksEnded.labelValues(reason).inc();
    }

    private synchronized void relink() {
        final NavigableMap<String, Endpoint> now = new TreeMap<>();
        links.forEach((id, stream) -> now.put(id, stream.grpc()));
        linked = now;
    }

    /**
     * The few nodes {@code nodeId} may ask whether they still hear this replica: the next {@link #PEERS} linked
     * nodes after it in id order, wrapping around, so that the asking spreads over the cluster.
     */
    Peers peersOf(final String nodeId) {
        final NavigableMap<String, Endpoint> now = linked;
        final Peers.Builder peers = Peers.newBuilder();
        for (final Endpoint next : Iterables.concat(
                now.tailMap(nodeId, false).values(), now.headMap(nodeId, false).values())) {
            if (peers.getNodesCount() == PEERS) {
                break;
            }
            peers.addNodes(next);
        }
        return peers.build();
    }

    void heartbeatReceived() {
        heartbeats.inc();
    }

    /** Number of open links on this replica. */
    public int linkCount() {
        return links.size();
    }
}
