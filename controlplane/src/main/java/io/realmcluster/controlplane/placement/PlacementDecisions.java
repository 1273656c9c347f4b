package io.realmcluster.controlplane.placement;

import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.Cell;
import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapDefinition;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.NodeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What the placement controller does about a {@link ClusterState}: a pure function from the state
 * to the actions that bring it closer to what should run (every continent of every realm on one
 * live node; instances of dead nodes closed; empty instances closed after their idle time; moves
 * taken a step further; draining nodes emptied). Each action is assumed done for the decisions
 * after it, so two continents placed in one pass spread over nodes as if placed one by one.
 */
public final class PlacementDecisions {
    /** A move's target that has not loaded its copy in this long is given up on. */
    static final Duration PREPARE_TIMEOUT = Duration.ofSeconds(60);
    /** Instances moving off one draining node at a time: each hands its players over on the same transfer threads. */
    static final int DRAIN_MOVES_AT_ONCE = 2;

    private final MapCatalog catalog;
    private final Duration idleTimeout;
    private final boolean rebalanceContinents;
    private final EmptyVerdict.Owners owners;
    /** The control plane's own layouts of continents (--auto-split), or null: operators' only. */
    private AutoSplit autoSplit;
    /** How soon an empty instance whose owner awaits players is asked about again. */
    static final Duration AWAITED_RECHECK = Duration.ofSeconds(5);

    public PlacementDecisions(final MapCatalog catalog, final Duration idleTimeout, final boolean rebalanceContinents) {
        this(catalog, idleTimeout, rebalanceContinents, EmptyVerdict.Owners.NONE);
    }

    /**
     * The same, with {@code owners} saying which empty instances close at once, without their idle time (a
     * battleground whose match has ended), and which stay open past it (a battleground with a player inside its
     * disconnect grace, who may log in again into it).
     */
    public PlacementDecisions(
            final MapCatalog catalog,
            final Duration idleTimeout,
            final boolean rebalanceContinents,
            final EmptyVerdict.Owners owners) {
        this.catalog = catalog;
        this.idleTimeout = idleTimeout;
        this.rebalanceContinents = rebalanceContinents;
        this.owners = owners;
    }

    /** Split and merge continents by their players from now on, by {@code rule} (null: never on its own). */
    public PlacementDecisions autoSplit(final AutoSplit rule) {
        this.autoSplit = rule;
        return this;
    }

    /**
     * The actions for {@code observed} at {@code nowMillis}, in the order to take them, at most one
     * per instance. {@code emptySince} holds when each idle instance was first seen empty (see
     * {@link #emptySince}).
     */
    public List<PlacementAction> decide(
            final ClusterState observed, final Map<String, Long> emptySince, final long nowMillis) {
        return decide(observed, emptySince, nowMillis, Adoption.NONE);
    }

    /**
     * The same under {@code adoption}: while it runs, nothing is done because a node is absent (no
     * continent reassigned, no instance closed, no move finished or called off for it, no rebalance); each such
     * instance waits for the grace's end instead, and every other action goes on.
     */
    public List<PlacementAction> decide(
            final ClusterState observed,
            final Map<String, Long> emptySince,
            final long nowMillis,
            final Adoption adoption) {
        final ClusterState state = observed.copy();
        final List<PlacementAction> actions = new ArrayList<>();
        for (final String orphan : new TreeSet<>(state.orphanMoves().keySet())) {
            actions.add(new PlacementAction.EndOrphanMove(orphan));
        }
        for (final MapInstance instance : List.copyOf(state.instances().values())) {
            decide(
                    state,
                    actions,
                    instance.getInstanceId(),
                    () -> one(
                            instance.hasMove()
                                    ? move(state, instance, nowMillis, adoption)
                                    : instance(state, instance, emptySince, nowMillis, adoption)));
        }
        for (final String realm : catalog.realms()) {
            for (final MapDefinition continent : catalog.continents()) {
                decide(
                        state,
                        actions,
                        realm + "." + continent.getMapId(),
                        () -> continent(state, realm, continent, nowMillis));
            }
        }
        if (autoSplit != null && !adoption.running(nowMillis)) {
            for (final String realm : catalog.realms()) {
                for (final MapDefinition continent : catalog.continents()) {
                    final String id = realm + "." + continent.getMapId();
                    decide(state, actions, "layout of " + id, () -> one(autoSplit.decide(state, realm, id, nowMillis)));
                }
            }
        }
        for (final String node : new TreeSet<>(state.draining())) {
            decide(state, actions, node, () -> drain(state, node, catalog.realms(), nowMillis));
        }
        if (!adoption.running(nowMillis)) {
            decide(state, actions, "spread cells", () -> one(spreadCells(state, nowMillis)));
        }
        if (rebalanceContinents && !adoption.running(nowMillis)) {
            decide(state, actions, "rebalance", () -> one(rebalance(state, nowMillis)));
        }
        return actions;
    }

