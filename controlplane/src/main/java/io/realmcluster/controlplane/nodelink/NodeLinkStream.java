package io.realmcluster.controlplane.nodelink;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.log.LogSafe;
import io.realmcluster.common.tls.PeerIdentity;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.registry.LinkLostException;
import io.realmcluster.controlplane.registry.NodeIdTakenException;
import io.realmcluster.controlplane.registry.NodeRegistry;
import io.realmcluster.controlplane.registry.Registration;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.BattlegroundInvites;
import io.realmcluster.proto.v1.ControlMessage;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.Heartbeat;
import io.realmcluster.proto.v1.HeartbeatAck;
import io.realmcluster.proto.v1.Hello;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.LoadReport;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeMessage;
import io.realmcluster.proto.v1.NodeState;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.proto.v1.Peers;
import io.realmcluster.proto.v1.Welcome;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's link: Hello registers the node under a fresh lease, heartbeats renew it, and the
 * end of the stream revokes it. A stream that breaks is evidence the node's process or connection
 * is gone; a node that is only slow re-registers with the same incarnation.
 */
final class NodeLinkStream implements StreamObserver<NodeMessage>, NodeLinkService.Link {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLinkStream.class);
    /** Rewrite the stored entry at least this often even when the load did not change. */
    private static final long REWRITE_INTERVAL_MS = 5_000;

    private final NodeLinkService service;
    private final StreamObserver<ControlMessage> responses;
    /** Who holds the link's certificate; null without TLS. */
    private final PeerIdentity caller;

    private Registration registration;
    private NodeStatus status;
    private long lastWriteMillis;
    /** Heartbeats whose lease renewal succeeded on this link. */
    private long heartbeats;
    /** The last renewal failed for want of etcd: said once until one succeeds. */
    private boolean renewFailing;
    /** The peers this link last told its node of; null before the first ack. */
    private Peers peersTold;

    private boolean ended;

    NodeLinkStream(
            final NodeLinkService service, final StreamObserver<ControlMessage> responses, final PeerIdentity caller) {
        this.service = service;
        this.responses = responses;
        this.caller = caller;
    }

    @Override
    public void onNext(final NodeMessage message) {
        try {
            switch (message.getBodyCase()) {
                case HELLO -> hello(message.getHello());
                case HEARTBEAT -> heartbeat(message.getHeartbeat());
                case GOODBYE -> goodbye(message.getGoodbye().getReason());
                case ASSIGNMENT_ACK -> acknowledged(message.getAssignmentAck());
                default ->
                    throw Status.INVALID_ARGUMENT
                            .withDescription("empty or unknown node message")
                            .asRuntimeException();
            }
        } catch (final StatusRuntimeException e) {
            fail(e.getStatus(), e.getStatus().getCode().name().toLowerCase(Locale.ROOT));
        } catch (final NodeIdTakenException e) {
            fail(Status.ALREADY_EXISTS.withDescription(e.getMessage()), "node_id_taken");
        } catch (final LinkLostException e) {
            fail(Status.FAILED_PRECONDITION.withDescription(e.getMessage() + "; register again"), "link_lost");
        } catch (final EtcdUnavailableException e) {
            fail(Status.UNAVAILABLE.withDescription(e.getMessage()), "etcd_unavailable");
        }
    }

    private void hello(final Hello hello) {
        if (registration != null) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("second Hello on one link")
                    .asRuntimeException();
        }
        final String invalid = NodeRegistry.invalidNodeId(hello.getNode().getNodeId());
        if (invalid != null) {
            throw Status.INVALID_ARGUMENT.withDescription(invalid).asRuntimeException();
        }
        if (caller != null && !caller.name().equals(hello.getNode().getNodeId())) {
            throw Status.PERMISSION_DENIED
                    .withDescription("the link's certificate names " + caller + " but its Hello says node "
                            + hello.getNode().getNodeId() + "; a node registers only as the node its certificate names")
                    .asRuntimeException();
        }
        if (hello.getNode().getIncarnation().isEmpty()) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("Hello without incarnation")
                    .asRuntimeException();
        }
        final long now = service.clock().millis();
        status = NodeStatus.newBuilder()
                .setNode(hello.getNode())
                .setState(NodeState.NODE_STATE_READY)
                .setControlplaneId(service.controlPlaneId())
                .setLinkAttempt(hello.getAttempt())
                .setRegisteredAtUnixMs(now)
                .setLastHeartbeatUnixMs(now)
                .build();
        registration = service.registry().register(status);
        lastWriteMillis = now;
        LOG.info(
                "node {} registered (gRPC {}:{}, clients {}:{}, pools {}, realms {}, lease {})",
                LogSafe.safe(registration.nodeId()),
                LogSafe.safe(hello.getNode().getGrpc().getHost()),
                hello.getNode().getGrpc().getPort(),
                LogSafe.safe(hello.getNode().getClient().getHost()),
                hello.getNode().getClient().getPort(),
                LogSafe.safe(String.join(",", hello.getNode().getPoolsList())),
                hello.getNode().getRealmsCount() == 0
                        ? "all"
                        : LogSafe.safe(String.join(",", hello.getNode().getRealmsList())),
                Long.toHexString(registration.leaseId()));
        send(ControlMessage.newBuilder()
                .setWelcome(Welcome.newBuilder()
                        .setLeaseId(registration.leaseId())
                        .setLeaseTtlMs(service.leaseTtl().toMillis())
                        .setHeartbeatIntervalMs(service.heartbeatInterval().toMillis())
                        .setControlplaneId(service.controlPlaneId()))
                .build());
        adopt(hello.getRunningList());
        // After the Welcome, so the node's first assignment set never overtakes it.
        service.opened(registration.nodeId(), this);
    }

    /**
     * Confirm again, under the new lease, what the node says it runs and etcd still assigns to it at that epoch:
     * the confirmations of its previous session went with that session's lease, and without them its maps would
     * count as pending (not routed to, not idle) until it acknowledged its next assignment set. What etcd no longer
     * assigns to it is not adopted: the set pushed next tells the node to drop it.
     */
    private void adopt(final List<MapInstance> running) {
        int adopted = 0;
        for (final MapInstance instance : running) {
            if (!instance.getNodeId().equals(registration.nodeId())
                    || instance.getState() == InstanceState.INSTANCE_STATE_CLOSING) {
                continue;
            }
            final AssignmentAck ack = AssignmentAck.newBuilder()
                    .setInstanceId(instance.getInstanceId())
                    .setEpoch(instance.getEpoch())
                    .setState(InstanceState.INSTANCE_STATE_ACTIVE)
                    .build();
            try {
                if (service.recordAck(registration.nodeId(), registration.leaseId(), ack)) {
                    adopted++;
                }
            } catch (final EtcdUnavailableException e) {
                LOG.warn(
                        "could not confirm again what node {} runs ({}); its next acknowledgements will",
                        LogSafe.safe(registration.nodeId()),
                        e.getMessage());
                return;
            }
        }
        if (!running.isEmpty()) {
            LOG.info(
                    "node {} runs {} instances; {} still assigned to it at the same epoch, confirmed again",
                    LogSafe.safe(registration.nodeId()),
                    running.size(),
                    adopted);
        }
    }

    private void heartbeat(final Heartbeat heartbeat) {
        requireRegistered();
        service.heartbeatReceived();
        final long now = service.clock().millis();
        NodeStatus rewrite = null;
        if (placementRelevantChange(status.getLoad(), heartbeat.getLoad())
                || now - lastWriteMillis >= REWRITE_INTERVAL_MS) {
            status = status.toBuilder()
                    .setLoad(heartbeat.getLoad())
                    .setLastHeartbeatUnixMs(now)
                    .build();
            rewrite = status;
        }
        try {
            registration = service.registry().renew(registration, rewrite);
        } catch (final EtcdUnavailableException e) {
            // etcd is away (restarting, or slow): every replica sees the same etcd, so leaving this one would not
            // help. The link stays and this heartbeat goes unacknowledged; a lease etcd still holds is renewed by
            // the next one, and one that lapsed meanwhile ends the link then (LinkLostException).
            if (!renewFailing) {
                LOG.warn(
                        "could not renew the lease of node {} ({}); keeping its link, heartbeats unacknowledged"
                                + " until etcd answers",
                        LogSafe.safe(registration.nodeId()),
                        e.getMessage());
            }
            renewFailing = true;
            return;
        }
        if (renewFailing) {
            renewFailing = false;
            LOG.info("lease of node {} renewed again", LogSafe.safe(registration.nodeId()));
        }
        heartbeats++;
        if (rewrite != null) {
            lastWriteMillis = now;
        }
        final HeartbeatAck.Builder ack = HeartbeatAck.newBuilder().setSequence(heartbeat.getSequence());
        final Peers peers = service.peersOf(registration.nodeId());
        if (!peers.equals(peersTold)) {
            ack.setPeers(peers);
            peersTold = peers;
        }
        send(ControlMessage.newBuilder().setHeartbeatAck(ack).build());
    }

    /** Where the node serves its peers (Transfer, Peer), as its Hello said. */
    Endpoint grpc() {
        return status.getNode().getGrpc();
    }

    private void acknowledged(final AssignmentAck ack) {
        requireRegistered();
        if (!service.recordAck(registration.nodeId(), registration.leaseId(), ack)) {
            LOG.debug(
                    "stale acknowledgement from node {} for {} at epoch {}",
                    registration.nodeId(),
                    ack.getInstanceId(),
                    ack.getEpoch());
        }
    }

    @Override
    public String nodeId() {
        return registration.nodeId();
    }

    @Override
    public Object identity() {
        return this;
    }

    @Override
    public synchronized boolean push(final AssignmentSet assignments) {
        if (ended) {
            return false;
        }
        responses.onNext(ControlMessage.newBuilder().setAssignments(assignments).build());
        return true;
    }

    @Override
    public synchronized boolean push(final BattlegroundInvites invites) {
        if (ended) {
            return false;
        }
        responses.onNext(ControlMessage.newBuilder().setInvites(invites).build());
        return true;
    }

    /**
     * Whether a load report changes what placement decides from (players, instances), which is
     * written at once; tick timings alone wait for the periodic rewrite, so a busy cluster does not
     * turn every heartbeat into an etcd write and a watch event on every replica.
     */
    static boolean placementRelevantChange(final LoadReport before, final LoadReport after) {
        if (before.getPlayers() != after.getPlayers()
                || before.getMapInstances() != after.getMapInstances()
                || before.getMapsCount() != after.getMapsCount()) {
            return true;
        }
        for (int i = 0; i < after.getMapsCount(); i++) {
            if (before.getMaps(i).getPlayers() != after.getMaps(i).getPlayers()
                    || !before.getMaps(i)
                            .getInstanceId()
                            .equals(after.getMaps(i).getInstanceId())) {
                return true;
            }
        }
        return false;
    }

    private void goodbye(final String reason) {
        requireRegistered();
        LOG.info("node {} said goodbye: {}", LogSafe.safe(registration.nodeId()), LogSafe.safe(reason));
        release("goodbye");
        synchronized (this) {
            ended = true;
            responses.onCompleted();
        }
    }

    @Override
    public void onError(final Throwable t) {
        if (registration == null) {
            return;
        }
        if (service.shuttingDown()) {
            // The node keeps its lease until it re-registers with another replica.
            service.closed(registration.nodeId(), this, "controlplane_shutdown");
            return;
        }
        if (heartbeats == 0) {
            // Broken before its first heartbeat: most likely the node gave up waiting for this link's Welcome (a
            // slow replica answers its Hello late) and is registering again on a new one. Revoking the lease now
            // would take a live node for dead between its two links; the lease lapses on its own if it is dead.
            LOG.info(
                    "link of node {} broke before its first heartbeat ({}); leaving lease {} to lapse on its own",
                    registration.nodeId(),
                    Status.fromThrowable(t).getCode(),
                    Long.toHexString(registration.leaseId()));
            service.closed(registration.nodeId(), this, "stream_broken_early");
            return;
        }
        LOG.info(
                "link of node {} broke ({}); removing it",
                registration.nodeId(),
                Status.fromThrowable(t).getCode());
        release("stream_broken");
    }

    @Override
    public void onCompleted() {
        if (registration != null && !ended) {
            release("stream_closed");
        }
        synchronized (this) {
            if (!ended) {
                ended = true;
                responses.onCompleted();
            }
        }
    }

    /** Another stream registered the same node: this one is stale and ends without touching the entry. */
    void supersede() {
        synchronized (this) {
            if (!ended) {
                ended = true;
                responses.onError(Status.FAILED_PRECONDITION
                        .withDescription("superseded by a newer link of the same node")
                        .asRuntimeException());
            }
        }
    }

    private void release(final String reason) {
        final Registration ending = registration;
        service.closed(ending.nodeId(), this, reason);
        try {
            service.registry().release(ending);
        } catch (final EtcdUnavailableException e) {
            LOG.warn("could not revoke lease of node {} ({}); it expires on its own", ending.nodeId(), e.getMessage());
        }
    }

    private void requireRegistered() {
        if (registration == null) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("first message must be Hello")
                    .asRuntimeException();
        }
    }

    private void fail(final Status status, final String reason) {
        LOG.warn(
                "ending link of node {}: {}",
                registration == null ? "(unregistered)" : LogSafe.safe(registration.nodeId()),
                LogSafe.safe(status.getDescription(), 256));
        if (registration != null) {
            service.closed(registration.nodeId(), this, reason);
        }
        synchronized (this) {
            if (!ended) {
                ended = true;
                responses.onError(status.asRuntimeException());
            }
        }
    }

    private synchronized void send(final ControlMessage message) {
        if (!ended) {
            responses.onNext(message);
        }
    }
}
