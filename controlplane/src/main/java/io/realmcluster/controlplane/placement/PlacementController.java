package io.realmcluster.controlplane.placement;

import io.grpc.Status;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.concurrent.Threads;
import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.controlplane.election.LeaderElection;
import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.controlplane.etcd.NotLeaderException;
import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapDefinition;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The leader's placement controller. Level-triggered: each pass reads the whole cluster, asks
 * {@link PlacementDecisions} what to do about it, and takes each instance's action on its own
 * (reading and deciding again after each write), so a failure backs off that instance alone while
 * the rest of the pass goes on (see {@link ReconcileHandler}). Every write goes through
 * {@link AssignmentStore}, fenced by the leadership and conditioned on the revision it was decided
 * from, so the controller can stop at any line and start again. Watch events only wake it early.
 *
 * <p>All decisions run on the {@code placement-controller} thread, which also serialises
 * {@link #createInstance} requests, so no two placements race for the same room.
 */
public final class PlacementController implements LeaderElection.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementController.class);
    private static final Duration RESYNC = Duration.ofSeconds(1);
    /** The least time between the starts of two passes woken by changes. */
    static final Duration PASS_SPACING = Duration.ofMillis(50);
    /** The first wait of an instance whose reconcile failed, doubled at each failure in a row up to the cap. */
    private static final Duration BACKOFF_BASE = Duration.ofMillis(500);

    private static final Duration BACKOFF_CAP = Duration.ofSeconds(30);

    private final Supplier<ClusterState> states;
    private final AssignmentStore assignments;
    private final PlacementDecisions decisions;
    private final Clock clock;
    private final Duration idleTimeout;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    /** When the last pass began (nano time); the placement thread's. */
    private volatile long lastPassNanos = System.nanoTime() - PASS_SPACING.toNanos();

    private final PlacementMetrics metrics;

    private volatile Leadership leadership;
    /** Thread-owned from here on. When each idle instance was first seen empty. */
    private Map<String, Long> emptySince = Map.of();

    private final ReconcileHandler handler;
    /** What each stuck instance's operators were last told, so that each is told once. */
    private final Map<String, String> warned = new HashMap<>();

    private boolean passFailing;
    private final MapCatalog catalog;
    private ScheduledFuture<?> nextPass;
    private final AdoptionGrace adoption;
    /** The leadership the last pass served under: a new one starts an adoption grace. */
    private Leadership servedUnder;

    /**
     * {@code states} gives the cluster as this replica's watch has it, holding every write of this replica
     * ({@link ClusterView#current}): the leader reads its own placements there, so the room left on each node
     * counts every placement before the next, without a range over the whole cluster per request.
     * {@code owners} says which empty instances close at once instead of after their idle time (a battleground whose
     * match has ended), and which stay open past it (a battleground with a seat inside its disconnect grace). It may
     * read etcd; it is asked only of empty instances with an owner. {@code adoptionGrace} is how long absent nodes
     * are given to register again after this replica gains leadership or stood still (about a node lease TTL plus a
     * heartbeat interval; zero: none).
     */
    public PlacementController(
            final EtcdStore store,
            final Keys keys,
            final Supplier<ClusterState> states,
            final MapCatalog catalog,
            final Clock clock,
            final Duration idleTimeout,
            final boolean rebalanceContinents,
            final PrometheusRegistry metrics,
            final EmptyVerdict.Owners owners,
            final Duration adoptionGrace) {
        this.states = states;
        this.assignments = new AssignmentStore(store, keys);
        this.decisions = new PlacementDecisions(catalog, idleTimeout, rebalanceContinents, owners);
        this.catalog = catalog;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.handler = new ReconcileHandler(clock, BACKOFF_BASE, BACKOFF_CAP);
        this.thread = Threads.singleThread("placement-controller");
        this.metrics = new PlacementMetrics(metrics, this::isLeader);
        this.adoption = new AdoptionGrace(adoptionGrace);
    }

    public void start() {
        Threads.executeUnlessClosed(thread, () -> schedulePass(RESYNC));
    }

    public boolean isLeader() {
        return leadership != null;
    }

    /**
     * Whether this replica leads and nothing holds back what is done because a node is absent (no adoption grace
     * runs, and the placement passes do not stand still): the character sweeper's gate. Any thread.
     */
    public boolean leadsOutsideAdoption() {
        return leadership != null && !adoption.holdsBack(clock.millis());
    }

    /** This replica's leadership, the fence of every write the leader makes; null while it does not lead. */
    public Leadership leadership() {
        return leadership;
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

    /**
     * Something changed in etcd: reconcile soon, coalesced, and not sooner than {@link #PASS_SPACING} after the last
     * pass began. A large realm changes many times a second (every node's load report is a change), and a pass
     * weighs every instance: passes back to back would leave the thread no time for the CreateInstance calls queued
     * behind them, which go between passes.
     */
    public void wake() {
        if (leadership != null && wakeQueued.compareAndSet(false, true)) {
            final long wait = lastPassNanos + PASS_SPACING.toNanos() - System.nanoTime();
            final Runnable pass = () -> {
                wakeQueued.set(false);
                reconcile();
            };
            if (wait <= 0) {
                Threads.executeUnlessClosed(thread, pass);
            } else {
                Threads.executeUnlessClosed(thread, () -> thread.schedule(pass, wait, TimeUnit.NANOSECONDS));
            }
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
            } catch (final NotLeaderException | EtcdUnavailableException e) {
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
        // The view holds every placement before this one (all are this replica's writes): the room left counts them.
        final ClusterState state = states.get();
        final String bound = state.binding(realm, map.getMapId(), owner);
        if (bound != null && state.instances().containsKey(bound)) {
            final MapInstance existing = state.instances().get(bound);
            if (!state.nodes().containsKey(ClusterState.entryNode(existing))) {
                // Its node may be registering again (an adoption grace keeps its maps for it) or dead (the
                // instance is closed soon): either way the caller tries again, rather than getting a second copy.
                throw Status.UNAVAILABLE
                        .withDescription("instance " + bound + " runs on node " + ClusterState.entryNode(existing)
                                + ", which is not registered now; retry")
                        .asRuntimeException();
            }
            return state.observed(existing);
        }
        final String pool = MapCatalog.pool(map.getKind());
        final int reserve = Math.max(1, players);
        final List<String> realms = PlacementPolicy.realmsFor(map.getKind(), realm, catalog.realms());
        final NodeStatus node = PlacementPolicy.instanceNode(state, pool, realms, reserve)
                .orElseThrow(() -> Status.RESOURCE_EXHAUSTED
                        .withDescription("no live node of pool " + pool + " holding realms " + realms + " has room for "
                                + reserve + " players (" + state.nodes().size() + " nodes registered)")
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
        metrics.placed(pool);
        LOG.info(
                "placed {} ({}) for {} on node {}",
                instance.getInstanceId(),
                map.getName(),
                owner,
                instance.getNodeId());
        return instance.toBuilder().setEpoch(revision).build();
    }

    /** Split and merge continents by their players, by {@code rule} (null: only as operators say). Before start. */
    public void autoSplit(final AutoSplit rule) {
        decisions.autoSplit(rule);
    }

    /** One pass, then the next one scheduled: after the resync interval, or sooner when an instance asks. */
    private void reconcile() {
        lastPassNanos = System.nanoTime();
        adoption.passBegins(clock.millis());
        Duration next = RESYNC;
        try {
            next = pass();
            if (passFailing) {
                LOG.info("reconcile passes again");
            }
            passFailing = false;
        } catch (final RuntimeException e) {
            // Not any one instance's failure (the cluster could not be read or decided about): once per streak.
            if (!passFailing) {
                LOG.error("reconcile failed; retrying every pass, logged again once one passes", e);
            }
            passFailing = true;
        } finally {
            schedulePass(next);
        }
    }

    private Duration pass() {
        final Leadership fence = leadership;
        if (fence == null) {
            servedUnder = null;
            adoption.deposed();
            emptySince = Map.of();
            handler.clear();
            warned.clear();
            return RESYNC;
        }
        if (fence != servedUnder) {
            servedUnder = fence;
            adoption.elected(clock.millis());
        }
        try {
            return handler.run(
                    () -> {
                        final ClusterState state = states.get();
                        adoption.etcdAnswered(clock.millis());
                        return decide(state);
                    },
                    action -> take(fence, action),
                    RESYNC);
        } catch (final NotLeaderException e) {
            LOG.warn("a fenced write failed: {}", e.getMessage());
            leadership = null;
        } catch (final EtcdUnavailableException e) {
            adoption.etcdFailed();
            LOG.debug("reconcile skipped: {}", e.getMessage());
        }
        return RESYNC;
    }

    /** What to do about {@code state}, now; the idle clocks and the warnings follow it. */
    private List<PlacementAction> decide(final ClusterState state) {
        final long now = clock.millis();
        emptySince = PlacementDecisions.emptySince(state, emptySince, now);
        final List<PlacementAction> actions = decisions.decide(state, emptySince, now, adoption.adoption(now));
        warned.keySet()
                .retainAll(actions.stream()
                        .filter(PlacementAction.Stuck.class::isInstance)
                        .map(PlacementAction::key)
                        .toList());
        return actions;
    }

    /** Take one action; the sub-reconcilers below write through {@link AssignmentStore}. */
    private Reconciled take(final Leadership fence, final PlacementAction action) {
        if (action instanceof PlacementAction.PlaceContinent place) {
            return placeContinent(fence, place);
        } else if (action instanceof PlacementAction.ReassignContinent reassign) {
            LOG.info(
                    "moving continent {} from dead node {} to {}",
                    reassign.key(),
                    reassign.instance().getNodeId(),
                    reassign.next().getNodeId());
            metrics.reassigned();
            return written(assignments.rewrite(fence, reassign.instance(), reassign.next()));
        } else if (action instanceof PlacementAction.BeginClosing closing) {
            LOG.info(
                    "closing {}: empty for {} s, or empty with its battleground match over",
                    closing.key(),
                    idleTimeout.toSeconds());
            return written(assignments.rewrite(fence, closing.instance(), closing.next()));
        } else if (action instanceof PlacementAction.Remove remove) {
            return remove(fence, remove);
        } else if (action instanceof PlacementAction.StartMove start) {
            return startMove(fence, start);
        } else if (action instanceof PlacementAction.HandOver handOver) {
            LOG.info(
                    "{} is loaded on {}: node {} hands its players over",
                    handOver.key(),
                    handOver.instance().getMove().getToNodeId(),
                    handOver.instance().getNodeId());
            return written(assignments.handOver(fence, handOver.instance()));
        } else if (action instanceof PlacementAction.FinishMove finish) {
            return finishMove(fence, finish);
        } else if (action instanceof PlacementAction.CallOffMove callOff) {
            return callOffMove(fence, callOff);
        } else if (action instanceof PlacementAction.EndOrphanMove orphan) {
            return written(assignments.endOrphanMove(fence, orphan.key()));
        } else if (action instanceof PlacementAction.SetLayout layout) {
            LOG.info(
                    "continent {} is to run as {} cell(s): {} (--auto-split)",
                    layout.key(),
                    layout.cells(),
                    layout.why());
            return written(assignments.setLayout(fence, layout.key(), layout.cells(), clock.millis()));
        } else if (action instanceof PlacementAction.Stuck stuck) {
            if (!stuck.why().equals(warned.put(stuck.key(), stuck.why()))) {
                LOG.warn(stuck.why());
            }
            return Reconciled.done();
        } else if (action instanceof PlacementAction.Wait wait) {
            return Reconciled.retryAfter(wait.delay());
        } else if (action instanceof PlacementAction.Failed failed) {
            throw failed.error();
        }
        throw new IllegalStateException("no way to take " + action);
    }

    private Reconciled placeContinent(final Leadership fence, final PlacementAction.PlaceContinent place) {
        final MapInstance instance = place.instance();
        if (assignments.placeContinent(fence, instance) == null) {
            return Reconciled.done();
        }
        metrics.placed("continent");
        LOG.info("placed continent {} ({}) on node {}", instance.getInstanceId(), place.name(), instance.getNodeId());
        return Reconciled.wrote();
    }

    private Reconciled remove(final Leadership fence, final PlacementAction.Remove remove) {
        final MapInstance instance = remove.instance();
        if (remove.nodeGone()) {
            metrics.closed("node_dead");
            LOG.info("closing {}: its node {} is gone", instance.getInstanceId(), instance.getNodeId());
        } else {
            metrics.closed("idle");
            LOG.info("closed {} on node {}", instance.getInstanceId(), instance.getNodeId());
        }
        return written(assignments.remove(fence, instance));
    }

    private Reconciled startMove(final Leadership fence, final PlacementAction.StartMove start) {
        final MapInstance instance = start.instance();
        final InstanceMove move = start.move();
        if (assignments.startMove(fence, instance, move) == null) {
            return Reconciled.done();
        }
        if (move.getReason().equals("drain")) {
            LOG.info(
                    "draining {}: moving {} to {}", instance.getNodeId(), instance.getInstanceId(), move.getToNodeId());
        } else {
            LOG.info(
                    "{}: moving {} from {} to {}",
                    move.getReason().equals("rebalance") ? "rebalancing" : move.getReason(),
                    instance.getInstanceId(),
                    instance.getNodeId(),
                    move.getToNodeId());
        }
        return Reconciled.wrote();
    }

    private Reconciled finishMove(final Leadership fence, final PlacementAction.FinishMove finish) {
        final MapInstance instance = finish.instance();
        if (finish.sourceGone()) {
            LOG.info(
                    "{} lost its node {} while moving: it goes to {} now",
                    instance.getInstanceId(),
                    instance.getNodeId(),
                    instance.getMove().getToNodeId());
        }
        if (assignments.finishMove(fence, instance) == null) {
            return Reconciled.done();
        }
        metrics.moved("done");
        LOG.info(
                "moved {} from {} to {} ({})",
                instance.getInstanceId(),
                instance.getNodeId(),
                instance.getMove().getToNodeId(),
                instance.getMove().getReason());
        return Reconciled.wrote();
    }

    private Reconciled callOffMove(final Leadership fence, final PlacementAction.CallOffMove callOff) {
        final MapInstance instance = callOff.instance();
        if (assignments.callOffMove(fence, instance) == null) {
            return Reconciled.done();
        }
        metrics.moved("called_off");
        LOG.warn(
                "move of {} to {} called off: {}; its players stay where they are",
                instance.getInstanceId(),
                instance.getMove().getToNodeId(),
                callOff.why());
        return Reconciled.wrote();
    }

    /** A write's result: null when a condition failed, as something changed meanwhile (its watch event wakes us). */
    private static Reconciled written(final Long revision) {
        return revision == null ? Reconciled.done() : Reconciled.wrote();
    }

    private void schedulePass(final Duration delay) {
        if (nextPass != null) {
            nextPass.cancel(false);
        }
        nextPass = thread.schedule(this::reconcile, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Leadership requireLeadership() {
        final Leadership fence = leadership;
        if (fence == null) {
            throw new NotLeaderException();
        }
        return fence;
    }

    @Override
    public void close() {
        leadership = null;
        thread.shutdownNow();
    }
}
