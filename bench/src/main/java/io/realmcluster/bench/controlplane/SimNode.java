package io.realmcluster.bench.controlplane;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.ControlMessage;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.Heartbeat;
import io.realmcluster.proto.v1.Hello;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.LoadReport;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.MapLoad;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.NodeLinkGrpc;
import io.realmcluster.proto.v1.NodeMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One simulated data-plane node: a real NodeLink stream to a control-plane replica, as a node opens
 * it, with no map behind it. It says Hello (with what it runs, after a failover), heartbeats at the
 * interval its Welcome gives with a synthetic load report (players per instance, a tick p99 that
 * wanders), confirms every instance it is assigned at once, confirms CLOSED what it is told to
 * close, and moves to the next replica when its link breaks. {@link #kill} is its SIGKILL: the
 * connection closes with nothing said.
 */
final class SimNode {
    /** Players a running dungeon instance reports, until the fleet empties it. */
    static final int DUNGEON_PLAYERS = 5;
    /** Players a running continent reports. */
    static final int CONTINENT_PLAYERS = 200;

    private final String id;
    private final SimFleet fleet;
    private final List<HostPort> controlPlanes;
    private final NodeDescriptor descriptor;
    private final Object lock = new Object();

    // Guarded by lock.
    private int replica;
    private long attempt;
    private long sequence;
    private ManagedChannel channel;
    private StreamObserver<NodeMessage> out;
    private ScheduledFuture<?> heartbeats;
    /** What this node runs: the assignment it confirmed, by instance id. */
    private Map<String, MapInstance> running = new HashMap<>();
    /** Instances it reports without players (they close after the idle time). */
    private final Set<String> emptied = new HashSet<>();
    /** CLOSED confirmations sent, by instance id and epoch, so a set pushed again is not confirmed twice. */
    private final Set<String> closedSent = new HashSet<>();

    private boolean dead;
    private boolean registered;

    SimNode(final String id, final int index, final SimFleet fleet, final List<HostPort> controlPlanes) {
        this.id = id;
        this.fleet = fleet;
        this.controlPlanes = List.copyOf(controlPlanes);
        // Spread the links over the replicas, as nodes given every address in a different order would.
        this.replica = index % controlPlanes.size();
        this.descriptor = NodeDescriptor.newBuilder()
                .setNodeId(id)
                // Nothing calls a simulated node: the addresses are where a real one would listen.
                .setGrpc(Endpoint.newBuilder().setHost("127.0.0.1").setPort(20_000 + index))
                .setClient(Endpoint.newBuilder().setHost("127.0.0.1").setPort(40_000 + index))
                .addAllPools(List.of("continent", "dungeon", "raid", "battleground"))
                .setCapacityPlayers(1_000_000)
                .setVersion("sim")
                .setStartedAtUnixMs(System.currentTimeMillis())
                .setIncarnation(UUID.randomUUID().toString())
                .build();
    }

    String id() {
        return id;
    }

    /** Open the link (again) to the current replica. */
    void open() {
        synchronized (lock) {
            if (dead) {
                return;
            }
            if (channel == null) {
                channel = Channels.forTargets(List.of(controlPlanes.get(replica)), 30);
            }
            attempt++;
            registered = false;
            final StreamObserver<ControlMessage> in = new Inbound(attempt);
            out = NodeLinkGrpc.newStub(channel).open(in);
            out.onNext(NodeMessage.newBuilder()
                    .setHello(Hello.newBuilder()
                            .setNode(descriptor)
                            .addAllRunning(running.values().stream()
                                    .map(i -> i.toBuilder()
                                            .setState(InstanceState.INSTANCE_STATE_ACTIVE)
                                            .build())
                                    .toList())
                            .setAttempt(attempt))
                    .build());
        }
    }

    /** The replica its current link goes to, as an index into the addresses it was given. */
    int replicaIndex() {
        synchronized (lock) {
            return replica;
        }
    }

    /** Whether the control plane welcomed the current link. */
    boolean registered() {
        synchronized (lock) {
            return registered;
        }
    }

    /** Instances it runs now. */
    int runningCount() {
        synchronized (lock) {
            return running.size();
        }
    }

    /** The ids of what it runs now. */
    List<String> runningIds() {
        synchronized (lock) {
            return List.copyOf(running.keySet());
        }
    }

    /**
     * Report {@code count} of its dungeon instances without players from now on (the idle timeout closes them);
     * the number it found.
     */
    int empty(final int count) {
        synchronized (lock) {
            int done = 0;
            for (final MapInstance instance : running.values()) {
                if (done == count) {
                    break;
                }
                if (instance.getKind() != MapKind.MAP_KIND_CONTINENT && emptied.add(instance.getInstanceId())) {
                    done++;
                }
            }
            return done;
        }
    }

    /** SIGKILL: the connection closes without a word, heartbeats stop. */
    void kill() {
        final ManagedChannel closing;
        synchronized (lock) {
            dead = true;
            registered = false;
            if (heartbeats != null) {
                heartbeats.cancel(false);
            }
            closing = channel;
            channel = null;
        }
        if (closing != null) {
            closing.shutdownNow();
        }
    }

    private void welcomed(final long link, final long intervalMillis) {
        synchronized (lock) {
            if (link != attempt || dead) {
                return;
            }
            registered = true;
            if (heartbeats != null) {
                heartbeats.cancel(false);
            }
            heartbeats = fleet.scheduler()
                    .scheduleAtFixedRate(
                            () -> heartbeat(link),
                            ThreadLocalRandom.current().nextLong(intervalMillis),
                            intervalMillis,
                            TimeUnit.MILLISECONDS);
        }
        fleet.welcomed(this);
    }

    private void heartbeat(final long link) {
        synchronized (lock) {
            if (link != attempt || dead || out == null) {
                return;
            }
            final LoadReport.Builder load = LoadReport.newBuilder();
            int players = 0;
            for (final MapInstance instance : running.values()) {
                final int here = emptied.contains(instance.getInstanceId())
                        ? 0
                        : instance.getKind() == MapKind.MAP_KIND_CONTINENT ? CONTINENT_PLAYERS : DUNGEON_PLAYERS;
                players += here;
                load.addMaps(MapLoad.newBuilder()
                        .setInstanceId(instance.getInstanceId())
                        .setPlayers(here)
                        .setTickP99Ms(5 + ThreadLocalRandom.current().nextInt(10)));
            }
            load.setPlayers(players).setMapInstances(running.size());
            send(NodeMessage.newBuilder()
                    .setHeartbeat(Heartbeat.newBuilder().setSequence(++sequence).setLoad(load))
                    .build());
            fleet.heartbeatSent();
        }
    }

    /** The full set of what to run: confirm what is new at its epoch, CLOSED what is closing, drop the rest. */
    private void assigned(final long link, final AssignmentSet set) {
        final long now = System.nanoTime();
        final List<MapInstance> started = new ArrayList<>();
        synchronized (lock) {
            if (link != attempt || dead) {
                return;
            }
            final Map<String, MapInstance> next = new HashMap<>();
            for (final MapInstance instance : set.getInstancesList()) {
                if (!instance.getNodeId().equals(id)) {
                    continue; // a move's target: no moves in the simulation
                }
                final String instanceId = instance.getInstanceId();
                if (instance.getState() == InstanceState.INSTANCE_STATE_CLOSING) {
                    if (closedSent.add(instanceId + "@" + instance.getEpoch())) {
                        send(ack(instance, InstanceState.INSTANCE_STATE_CLOSED));
                    }
                    continue;
                }
                next.put(instanceId, instance);
                final MapInstance had = running.get(instanceId);
                if (had == null || had.getEpoch() != instance.getEpoch()) {
                    send(ack(instance, InstanceState.INSTANCE_STATE_ACTIVE));
                    started.add(instance);
                }
            }
            running.keySet().stream()
                    .filter(instanceId -> !next.containsKey(instanceId))
                    .toList()
                    .forEach(emptied::remove);
            running = next;
        }
        for (final MapInstance instance : started) {
            fleet.started(instance, id, now);
        }
    }

    private static NodeMessage ack(final MapInstance instance, final InstanceState state) {
        return NodeMessage.newBuilder()
                .setAssignmentAck(AssignmentAck.newBuilder()
                        .setInstanceId(instance.getInstanceId())
                        .setEpoch(instance.getEpoch())
                        .setState(state))
                .build();
    }

    /** Under lock. */
    private void send(final NodeMessage message) {
        if (out != null) {
            out.onNext(message);
        }
    }

    /** The link broke: the next replica, a moment later (a real node waits a jittered backoff). */
    private void broken(final long link, final Throwable error) {
        synchronized (lock) {
            if (link != attempt || dead) {
                return;
            }
            registered = false;
            out = null;
            if (heartbeats != null) {
                heartbeats.cancel(false);
            }
            replica = (replica + 1) % controlPlanes.size();
            if (channel != null) {
                channel.shutdownNow();
                channel = null;
            }
        }
        fleet.linkBroke(this, error == null ? Status.OK : Status.fromThrowable(error));
        fleet.scheduler().schedule(this::open, 100 + ThreadLocalRandom.current().nextLong(200), TimeUnit.MILLISECONDS);
    }

    /** The control plane's side of one link. */
    private final class Inbound implements StreamObserver<ControlMessage> {
        private final long link;

        Inbound(final long link) {
            this.link = link;
        }

        @Override
        public void onNext(final ControlMessage message) {
            switch (message.getBodyCase()) {
                case WELCOME -> welcomed(link, message.getWelcome().getHeartbeatIntervalMs());
                case ASSIGNMENTS -> assigned(link, message.getAssignments());
                default -> {
                    // Heartbeat acks and battleground invites: nothing to do.
                }
            }
        }

        @Override
        public void onError(final Throwable t) {
            broken(link, t);
        }

        @Override
        public void onCompleted() {
            broken(link, null);
        }
    }
}
