package io.realmcluster.controlplane.session;

import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.controlplane.registry.NodeRegistry;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.ControlMessage;
import io.realmcluster.proto.v1.NodeMessage;
import io.realmcluster.proto.v1.NodeSessionGrpc;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the nodes' session streams. Each stream keeps its node registered in etcd; the map of
 * open sessions is where controllers find a node to push assignments to.
 */
public final class NodeSessionService extends NodeSessionGrpc.NodeSessionImplBase {
    private final String controlPlaneId;
    private final NodeRegistry registry;
    private final Clock clock;
    private final Duration leaseTtl;
    private final Duration heartbeatInterval;
    private final Map<String, SessionStream> sessions = new ConcurrentHashMap<>();
    private final Counter sessionsEnded;
    private final Counter heartbeats;
    private volatile boolean shuttingDown;
    private volatile AckSink ackSink = (node, lease, ack) -> false;
    private volatile Runnable sessionsChanged = () -> {};

    /** An open session as controllers see it. */
    public interface Session {
        String nodeId();

        /** Stable for the life of the session. */
        Object identity();

        /** Send the node its full assignment set; false when the session already ended. */
        boolean push(AssignmentSet assignments);
    }

    public NodeSessionService(
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
                .name("realm_controlplane_node_sessions")
                .help("Node sessions held by this replica")
                .callback(cb -> cb.call(sessions.size()))
                .register(metrics);
        this.sessionsEnded = Counter.builder()
                .name("realm_controlplane_node_sessions_ended_total")
                .help("Node sessions ended, by reason")
                .labelNames("reason")
                .register(metrics);
        this.heartbeats = Counter.builder()
                .name("realm_controlplane_node_heartbeats_total")
                .help("Heartbeats received from nodes")
                .register(metrics);
    }

    @Override
    public StreamObserver<NodeMessage> session(final StreamObserver<ControlMessage> responses) {
        return new SessionStream(this, responses);
    }

    /** Where node acknowledgements go (recorded in etcd), and who hears that sessions opened or closed. */
    public void connect(final AckSink acks, final Runnable onSessionsChanged) {
        this.ackSink = acks;
        this.sessionsChanged = onSessionsChanged;
    }

    /** The sessions open on this replica now. */
    public List<Session> openSessions() {
        return List.copyOf(sessions.values());
    }

    boolean recordAck(final String nodeId, final long leaseId, final AssignmentAck ack) {
        return ackSink.record(nodeId, leaseId, ack);
    }

    /** Where a session's acknowledgements are recorded: false when stale. */
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

    void opened(final String nodeId, final SessionStream stream) {
        final SessionStream previous = sessions.put(nodeId, stream);
        if (previous != null && previous != stream) {
            previous.supersede();
        }
        sessionsChanged.run();
    }

    void closed(final String nodeId, final SessionStream stream, final String reason) {
        if (sessions.remove(nodeId, stream)) {
            sessionsChanged.run();
        }
        sessionsEnded.labelValues(reason).inc();
    }

    void heartbeatReceived() {
        heartbeats.inc();
    }

    /** Number of open sessions on this replica. */
    public int sessionCount() {
        return sessions.size();
    }
}