    /**
     * When each instance that may close for idleness (active on a live node, not a continent, not
     * moving, no players) was first seen empty: {@code before}'s time, or now for one newly empty.
     */
    public static Map<String, Long> emptySince(
            final ClusterState state, final Map<String, Long> before, final long nowMillis) {
        final Map<String, Long> since = new HashMap<>();
        for (final MapInstance instance : state.instances().values()) {
            if (idle(state, instance)) {
                since.put(instance.getInstanceId(), before.getOrDefault(instance.getInstanceId(), nowMillis));
            }
        }
        return since;
    }

    private static boolean idle(final ClusterState state, final MapInstance instance) {
        final AssignmentAck ack = state.confirmed(instance);
        return !instance.hasMove()
                && instance.getKind() != MapKind.MAP_KIND_CONTINENT
                && instance.getState() != InstanceState.INSTANCE_STATE_CLOSING
                && state.nodes().containsKey(instance.getNodeId())
                && ack != null
                && ack.getState() == InstanceState.INSTANCE_STATE_ACTIVE
                && state.reportedPlayers(instance) == 0;
    }

    private PlacementAction instance(
            final ClusterState state,
            final MapInstance instance,
            final Map<String, Long> emptySince,
            final long now,
            final Adoption adoption) {
        if (!state.nodes().containsKey(instance.getNodeId())) {
            if (adoption.running(now)) {
                return adoption.waitFor(instance.getInstanceId(), now);
            }
            if (instance.getKind() == MapKind.MAP_KIND_CONTINENT
                    && instance.getState() != InstanceState.INSTANCE_STATE_CLOSING) {
                return reassignContinent(state, instance);
            }
            return new PlacementAction.Remove(instance, true);
        }
        if (instance.getState() == InstanceState.INSTANCE_STATE_CLOSING) {
            final AssignmentAck ack = state.confirmed(instance);
            return ack != null && ack.getState() == InstanceState.INSTANCE_STATE_CLOSED
                    ? new PlacementAction.Remove(instance, false)
                    : null;
        }
        final Long since = idle(state, instance) ? emptySince.get(instance.getInstanceId()) : null;
        if (since == null) {
            return null;
        }
        final long left = idleTimeout.toMillis() - (now - since);
        final EmptyVerdict verdict = instance.getOwner().isEmpty() ? EmptyVerdict.IDLE : owners.of(instance);
        if (verdict == EmptyVerdict.AWAITED) {
            // Asked again a while on: the grace ends (the player back, or its seat left) without a change here.
            return new PlacementAction.Wait(
                    instance.getInstanceId(), Duration.ofMillis(Math.max(left, AWAITED_RECHECK.toMillis())));
        }
        if (left > 0 && verdict != EmptyVerdict.OVER) {
            return new PlacementAction.Wait(instance.getInstanceId(), Duration.ofMillis(left));
        }
        return new PlacementAction.BeginClosing(
                instance,
                instance.toBuilder()
                        .setState(InstanceState.INSTANCE_STATE_CLOSING)
                        .build());
    }

    private static PlacementAction reassignContinent(final ClusterState state, final MapInstance instance) {
        final Optional<NodeStatus> target =
                PlacementPolicy.continentNode(state, instance.getRealm(), instance.getNodeId());
        if (target.isEmpty()) {
            return new PlacementAction.Stuck(
                    instance.getInstanceId(),
                    "continent " + instance.getInstanceId() + " lost node " + instance.getNodeId()
                            + " and no live continent node can take it");
        }
        return new PlacementAction.ReassignContinent(
                instance,
                instance.toBuilder()
                        .setNodeId(target.get().getNode().getNodeId())
                        .setState(InstanceState.INSTANCE_STATE_PENDING)
                        .setReservedPlayers(0)
                        .build());
    }

