package io.realmcluster.controlplane.placement;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcd.jetcd.KeyValue;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.CellLayout;
import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.InstanceRoute;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapLoad;
import io.realmcluster.proto.v1.MovePhase;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.proto.world.Cells;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster at one revision (a single range over the cluster's prefix, or a watched copy of it):
 * nodes, cordons, instances with their epochs (the revision of their assignment) and what nodes
 * confirmed.
 */
public final class ClusterState {
    // Not final: a state folded from another (next) shares the maps a change did not touch. A state handed to
    // readers is never changed again; copy() makes one to change.
    private Map<String, NodeStatus> nodes = new TreeMap<>();
    private Set<String> cordoned = new HashSet<>();
    private Set<String> draining = new HashSet<>();
    private Map<String, InstanceMove> moves = new HashMap<>();
    private Map<String, AssignmentAck> moveStatuses = new HashMap<>();
    private TreeMap<String, MapInstance> instances = new TreeMap<>();
    private Map<String, AssignmentAck> statuses = new HashMap<>();
    private Map<String, String> bindings = new HashMap<>();
    /** Cells each continent is to run as, where an operator asked for other than one. */
    private Map<String, CellLayout> layouts = new HashMap<>();

    private long revision;
    /** Instances by node (their own and those moving to it), made on first use; null until then. */
    private volatile Map<String, List<MapInstance>> byNode;
    /**
     * Each node's reported loads by instance id, made on first use (null until then) and shared with copies:
     * nothing changes a node's entry in a state once it is made (decisions change only instances).
     */
    private volatile Map<String, Map<String, MapLoad>> loads;
    /** A copy made to be changed (decisions assume their actions done in one): nothing is cached from it. */
    private boolean changeable;

    /** Read everything under the cluster's prefix at one revision. */
    public static ClusterState read(final EtcdStore store, final Keys keys) {
        final EtcdStore.Listing listing = store.listAtRevision(Keys.bytes(keys.root()));
        return of(keys, listing.revision(), listing.kvs());
    }

    /** The state that {@code kvs}, everything under the cluster's prefix at {@code revision}, describe. */
    public static ClusterState of(final Keys keys, final long revision, final Collection<KeyValue> kvs) {
        final ClusterState state = new ClusterState();
        state.revision = revision;
        final int rootLength = keys.root().length();
        for (final KeyValue kv : kvs) {
            state.put(kv.getKey().toString().substring(rootLength), kv);
        }
        for (final String id : state.moves.keySet()) {
            state.showMove(id);
        }
        return state;
    }

    /**
     * The state after one change of the watched keys at {@code revision}: {@code puts} written (with their
     * values) and {@code deletes} gone, both under the cluster's prefix. Only the changed values are parsed, and
     * only the maps they belong to are copied; the rest is shared with this state, so neither may be changed
     * afterwards. Equal to {@link #of} over the keys after the change.
     */
    public ClusterState next(
            final Keys keys, final long revision, final Collection<KeyValue> puts, final Collection<String> deletes) {
        final ClusterState next = new ClusterState();
        next.nodes = nodes;
        next.cordoned = cordoned;
        next.draining = draining;
        next.moves = moves;
        next.moveStatuses = moveStatuses;
        next.instances = instances;
        next.statuses = statuses;
        next.bindings = bindings;
        next.layouts = layouts;
        next.revision = revision;
        final int rootLength = keys.root().length();
        final List<String> paths = new ArrayList<>(puts.size() + deletes.size());
        for (final KeyValue kv : puts) {
            paths.add(kv.getKey().toString().substring(rootLength));
        }
        for (final String key : deletes) {
            paths.add(key.substring(rootLength));
        }
        next.copyWhatChanges(paths);
        // What is made from a shared map holds for the next state too.
        if (next.instances == instances) {
            next.byNode = byNode;
        }
        if (next.nodes == nodes) {
            next.loads = loads;
        }
        // The instances whose shown move may change: those of a changed move or instance, and those moving to a
        // changed node (its descriptor is shown with the move).
        final Set<String> reshow = new HashSet<>();
        for (final String key : deletes) {
            final String path = key.substring(rootLength);
            next.delete(path);
            reshowFor(next, path, reshow);
        }
        for (final KeyValue kv : puts) {
            final String path = kv.getKey().toString().substring(rootLength);
            next.put(path, kv);
            reshowFor(next, path, reshow);
        }
        for (final String id : reshow) {
            next.showMove(id);
        }
        return next;
    }

    private static void reshowFor(final ClusterState state, final String path, final Set<String> reshow) {
        final String id = path.substring(path.indexOf('/') + 1);
        if (path.startsWith("moves/") || path.startsWith("instances/")) {
            reshow.add(id);
        } else if (path.startsWith("nodes/")) {
            state.moves.forEach((instanceId, move) -> {
                if (move.getToNodeId().equals(id)) {
                    reshow.add(instanceId);
                }
            });
        }
    }

    /** Give this state its own copy of each map one of {@code paths} is in (and of the instances, for a move). */
    private void copyWhatChanges(final List<String> paths) {
        boolean nodesChange = false;
        boolean cordonsChange = false;
        boolean movesChange = false;
        boolean moveStatusesChange = false;
        boolean instancesChange = false;
        boolean statusesChange = false;
        boolean bindingsChange = false;
        boolean layoutsChange = false;
        for (final String path : paths) {
            if (path.startsWith("nodes/")) {
                nodesChange = true;
                // A move to this node shows its descriptor.
                instancesChange |= !moves.isEmpty();
            } else if (path.startsWith("cordons/")) {
                cordonsChange = true;
            } else if (path.startsWith("moves/")) {
                movesChange = true;
                instancesChange = true;
            } else if (path.startsWith("move-status/")) {
                moveStatusesChange = true;
            } else if (path.startsWith("instances/")) {
                instancesChange = true;
            } else if (path.startsWith("instance-status/")) {
                statusesChange = true;
            } else if (path.startsWith("bindings/")) {
                bindingsChange = true;
            } else if (path.startsWith("cell-layouts/")) {
                layoutsChange = true;
            }
        }
        if (nodesChange) {
            nodes = new TreeMap<>(nodes);
        }
        if (cordonsChange) {
            cordoned = new HashSet<>(cordoned);
            draining = new HashSet<>(draining);
        }
        if (movesChange) {
            moves = new HashMap<>(moves);
        }
        if (moveStatusesChange) {
            moveStatuses = new HashMap<>(moveStatuses);
        }
        if (instancesChange) {
            instances = new TreeMap<>(instances);
        }
        if (statusesChange) {
            statuses = new HashMap<>(statuses);
        }
        if (bindingsChange) {
            bindings = new HashMap<>(bindings);
        }
        if (layoutsChange) {
            layouts = new HashMap<>(layouts);
        }
    }

    /** The key at {@code path} (under the root) now holds {@code kv}'s value. */
    private void put(final String path, final KeyValue kv) {
        final String id = path.substring(path.indexOf('/') + 1);
        try {
            if (path.startsWith("nodes/")) {
                nodes.put(id, NodeStatus.parseFrom(kv.getValue().getBytes()));
            } else if (path.startsWith("cordons/")) {
                cordoned.add(id);
                if (kv.getValue().toString().equals(DRAINING)) {
                    draining.add(id);
                } else {
                    draining.remove(id);
                }
            } else if (path.startsWith("moves/")) {
                moves.put(
                        id,
                        InstanceMove.parseFrom(kv.getValue().getBytes()).toBuilder()
                                .setEpoch(kv.getModRevision())
                                .build());
            } else if (path.startsWith("move-status/")) {
                moveStatuses.put(id, AssignmentAck.parseFrom(kv.getValue().getBytes()));
            } else if (path.startsWith("instances/")) {
                instances.put(
                        id,
                        MapInstance.parseFrom(kv.getValue().getBytes()).toBuilder()
                                .setEpoch(kv.getModRevision())
                                .build());
            } else if (path.startsWith("instance-status/")) {
                statuses.put(id, AssignmentAck.parseFrom(kv.getValue().getBytes()));
            } else if (path.startsWith("bindings/")) {
                bindings.put(id, kv.getValue().toString());
            } else if (path.startsWith("cell-layouts/")) {
                layouts.put(id, CellLayout.parseFrom(kv.getValue().getBytes()));
            }
        } catch (final InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt entry at " + kv.getKey(), e);
        }
    }

    /** The key at {@code path} (under the root) is gone. */
    private void delete(final String path) {
        final String id = path.substring(path.indexOf('/') + 1);
        if (path.startsWith("nodes/")) {
            nodes.remove(id);
        } else if (path.startsWith("cordons/")) {
            cordoned.remove(id);
            draining.remove(id);
        } else if (path.startsWith("moves/")) {
            moves.remove(id);
        } else if (path.startsWith("move-status/")) {
            moveStatuses.remove(id);
        } else if (path.startsWith("instances/")) {
            instances.remove(id);
        } else if (path.startsWith("instance-status/")) {
            statuses.remove(id);
        } else if (path.startsWith("bindings/")) {
            bindings.remove(id);
        } else if (path.startsWith("cell-layouts/")) {
            layouts.remove(id);
        }
    }

    /** Instance {@code id} as shown: with its move, if it has one, and the move's target as it registered. */
    private void showMove(final String id) {
        final MapInstance instance = instances.get(id);
        if (instance == null) {
            return;
        }
        final InstanceMove move = moves.get(id);
        if (move == null) {
            if (instance.hasMove()) {
                instances.put(id, instance.toBuilder().clearMove().build());
            }
            return;
        }
        final NodeStatus target = nodes.get(move.getToNodeId());
        final InstanceMove.Builder shown = move.toBuilder();
        if (target != null) {
            shown.setToNode(target.getNode());
        }
        instances.put(id, instance.toBuilder().setMove(shown).build());
    }

    /** A copy to change without changing this one (the protobuf values are immutable and shared). */
    public ClusterState copy() {
        final ClusterState copy = new ClusterState();
        copy.nodes.putAll(nodes);
        copy.cordoned.addAll(cordoned);
        copy.draining.addAll(draining);
        copy.moves.putAll(moves);
        copy.moveStatuses.putAll(moveStatuses);
        copy.instances.putAll(instances);
        copy.statuses.putAll(statuses);
        copy.bindings.putAll(bindings);
        copy.layouts.putAll(layouts);
        copy.revision = revision;
        copy.changeable = true;
        copy.loads = loads;
        return copy;
    }

    /** The cordon key's value of a node being drained (any other value: cordoned only). */
    public static final String DRAINING = "draining";

    /**
     * The instance that runs continent {@code continentId} (of map {@code mapId}) at {@code x} (east-west; NaN: its
     * middle): the whole continent's while it runs whole, else the running cell whose strip holds x, else the whole
     * continent's id (which runs nowhere: the caller says it does not run yet).
     */
    public String continentInstanceAt(final String continentId, final int mapId, final float x) {
        final MapInstance whole = instances.get(continentId);
        if (whole != null
                && !whole.getMove().getToCells()
                && (observed(whole).getState() == InstanceState.INSTANCE_STATE_ACTIVE
                        || cellsOf(continentId).isEmpty())) {
            // Whole, or its cells merging into it once it runs: the cells hand their players over to it.
            return continentId;
        }
        final String cellPrefix = continentId + ".c";
        final Map.Entry<String, MapInstance> first = instances.ceilingEntry(cellPrefix);
        if (first == null
                || !first.getKey().startsWith(cellPrefix)
                || !first.getValue().hasCell()) {
            return continentId;
        }
        final Cells.Strips strips =
                Cells.strips(mapId, first.getValue().getCell().getCount());
        return cellPrefix + strips.cellAt(Float.isNaN(x) ? Cells.center(mapId)[0] : x);
    }

    /**
     * The other cells of the continent {@code cell} is a cell of, each with the node that runs it (registered now),
     * in cell order; empty for an instance that is no cell.
     */
    public List<InstanceRoute> cellPeers(final MapInstance cell) {
        if (!cell.hasCell() && !cell.getMove().getToCells()) {
            return List.of();
        }
        // A whole continent splitting hands its players to its cells: all of them are its peers.
        final String prefix = (cell.hasCell() ? cell.getCell().getContinent() : cell.getInstanceId()) + ".c";
        final List<InstanceRoute> peers = new ArrayList<>();
        for (final MapInstance other : instances.tailMap(prefix).values()) {
            if (!other.getInstanceId().startsWith(prefix)) {
                break;
            }
            final NodeStatus node = nodes.get(other.getNodeId());
            if (other.hasCell() && !other.getInstanceId().equals(cell.getInstanceId()) && node != null) {
                peers.add(InstanceRoute.newBuilder()
                        .setInstance(observed(other))
                        .setNode(node.getNode())
                        .build());
            }
        }
        return peers;
    }

    /** The cells of continent {@code continentId} that run (have an assignment), in cell order. */
    public List<MapInstance> cellsOf(final String continentId) {
        final String prefix = continentId + ".c";
        final List<MapInstance> cells = new ArrayList<>();
        for (final MapInstance instance : instances.tailMap(prefix).values()) {
            if (!instance.getInstanceId().startsWith(prefix)) {
                break;
            }
            if (instance.hasCell()) {
                cells.add(instance);
            }
        }
        return cells;
    }

    /** The cells continent {@code continentId} is to run as: 1 (whole) unless an operator split it. */
    public int cells(final String continentId) {
        final CellLayout layout = layouts.get(continentId);
        return layout == null ? 1 : Math.max(1, layout.getCells());
    }

    /** When continent {@code continentId}'s layout was written (ms since the epoch), 0 when it has none. */
    public long layoutRequestedAt(final String continentId) {
        final CellLayout layout = layouts.get(continentId);
        return layout == null ? 0 : layout.getRequestedAtUnixMs();
    }

    /** Whether continent {@code continentId}'s layout is the control plane's own (--auto-split), not an operator's. */
    public boolean automaticLayout(final String continentId) {
        final CellLayout layout = layouts.get(continentId);
        return layout != null && layout.getAutomatic();
    }

    public long revision() {
        return revision;
    }

    public Map<String, NodeStatus> nodes() {
        return nodes;
    }

    public boolean isCordoned(final String nodeId) {
        return cordoned.contains(nodeId);
    }

    public Set<String> cordoned() {
        return cordoned;
    }

    /** Cordoned, and everything on it is to move away. */
    public boolean isDraining(final String nodeId) {
        return draining.contains(nodeId);
    }

    public Set<String> draining() {
        return draining;
    }

    /** Moves whose instance is gone (closed, or lost with its node): to be cleaned up. */
    public Map<String, InstanceMove> orphanMoves() {
        final Map<String, InstanceMove> orphans = new HashMap<>(moves);
        orphans.keySet().removeAll(instances.keySet());
        return orphans;
    }

    /** What the target of {@code instance}'s move confirmed for that move, or null. */
    public AssignmentAck moveConfirmed(final MapInstance instance) {
        final AssignmentAck ack = moveStatuses.get(instance.getInstanceId());
        return ack != null
                        && instance.hasMove()
                        && ack.getMoveEpoch() == instance.getMove().getEpoch()
                ? ack
                : null;
    }

    /**
     * The node a player of {@code instance} goes to now: the target once the source hands its
     * players over, otherwise the instance's node.
     */
    public static String entryNode(final MapInstance instance) {
        return instance.hasMove() && instance.getMove().getPhase() == MovePhase.MOVE_PHASE_HANDING_OVER
                ? instance.getMove().getToNodeId()
                : instance.getNodeId();
    }

    /** The epoch of the move the instance's node reports its copy handed over for, 0 when none. */
    public long handedOver(final MapInstance instance) {
        return reported(instance).getHandedOverMoveEpoch();
    }

    /** Instances as stored: state PENDING or CLOSING, epoch filled in from the key's revision. */
    public Map<String, MapInstance> instances() {
        return instances;
    }

    /** The instance bound to {@code realm/mapId/owner}, or null. */
    public String binding(final String realm, final int mapId, final String owner) {
        return bindings.get(realm + "/" + mapId + "/" + owner);
    }

    /** What the node confirmed about {@code instance} at its current epoch, or null. */
    public AssignmentAck confirmed(final MapInstance instance) {
        final AssignmentAck ack = statuses.get(instance.getInstanceId());
        return ack != null && ack.getEpoch() == instance.getEpoch() ? ack : null;
    }

    /** The instance as operators see it: ACTIVE once its node confirmed the current epoch. */
    public MapInstance observed(final MapInstance instance) {
        final AssignmentAck ack = confirmed(instance);
        if (instance.getState() == InstanceState.INSTANCE_STATE_PENDING
                && ack != null
                && ack.getState() == InstanceState.INSTANCE_STATE_ACTIVE) {
            return instance.toBuilder()
                    .setState(InstanceState.INSTANCE_STATE_ACTIVE)
                    .build();
        }
        return instance;
    }

    public List<MapInstance> observedInstances() {
        final List<MapInstance> result = new ArrayList<>(instances.size());
        for (final MapInstance instance : instances.values()) {
            result.add(observed(instance));
        }
        return result;
    }

    /**
     * Instances assigned to {@code nodeId}, as it should run them, and those moving to it, in instance id order.
     * From an index made on the first call (a state handed to readers does not change); on a state being changed
     * (a copy), a walk over every instance.
     */
    public List<MapInstance> assignedTo(final String nodeId) {
        Map<String, List<MapInstance>> index = changeable ? null : byNode;
        if (index == null) {
            index = new HashMap<>();
            for (final MapInstance instance : instances.values()) {
                index.computeIfAbsent(instance.getNodeId(), node -> new ArrayList<>())
                        .add(instance);
                final String target = instance.getMove().getToNodeId();
                if (!target.isEmpty() && !target.equals(instance.getNodeId())) {
                    index.computeIfAbsent(target, node -> new ArrayList<>()).add(instance);
                }
            }
            if (!changeable) {
                byNode = index;
            }
        }
        return List.copyOf(index.getOrDefault(nodeId, List.of()));
    }

    /** Players the node reports in one instance, 0 when it reports none. */
    public int reportedPlayers(final MapInstance instance) {
        return reported(instance).getPlayers();
    }

    /** What the instance's node last reported about it (empty when it reports nothing). */
    private MapLoad reported(final MapInstance instance) {
        final NodeStatus node = nodes.get(instance.getNodeId());
        if (node == null) {
            return MapLoad.getDefaultInstance();
        }
        Map<String, Map<String, MapLoad>> index = loads;
        if (index == null) {
            index = new HashMap<>();
            for (final Map.Entry<String, NodeStatus> entry : nodes.entrySet()) {
                final Map<String, MapLoad> byInstance = new HashMap<>();
                for (final MapLoad load : entry.getValue().getLoad().getMapsList()) {
                    byInstance.put(load.getInstanceId(), load);
                }
                index.put(entry.getKey(), byInstance);
            }
            loads = index;
        }
        return index.getOrDefault(instance.getNodeId(), Map.of())
                .getOrDefault(instance.getInstanceId(), MapLoad.getDefaultInstance());
    }
}
