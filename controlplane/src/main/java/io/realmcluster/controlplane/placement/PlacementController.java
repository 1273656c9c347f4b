package io.realmcluster.controlplane.placement;

import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.concurrent.Threads;
import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.controlplane.election.LeaderElection;
import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.controlplane.etcd.NotLeaderException;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapDefinition;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.NodeStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The leader's placement controller. Level-triggered: each pass reads the whole cluster and acts
 * on the difference between what should run and what does (every continent of every realm on one
 * live node; instances of dead nodes closed; empty instances closed after their idle time), so it
 * can stop at any line and start again. Watch events only wake it early. Every write is fenced by
 * the leadership and conditioned on the revision it decided from.
 *
 * <p>All decisions run on the {@code placement-controller} thread, which also serialises
 * {@link #createInstance} requests, so no two placements race for the same room.
 */
public final class PlacementController implements LeaderElection.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementController.class);
    private static final long RESYNC_MS = 1_000;
    /** A move's target that has not loaded its copy in this long is given up on. */
    private static final long PREPARE_TIMEOUT_MS = 60_000;
    /** Instances moving off one draining node at a time: each hands its players over on the same transfer threads. */
    private static final int DRAIN_MOVES_AT_ONCE = 2;

    private final EtcdStore store;
    private final Keys keys;
    private final AssignmentStore assignments;
    private final MapCatalog catalog;
    private final Clock clock;
    private final Duration idleTimeout;
    private final boolean rebalanceContinents;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final Counter placements;
    private final Counter reassignments;
    private final Counter closed;
    private final Counter moves;

    private volatile Leadership leadership;
    /** Thread-owned: when each active instance was first seen empty. */
    private final Map<String, Long> emptySince = new HashMap<>();

    private final Set<String> warned = new HashSet<>();

    public PlacementController(
            final EtcdStore store,
            final Keys keys,
            final MapCatalog catalog,
            final Clock clock,
            final Duration idleTimeout,
            final boolean rebalanceContinents,
            final PrometheusRegistry metrics) {
        this.rebalanceContinents = rebalanceContinents;
        this.store = store;
        this.keys = keys;
        this.assignments = new AssignmentStore(store, keys);
        this.catalog = catalog;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.thread = Threads.singleThread("placement-controller");
        GaugeWithCallback.builder()
                .name("realm_controlplane_leader")
                .help("1 while this replica leads and runs the controllers")
                .callback(cb -> cb.call(leadership != null ? 1 : 0))
                .register(metrics);
        placements = Counter.builder()
                .name("realm_controlplane_placements_total")
                .help("Map instances placed on a node, by kind")
                .labelNames("kind")
                .register(metrics);
        reassignments = Counter.builder()
                .name("realm_controlplane_reassignments_total")
                .help("Continents moved off a dead node")
                .register(metrics);
        closed = Counter.builder()
                .name("realm_controlplane_instances_closed_total")
                .help("Instances closed, by reason")
                .labelNames("reason")
                .register(metrics);
        // Zero series from the start, so a dashboard sees a rate of 0 rather than no data.
        for (final String pool : List.of("continent", "dungeon", "raid", "battleground")) {
            placements.initLabelValues(pool);
        }
        moves = Counter.builder()
                .name("realm_controlplane_instance_moves_total")
                .help("Instances moved to another node with their players, by outcome")
                .labelNames("outcome")
                .register(metrics);
        moves.initLabelValues("done");
        moves.initLabelValues("called_off");
        closed.initLabelValues("idle");
        closed.initLabelValues("node_dead");
    }

    public void start() {
        thread.scheduleWithFixedDelay(this::reconcile, RESYNC_MS, RESYNC_MS, TimeUnit.MILLISECONDS);
    }

    public boolean isLeader() {
        return leadership != null;
    }

    @Override
    public void elected(final Leadership won) {
        leadership = won;
        wake();
    }

    @Override
    public void deposed(final String reason, final boolean resigned) {
        leadership = null;
        LOG.atLevel(resigned ? Level.INFO : Level.WARN).log("no longer the leader ({}); placement stops here", reason);
    }

    /** Something changed in etcd: reconcile soon (coalesced). */
    public void wake() {
        if (leadership != null && wakeQueued.compareAndSet(false, true)) {
            Threads.executeUnlessClosed(thread, () -> {
                wakeQueued.set(false);
                reconcile();
            });
        }
    }

    /**
     * The instance bound to {@code owner}, placed now if it has none. Completes with a gRPC status
     * exception when the request cannot be served.
     */
    public CompletableFuture<MapInstance> createInstance(
            final MapDefinition map, final String realm, final String owner, final int players) {
        final CompletableFuture<MapInstance> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                result.complete(place(map, realm, owner, players));
            } catch (final NotLeaderException e) {
                result.completeExceptionally(
                        Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
            } catch (final EtcdUnavailableException e) {
                result.completeExceptionally(
                        Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
            } catch (final RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private MapInstance place(final MapDefinition map, final String realm, final String owner, final int players) {
        final Leadership fence = requireLeadership();
        final ClusterState state = ClusterState.read(store, keys);
        final String bound = state.binding(realm, map.getMapId(), owner);
        if (bound != null && state.instances().containsKey(bound)) {
            return state.observed(state.instances().get(bound));
        }
        final String pool = MapCatalog.pool(map.getKind());
        final int reserve = Math.max(1, players);
        final NodeStatus node = PlacementPolicy.instanceNode(state, pool, reserve)
                .orElseThrow(() -> Status.RESOURCE_EXHAUSTED
                        .withDescription("no live node of pool " + pool + " has room for " + reserve + " players ("
                                + state.nodes().size() + " nodes registered)")
                        .asRuntimeException());
        final MapInstance instance = MapInstance.newBuilder()
                .setInstanceId(realm + "." + map.getMapId() + "."
                        + String.format("%08x", ThreadLocalRandom.current().nextInt()))
                .setMapId(map.getMapId())
                .setKind(map.getKind())
                .setRealm(realm)
                .setNodeId(node.getNode().getNodeId())
                .setState(InstanceState.INSTANCE_STATE_PENDING)
                .setOwner(owner)
                .setReservedPlayers(reserve)
                .setCreatedAtUnixMs(clock.millis())
                .build();
        final Long revision = assignments.place(fence, instance, bound);
        if (revision == null) {
            throw Status.ABORTED
                    .withDescription(
                            "the binding of " + owner + " on map " + map.getMapId() + " changed meanwhile; retry")
                    .asRuntimeException();
        }
        placements.labelValues(MapCatalog.pool(map.getKind())).inc();
        LOG.info(
                "placed {} ({}) for {} on node {}",
                instance.getInstanceId(),
                map.getName(),
                owner,
                instance.getNodeId());
        return instance.toBuilder().setEpoch(revision).build();
    }

    private void reconcile() {
        final Leadership fence = leadership;
        if (fence == null) {
            emptySince.clear();
            return;
        }
        try {
            ClusterState state = ClusterState.read(store, keys);
            for (final String orphan : state.orphanMoves().keySet()) {
                assignments.endOrphanMove(fence, orphan);
            }
            for (final MapInstance instance : List.copyOf(state.instances().values())) {
                if (reconcileInstance(fence, state, instance)) {
                    state = ClusterState.read(store, keys);
                }
            }
            for (final String realm : catalog.realms()) {
                for (final MapDefinition continent : catalog.continents()) {
                    if (ensureContinent(fence, state, realm, continent)) {
                        state = ClusterState.read(store, keys);
                    }
                }
            }
            for (final String node : state.draining()) {
                if (drain(fence, state, node)) {
                    state = ClusterState.read(store, keys);
                }
            }
            if (rebalanceContinents) {
                rebalance(fence, state);
            }
        } catch (final NotLeaderException e) {
            LOG.warn("a fenced write failed: {}", e.getMessage());
            leadership = null;
        } catch (final EtcdUnavailableException e) {
            LOG.debug("reconcile skipped: {}", e.getMessage());
        } catch (final RuntimeException e) {
            LOG.error("reconcile failed; retrying next pass", e);
        }
    }

    /** Act on one instance; true when something was written (the caller reads again). */
    private boolean reconcileInstance(final Leadership fence, final ClusterState state, final MapInstance instance) {
        final String id = instance.getInstanceId();
        if (instance.hasMove()) {
            return reconcileMove(fence, state, instance);
        }
        if (!state.nodes().containsKey(instance.getNodeId())) {
            emptySince.remove(id);
            if (instance.getKind() == MapKind.MAP_KIND_CONTINENT
                    && instance.getState() != InstanceState.INSTANCE_STATE_CLOSING) {
                return moveContinent(fence, state, instance);
            }
            closed.labelValues("node_dead").inc();
            LOG.info("closing {}: its node {} is gone", id, instance.getNodeId());
            return delete(fence, instance);
        }
        final AssignmentAck ack = state.confirmed(instance);
        if (instance.getState() == InstanceState.INSTANCE_STATE_CLOSING) {
            if (ack != null && ack.getState() == InstanceState.INSTANCE_STATE_CLOSED) {
                closed.labelValues("idle").inc();
                LOG.info("closed {} on node {}", id, instance.getNodeId());
                return delete(fence, instance);
            }
            return false;
        }
        if (instance.getKind() == MapKind.MAP_KIND_CONTINENT) {
            return false;
        }
        final boolean active = ack != null && ack.getState() == InstanceState.INSTANCE_STATE_ACTIVE;
        if (!active || state.reportedPlayers(instance) > 0) {
            emptySince.remove(id);
            return false;
        }
        final long now = clock.millis();
        final long since = emptySince.computeIfAbsent(id, k -> now);
        if (now - since < idleTimeout.toMillis()) {
            return false;
        }
        emptySince.remove(id);
        LOG.info("closing {}: empty for {} s", id, idleTimeout.toSeconds());
        return rewrite(
                fence,
                instance,
                instance.toBuilder()
                        .setState(InstanceState.INSTANCE_STATE_CLOSING)
                        .build());
    }

    /** Take a move one step further; true when something was written. */
    private boolean reconcileMove(final Leadership fence, final ClusterState state, final MapInstance instance) {
        final InstanceMove move = instance.getMove();
        final String id = instance.getInstanceId();
        if (!state.nodes().containsKey(move.getToNodeId())) {
            return callOffMove(fence, instance, "its target " + move.getToNodeId() + " is gone");
        }
        if (instance.getState() == InstanceState.INSTANCE_STATE_CLOSING) {
            return callOffMove(fence, instance, "it is closing");
        }
        if (!state.nodes().containsKey(instance.getNodeId())) {
            // The source died with the players it still had; the target has the rest, or loads it now.
            LOG.info(
                    "{} lost its node {} while moving: it goes to {} now",
                    id,
                    instance.getNodeId(),
                    move.getToNodeId());
            return finishMove(fence, instance);
        }
        switch (move.getPhase()) {
            case MOVE_PHASE_PREPARING -> {
                final AssignmentAck ack = state.moveConfirmed(instance);
                if (ack != null && !ack.getError().isEmpty()) {
                    return callOffMove(fence, instance, move.getToNodeId() + " could not load it: " + ack.getError());
                }
                if (ack != null && ack.getState() == InstanceState.INSTANCE_STATE_ACTIVE) {
                    LOG.info(
                            "{} is loaded on {}: node {} hands its players over",
                            id,
                            move.getToNodeId(),
                            instance.getNodeId());
                    assignments.handOver(fence, instance);
                    return true;
                }
                if (clock.millis() - move.getRequestedAtUnixMs() > PREPARE_TIMEOUT_MS) {
                    return callOffMove(
                            fence,
                            instance,
                            move.getToNodeId() + " did not load it within " + PREPARE_TIMEOUT_MS / 1000 + " s");
                }
                return false;
            }
            case MOVE_PHASE_HANDING_OVER -> {
                return state.handedOver(instance) == move.getEpoch() && finishMove(fence, instance);
            }
            default -> {
                return callOffMove(
                        fence, instance, "its phase " + move.getPhase() + " is unknown to this control plane");
            }
        }
    }

    private boolean finishMove(final Leadership fence, final MapInstance instance) {
        final Long revision = assignments.finishMove(fence, instance);
        if (revision != null) {
            moves.labelValues("done").inc();
            LOG.info(
                    "moved {} from {} to {} ({})",
                    instance.getInstanceId(),
                    instance.getNodeId(),
                    instance.getMove().getToNodeId(),
                    instance.getMove().getReason());
        }
        return true;
    }

    private boolean callOffMove(final Leadership fence, final MapInstance instance, final String why) {
        final Long revision = assignments.callOffMove(fence, instance);
        if (revision != null) {
            moves.labelValues("called_off").inc();
            LOG.warn(
                    "move of {} to {} called off: {}; its players stay where they are",
                    instance.getInstanceId(),
                    instance.getMove().getToNodeId(),
                    why);
        }
        return true;
    }

    /**
     * Start moving what a draining node still runs, a few instances at a time: continents to the
     * continent node with the fewest, others to the least-used node of their pool with room.
     */
    private boolean drain(final Leadership fence, final ClusterState state, final String nodeId) {
        int moving = 0;
        final List<MapInstance> waiting = new ArrayList<>();
        for (final MapInstance instance : state.instances().values()) {
            if (instance.getNodeId().equals(nodeId)) {
                if (instance.hasMove()) {
                    moving++;
                } else if (state.observed(instance).getState() == InstanceState.INSTANCE_STATE_ACTIVE) {
                    waiting.add(instance);
                }
            }
        }
        boolean wrote = false;
        for (final MapInstance instance : waiting) {
            if (moving >= DRAIN_MOVES_AT_ONCE) {
                break;
            }
            final Optional<NodeStatus> target = instance.getKind() == MapKind.MAP_KIND_CONTINENT
                    ? PlacementPolicy.continentNode(state, nodeId)
                    : PlacementPolicy.instanceNode(
                            state, MapCatalog.pool(instance.getKind()), Math.max(1, state.reportedPlayers(instance)));
            if (target.isEmpty()) {
                warnOnce(
                        "drain/" + instance.getInstanceId(),
                        "draining " + nodeId + ": no node can take " + instance.getInstanceId() + " now");
                continue;
            }
            final String to = target.get().getNode().getNodeId();
            if (assignments.startMove(fence, instance, InstanceMoves.request(to, "drain", clock.millis())) != null) {
                LOG.info("draining {}: moving {} to {}", nodeId, instance.getInstanceId(), to);
                moving++;
                wrote = true;
            }
        }
        return wrote;
    }

    /**
     * Move one continent off the node with the most, when continents are spread unevenly (a node
     * joined after the continents were placed): one move at a time, and none during a drain.
     */
    private void rebalance(final Leadership fence, final ClusterState state) {
        if (!state.draining().isEmpty() || state.instances().values().stream().anyMatch(MapInstance::hasMove)) {
            return;
        }
        final Optional<Map.Entry<MapInstance, String>> move = PlacementPolicy.continentToRebalance(state);
        if (move.isEmpty()
                || InstanceMoves.refusal(state, move.get().getKey(), move.get().getValue()) != null) {
            return;
        }
        final MapInstance continent = move.get().getKey();
        if (assignments.startMove(
                        fence, continent, InstanceMoves.request(move.get().getValue(), "rebalance", clock.millis()))
                != null) {
            LOG.info(
                    "rebalancing: moving continent {} from {} to {}",
                    continent.getInstanceId(),
                    continent.getNodeId(),
                    move.get().getValue());
        }
    }

    private boolean moveContinent(final Leadership fence, final ClusterState state, final MapInstance instance) {
        final Optional<NodeStatus> target = PlacementPolicy.continentNode(state, instance.getNodeId());
        if (target.isEmpty()) {
            warnOnce(
                    instance.getInstanceId(),
                    "continent " + instance.getInstanceId() + " lost node " + instance.getNodeId()
                            + " and no live continent node can take it");
            return false;
        }
        final String to = target.get().getNode().getNodeId();
        LOG.info("moving continent {} from dead node {} to {}", instance.getInstanceId(), instance.getNodeId(), to);
        reassignments.inc();
        return rewrite(
                fence,
                instance,
                instance.toBuilder()
                        .setNodeId(to)
                        .setState(InstanceState.INSTANCE_STATE_PENDING)
                        .setReservedPlayers(0)
                        .build());
    }

    private boolean ensureContinent(
            final Leadership fence, final ClusterState state, final String realm, final MapDefinition continent) {
        final String id = realm + "." + continent.getMapId();
        if (state.instances().containsKey(id)) {
            return false;
        }
        final Optional<NodeStatus> target = PlacementPolicy.continentNode(state, null);
        if (target.isEmpty()) {
            warnOnce(id, "continent " + id + " (" + continent.getName() + ") waits for a node of the continent pool");
            return false;
        }
        warned.remove(id);
        final MapInstance instance = MapInstance.newBuilder()
                .setInstanceId(id)
                .setMapId(continent.getMapId())
                .setKind(MapKind.MAP_KIND_CONTINENT)
                .setRealm(realm)
                .setNodeId(target.get().getNode().getNodeId())
                .setState(InstanceState.INSTANCE_STATE_PENDING)
                .setCreatedAtUnixMs(clock.millis())
                .build();
        final Long revision = assignments.placeContinent(fence, instance);
        if (revision != null) {
            placements.labelValues("continent").inc();
            LOG.info("placed continent {} ({}) on node {}", id, continent.getName(), instance.getNodeId());
        }
        return true;
    }

    /** Replace the assignment if it is still the one decided from; a new epoch begins. */
    private boolean rewrite(final Leadership fence, final MapInstance current, final MapInstance next) {
        assignments.rewrite(fence, current, next);
        return true;
    }

    private boolean delete(final Leadership fence, final MapInstance instance) {
        assignments.remove(fence, instance);
        return true;
    }

    private Leadership requireLeadership() {
        final Leadership fence = leadership;
        if (fence == null) {
            throw new NotLeaderException();
        }
        return fence;
    }

    private void warnOnce(final String key, final String message) {
        if (warned.add(key)) {
            LOG.warn(message);
        }
    }

    @Override
    public void close() {
        leadership = null;
        thread.shutdownNow();
    }
}