    /** A move one step further. */
    private static PlacementAction move(
            final ClusterState state, final MapInstance instance, final long now, final Adoption adoption) {
        final InstanceMove move = instance.getMove();
        if (move.getToCells() || !move.getToInstanceId().isEmpty()) {
            return relayout(state, instance, now, adoption);
        }
        final boolean targetGone = !state.nodes().containsKey(move.getToNodeId());
        final boolean sourceGone = !state.nodes().containsKey(instance.getNodeId());
        if ((targetGone || sourceGone) && adoption.running(now)) {
            return adoption.waitFor(instance.getInstanceId(), now);
        }
        if (targetGone) {
            return new PlacementAction.CallOffMove(instance, "its target " + move.getToNodeId() + " is gone");
        }
        if (instance.getState() == InstanceState.INSTANCE_STATE_CLOSING) {
            return new PlacementAction.CallOffMove(instance, "it is closing");
        }
        if (sourceGone) {
            // The source died with the players it still had; the target has the rest, or loads it now.
            return new PlacementAction.FinishMove(instance, true);
        }
        return switch (move.getPhase()) {
            case MOVE_PHASE_PREPARING -> preparing(state, instance, now);
            case MOVE_PHASE_HANDING_OVER ->
                state.handedOver(instance) == move.getEpoch() ? new PlacementAction.FinishMove(instance, false) : null;
            default ->
                new PlacementAction.CallOffMove(
                        instance, "its phase " + move.getPhase() + " is unknown to this control plane");
        };
    }

    /**
     * A split's or a merge's hand-over one step further: the instance closes once it reports every player handed
     * over for this move; a merge whose whole continent lost its node is called off (its players stay in their
     * cell, and the merge starts again once the continent runs elsewhere); a split goes on through a dead cell
     * (the cell runs elsewhere soon, and a player bound for it meanwhile is given back and tried again).
     */
    private static PlacementAction relayout(
            final ClusterState state, final MapInstance instance, final long now, final Adoption adoption) {
        final InstanceMove move = instance.getMove();
        final boolean sourceGone = !state.nodes().containsKey(instance.getNodeId());
        if (sourceGone) {
            // Its players went with its node; what it handed over is safe where it went.
            return adoption.running(now)
                    ? adoption.waitFor(instance.getInstanceId(), now)
                    : new PlacementAction.Remove(instance, true);
        }
        if (!move.getToCells()) {
            final MapInstance whole = state.instances().get(move.getToInstanceId());
            if (whole == null || !whole.getNodeId().equals(move.getToNodeId())) {
                return adoption.running(now)
                        ? adoption.waitFor(instance.getInstanceId(), now)
                        : new PlacementAction.CallOffMove(
                                instance, "the continent it merges into left node " + move.getToNodeId());
            }
        }
        return state.handedOver(instance) == move.getEpoch() ? new PlacementAction.Remove(instance, false) : null;
    }

    private static PlacementAction preparing(final ClusterState state, final MapInstance instance, final long now) {
        final InstanceMove move = instance.getMove();
        final AssignmentAck ack = state.moveConfirmed(instance);
        if (ack != null && !ack.getError().isEmpty()) {
            return new PlacementAction.CallOffMove(
                    instance, move.getToNodeId() + " could not load it: " + ack.getError());
        }
        if (ack != null && ack.getState() == InstanceState.INSTANCE_STATE_ACTIVE) {
            return new PlacementAction.HandOver(instance);
        }
        final long left = PREPARE_TIMEOUT.toMillis() - (now - move.getRequestedAtUnixMs());
        if (left < 0) {
            return new PlacementAction.CallOffMove(
                    instance, move.getToNodeId() + " did not load it within " + PREPARE_TIMEOUT.toSeconds() + " s");
        }
        return new PlacementAction.Wait(instance.getInstanceId(), Duration.ofMillis(left));
    }

    /**
     * A continent that runs nowhere placed: whole, or, when an operator split it, each of its cells that runs
     * nowhere, spread over the continent nodes (each placement counted before the next). A continent that runs in
     * another layout than the one asked for stays as it runs (changing a running continent's layout moves its
     * players: not done here yet).
     */
    private static List<PlacementAction> continent(
            final ClusterState state, final String realm, final MapDefinition continent, final long now) {
        final String id = realm + "." + continent.getMapId();
        final int cells = state.cells(id);
        final MapInstance whole = state.instances().get(id);
        final List<MapInstance> running = state.cellsOf(id);
        final List<PlacementAction> actions = new ArrayList<>();
        if (cells == 1 && !running.isEmpty()) {
            // A merge: the whole continent placed beside its cells, then each cell hands its players over to it.
            if (whole == null) {
                actions.addAll(place(state, realm, continent, id, 1, now));
            } else if (state.observed(whole).getState() == InstanceState.INSTANCE_STATE_ACTIVE) {
                for (final MapInstance cell : running) {
                    if (!cell.hasMove() && state.observed(cell).getState() == InstanceState.INSTANCE_STATE_ACTIVE) {
                        actions.add(new PlacementAction.StartMove(cell, InstanceMoves.merge(whole, now)));
                    }
                }
            }
            return actions;
        }
        if (cells > 1 && running.stream().anyMatch(cell -> cell.getCell().getCount() != cells)) {
            return List.of(new PlacementAction.Stuck(
                    id,
                    "continent " + id + " runs as " + running.get(0).getCell().getCount() + " cells and is to run as "
                            + cells + ": merge it first (realmctl merge " + id + ")"));
        }
        actions.addAll(place(state, realm, continent, id, cells, now));
        if (cells > 1
                && whole != null
                && !whole.hasMove()
                && actions.isEmpty()
                && running.size() == cells
                && running.stream()
                        .allMatch(cell -> state.observed(cell).getState() == InstanceState.INSTANCE_STATE_ACTIVE)
                && state.observed(whole).getState() == InstanceState.INSTANCE_STATE_ACTIVE) {
            // A split: every cell runs; the whole continent hands each player over to the cell of its place.
            actions.add(new PlacementAction.StartMove(whole, InstanceMoves.split(now)));
        }
        return actions;
    }

