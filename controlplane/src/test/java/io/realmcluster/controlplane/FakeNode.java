package io.realmcluster.controlplane;

import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.ControlMessage;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.Heartbeat;
import io.realmcluster.proto.v1.Hello;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.LoadReport;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapLoad;
import io.realmcluster.proto.v1.MovePhase;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.NodeLinkGrpc;
import io.realmcluster.proto.v1.NodeMessage;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's link driven from a test, behaving like a real node towards assignments: it runs
 * what it is assigned, confirms it, and closes what it is told to close. Like a real node it
 * heartbeats on its own (every 200 ms, with the players it last reported), so its lease lives as
 * long as its link, however slowly a loaded machine runs the test.
 */
public final class FakeNode implements ClientResponseObserver<NodeMessage, ControlMessage> {
    private final String nodeId;
    private final Map<String, MapInstance> running = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private ClientCallStreamObserver<NodeMessage> stream;
    private volatile boolean welcomed;
    private volatile int reportedPlayers;
    private volatile boolean crashed;
    /** Whether it loads (and confirms) copies of instances moving here. */
    private volatile boolean takesMoves = true;
    /** Whether its players leave at once when an instance of its hands them over. */
    private volatile boolean handsOver = true;

    private FakeNode(final String nodeId) {
        this.nodeId = nodeId;
    }

    /** Open a link and say Hello; registration completes in the background. */
    public static FakeNode connect(
            final ManagedChannel channel, final String nodeId, final int capacity, final String... pools) {
        final FakeNode node = new FakeNode(nodeId);
        NodeLinkGrpc.newStub(channel).open(node);
        node.send(NodeMessage.newBuilder()
                .setHello(Hello.newBuilder()
                        .setNode(NodeDescriptor.newBuilder()
                                .setNodeId(nodeId)
                                .setIncarnation(UUID.randomUUID().toString())
                                .setGrpc(Endpoint.newBuilder()
                                        .setHost("127.0.0.1")
                                        .setPort(1))
                                .setClient(Endpoint.newBuilder()
                                        .setHost("127.0.0.1")
                                        .setPort(2))
                                .addAllPools(List.of(pools))
                                .setCapacityPlayers(capacity)))
                .build());
        BEATS.scheduleWithFixedDelay(
                () -> {
                    if (node.welcomed && !node.crashed) {
                        node.heartbeat(node.reportedPlayers);
                    }
                },
                200,
                200,
                TimeUnit.MILLISECONDS);
        return node;
    }

    private static final ScheduledExecutorService BEATS = Executors.newSingleThreadScheduledExecutor(runnable -> {
        final Thread thread = new Thread(runnable, "fake-node-heartbeats");
        thread.setDaemon(true);
        return thread;
    });

    public String nodeId() {
        return nodeId;
    }

    public boolean welcomed() {
        return welcomed;
    }

    /** The instances this node runs now. */
    public Map<String, MapInstance> running() {
        return running;
    }

    /** Report {@code players} in every instance it runs. */
    public void heartbeat(final int players) {
        if (crashed) {
            return;
        }
        reportedPlayers = players;
        final LoadReport.Builder load = LoadReport.newBuilder().setMapInstances(running.size());
        for (final MapInstance instance : running.values()) {
            final boolean handedOver = handsOver
                    && instance.getNodeId().equals(nodeId)
                    && instance.getMove().getPhase() == MovePhase.MOVE_PHASE_HANDING_OVER;
            final MapLoad.Builder map = MapLoad.newBuilder().setInstanceId(instance.getInstanceId());
            if (handedOver) {
                map.setHandedOverMoveEpoch(instance.getMove().getEpoch());
            } else {
                map.setPlayers(players);
                load.setPlayers(load.getPlayers() + players);
            }
            load.addMaps(map);
        }
        send(NodeMessage.newBuilder()
                .setHeartbeat(Heartbeat.newBuilder()
                        .setSequence(sequence.incrementAndGet())
                        .setLoad(load))
                .build());
    }

    /** Leave instances moving here unconfirmed (as if loading them took forever). */
    public void refuseMoves() {
        takesMoves = false;
    }

    /** Keep the players of instances moving away (as if their transfers never finished). */
    public void keepPlayers() {
        handsOver = false;
    }

    /** The process dies: the stream breaks without a goodbye. */
    public void crash() {
        crashed = true;
        stream.cancel("node crashed", null);
    }

    @Override
    public void beforeStart(final ClientCallStreamObserver<NodeMessage> requestStream) {
        this.stream = requestStream;
    }

    @Override
    public void onNext(final ControlMessage message) {
        if (message.hasWelcome()) {
            welcomed = true;
        }
        if (message.hasAssignments()) {
            apply(message.getAssignments().getInstancesList());
        }
    }

    private void apply(final List<MapInstance> assigned) {
        running.keySet()
                .retainAll(assigned.stream().map(MapInstance::getInstanceId).toList());
        for (final MapInstance instance : assigned) {
            final boolean incoming = !instance.getNodeId().equals(nodeId);
            if (incoming && !takesMoves) {
                continue;
            }
            final boolean closing = instance.getState() == InstanceState.INSTANCE_STATE_CLOSING;
            if (closing) {
                running.remove(instance.getInstanceId());
            } else {
                running.put(instance.getInstanceId(), instance);
            }
            send(NodeMessage.newBuilder()
                    .setAssignmentAck(AssignmentAck.newBuilder()
                            .setInstanceId(instance.getInstanceId())
                            .setEpoch(instance.getEpoch())
                            .setState(
                                    closing ? InstanceState.INSTANCE_STATE_CLOSED : InstanceState.INSTANCE_STATE_ACTIVE)
                            .setMoveEpoch(incoming ? instance.getMove().getEpoch() : 0))
                    .build());
        }
    }

    private synchronized void send(final NodeMessage message) {
        stream.onNext(message);
    }

    @Override
    public void onError(final Throwable t) {
        welcomed = false;
    }

    @Override
    public void onCompleted() {
        welcomed = false;
    }

    @Override
    public String toString() {
        return "FakeNode[" + nodeId + "]";
    }
}