    /** The instances of {@code continent} in layout {@code cells} that run nowhere, placed. */
    private static List<PlacementAction> place(
            final ClusterState state,
            final String realm,
            final MapDefinition continent,
            final String id,
            final int cells,
            final long now) {
        final List<PlacementAction> actions = new ArrayList<>();
        for (int index = 0; index < cells; index++) {
            final String instanceId = cells == 1 ? id : cellId(id, index);
            if (state.instances().containsKey(instanceId)) {
                continue;
            }
            // Cells of one continent go to different nodes while there are enough.
            final java.util.Set<String> siblings = new java.util.HashSet<>();
            if (cells > 1) {
                state.cellsOf(id).forEach(cell -> siblings.add(cell.getNodeId()));
            }
            final Optional<NodeStatus> target = PlacementPolicy.continentNode(state, realm, null, siblings);
            if (target.isEmpty()) {
                actions.add(new PlacementAction.Stuck(
                        instanceId,
                        "continent " + instanceId + " (" + continent.getName() + ") waits for a node of the continent"
                                + " pool holding realm " + realm));
                continue;
            }
            final MapInstance.Builder instance = MapInstance.newBuilder()
                    .setInstanceId(instanceId)
                    .setMapId(continent.getMapId())
                    .setKind(MapKind.MAP_KIND_CONTINENT)
                    .setRealm(realm)
                    .setNodeId(target.get().getNode().getNodeId())
                    .setState(InstanceState.INSTANCE_STATE_PENDING)
                    .setCreatedAtUnixMs(now);
            if (cells > 1) {
                instance.setCell(
                        Cell.newBuilder().setContinent(id).setIndex(index).setCount(cells));
            }
            final PlacementAction place = new PlacementAction.PlaceContinent(
                    instance.build(),
                    cells == 1 ? continent.getName() : continent.getName() + ", cell " + index + " of " + cells);
            actions.add(place);
            // The next cell goes where this one is not, as if this one were placed.
            assume(state, place);
        }
        return actions;
    }

    /** The instance id of cell {@code index} of continent {@code continentId}. */
    public static String cellId(final String continentId, final int index) {
        return continentId + ".c" + index;
    }

    /**
     * Moves off a draining node, a few instances at a time: continents to the continent node with
     * the fewest, others to the least-used node of their pool with room.
     */
    private static List<PlacementAction> drain(
            final ClusterState state, final String nodeId, final Collection<String> catalogRealms, final long now) {
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
        final List<PlacementAction> actions = new ArrayList<>();
        for (final MapInstance instance : waiting) {
            if (moving >= DRAIN_MOVES_AT_ONCE) {
                break;
            }
            final Optional<NodeStatus> target = instance.getKind() == MapKind.MAP_KIND_CONTINENT
                    ? PlacementPolicy.continentNode(state, instance.getRealm(), nodeId)
                    : PlacementPolicy.instanceNode(
                            state,
                            MapCatalog.pool(instance.getKind()),
                            PlacementPolicy.realmsFor(instance.getKind(), instance.getRealm(), catalogRealms),
                            Math.max(1, state.reportedPlayers(instance)));
            if (target.isEmpty()) {
                actions.add(new PlacementAction.Stuck(
                        instance.getInstanceId(),
                        "draining " + nodeId + ": no node can take " + instance.getInstanceId() + " now"));
                continue;
            }
            actions.add(new PlacementAction.StartMove(
                    instance, InstanceMoves.request(target.get().getNode().getNodeId(), "drain", now)));
            moving++;
        }
        return actions;
    }

    /**
     * One cell of a continent off a node that runs another of its cells, to a continent node that runs none of them,
     * when there is one: a split is meant to spread a continent over machines, and its cells may have been placed
     * together (the first continent node to register takes them all). One move at a time, and none during a drain.
     */
    private static PlacementAction spreadCells(final ClusterState state, final long now) {
        if (!state.draining().isEmpty() || state.instances().values().stream().anyMatch(MapInstance::hasMove)) {
            return null;
        }
        for (final MapInstance instance : state.instances().values()) {
            if (!instance.hasCell() || instance.getCell().getIndex() == 0) {
                continue;
            }
            final List<MapInstance> siblings = state.cellsOf(instance.getCell().getContinent());
            final boolean shares = siblings.stream()
                    .anyMatch(c -> c.getCell().getIndex() < instance.getCell().getIndex()
                            && c.getNodeId().equals(instance.getNodeId()));
            if (!shares) {
                continue;
            }
            final Set<String> used = new HashSet<>();
            siblings.forEach(c -> used.add(c.getNodeId()));
            final Optional<NodeStatus> target =
                    PlacementPolicy.continentNode(state, instance.getRealm(), instance.getNodeId(), used);
            if (target.isEmpty() || used.contains(target.get().getNode().getNodeId())) {
                continue;
            }
            final String to = target.get().getNode().getNodeId();
            if (InstanceMoves.refusal(state, instance, to) == null) {
                return new PlacementAction.StartMove(instance, InstanceMoves.request(to, "spread cells", now));
            }
        }
        return null;
    }

    /**
     * One continent off the node with the most, when continents are spread unevenly (a node joined
     * after the continents were placed): one move at a time, and none during a drain.
     */
    private static PlacementAction rebalance(final ClusterState state, final long now) {
        if (!state.draining().isEmpty()
                || state.instances().values().stream().anyMatch(MapInstance::hasMove)
                // Cells stay where they were placed: spread over nodes by design, and moved only by an operator.
                || state.instances().values().stream().anyMatch(MapInstance::hasCell)) {
            return null;
        }
        final Optional<Map.Entry<MapInstance, String>> move = PlacementPolicy.continentToRebalance(state);
        if (move.isEmpty()
                || InstanceMoves.refusal(state, move.get().getKey(), move.get().getValue()) != null) {
            return null;
        }
        return new PlacementAction.StartMove(
                move.get().getKey(), InstanceMoves.request(move.get().getValue(), "rebalance", now));
    }

    /**
     * Add what {@code decision} decides about {@code key}, each action assumed done in
     * {@code state} for the decisions after it; a failure to decide becomes an action of its own.
     */
    private static void decide(
            final ClusterState state,
            final List<PlacementAction> actions,
            final String key,
            final Supplier<List<PlacementAction>> decision) {
        final List<PlacementAction> decided;
        try {
            decided = decision.get();
        } catch (final RuntimeException e) {
            actions.add(new PlacementAction.Failed(key, e));
            return;
        }
        for (final PlacementAction action : decided) {
            actions.add(action);
            assume(state, action);
        }
    }

    /** The action a single decision took, none when it returned null (nothing to do). */
    private static List<PlacementAction> one(final PlacementAction action) {
        return action == null ? List.of() : List.of(action);
    }

    private static void assume(final ClusterState state, final PlacementAction action) {
        final Map<String, MapInstance> instances = state.instances();
        if (action instanceof PlacementAction.PlaceContinent place) {
            instances.put(place.key(), place.instance());
        } else if (action instanceof PlacementAction.ReassignContinent reassign) {
            instances.put(reassign.key(), unconfirmed(reassign.next()));
        } else if (action instanceof PlacementAction.BeginClosing closing) {
            instances.put(closing.key(), unconfirmed(closing.next()));
        } else if (action instanceof PlacementAction.Remove remove) {
            instances.remove(remove.key());
        } else if (action instanceof PlacementAction.StartMove start) {
            instances.put(
                    start.key(),
                    start.instance().toBuilder().setMove(start.move()).build());
        } else if (action instanceof PlacementAction.FinishMove finish) {
            instances.put(finish.key(), InstanceMoves.finished(finish.instance()));
        } else if (action instanceof PlacementAction.CallOffMove callOff) {
            instances.put(
                    callOff.key(), callOff.instance().toBuilder().clearMove().build());
        }
        // Handing over, forgetting an orphan's move, waiting, being stuck: nothing later decisions look at.
    }

    /** A rewritten assignment starts a new epoch that its node has not confirmed yet. */
    private static MapInstance unconfirmed(final MapInstance next) {
        return next.toBuilder().clearEpoch().build();
    }
}
