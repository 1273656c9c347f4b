package io.realmcluster.controlplane.placement;

import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.NodeStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a new instance goes: pure decisions over a {@link ClusterState}. A node's use is what its
 * instances hold: players it reports, or the room placement reserved while it reports fewer.
 */
public final class PlacementPolicy {
    private PlacementPolicy() {}

    /** Players counted against each node's capacity. */
    public static Map<String, Integer> used(final ClusterState state) {
        final Map<String, Integer> used = new HashMap<>();
        for (final MapInstance instance : state.instances().values()) {
            final int players = Math.max(instance.getReservedPlayers(), state.reportedPlayers(instance));
            used.merge(instance.getNodeId(), players, Integer::sum);
        }
        return used;
    }

    /**
     * Whether {@code node} holds the databases of every realm of {@code realms}: a node that names none
     * holds every realm (its shared database), as nodes did before they named realms.
     */
    public static boolean holds(final NodeStatus node, final Collection<String> realms) {
        final List<String> held = node.getNode().getRealmsList();
        return held.isEmpty() || held.containsAll(realms);
    }

    /**
     * The realms a node must hold to run an instance of {@code kind} of {@code realm}: that realm, or for a
     * battleground, which takes players of several realms, every realm of the catalog ({@code catalogRealms}).
     */
    public static List<String> realmsFor(
            final MapKind kind, final String realm, final Collection<String> catalogRealms) {
        return kind == MapKind.MAP_KIND_BATTLEGROUND ? List.copyOf(catalogRealms) : List.of(realm);
    }

    /**
     * The continent node holding {@code realm} with the fewest continents, then the least use; empty when no
     * node can take one.
     */
    public static Optional<NodeStatus> continentNode(
            final ClusterState state, final String realm, final String excludeNodeId) {
        return continentNode(state, realm, excludeNodeId, java.util.Set.of());
    }

    /**
     * The same, preferring a node not in {@code avoid} (the nodes of a continent's other cells: two cells on one
     * node share its machine, which a split is meant to spread) when another can take it.
     */
    public static Optional<NodeStatus> continentNode(
            final ClusterState state,
            final String realm,
            final String excludeNodeId,
            final java.util.Set<String> avoid) {
        final Map<String, Integer> used = used(state);
        final Map<String, Integer> continents = new HashMap<>();
        for (final MapInstance instance : state.instances().values()) {
            if (instance.getKind() == MapKind.MAP_KIND_CONTINENT) {
                continents.merge(instance.getNodeId(), 1, Integer::sum);
            }
        }
        return state.nodes().values().stream()
                .filter(node -> schedulable(state, node, "continent"))
                .filter(node -> holds(node, List.of(realm)))
                .filter(node -> !node.getNode().getNodeId().equals(excludeNodeId))
                .min(Comparator.<NodeStatus>comparingInt(
                                node -> avoid.contains(node.getNode().getNodeId()) ? 1 : 0)
                        .thenComparingInt(
                                node -> continents.getOrDefault(node.getNode().getNodeId(), 0))
                        .thenComparingDouble(node -> share(used, node))
                        .thenComparing(node -> node.getNode().getNodeId()));
    }

    /**
     * The least-used node of {@code pool} holding {@code realms} with room for {@code players} more; empty when
     * none has room.
     */
    public static Optional<NodeStatus> instanceNode(
            final ClusterState state, final String pool, final Collection<String> realms, final int players) {
        final Map<String, Integer> used = used(state);
        return state.nodes().values().stream()
                .filter(node -> schedulable(state, node, pool))
                .filter(node -> holds(node, realms))
                .filter(node -> used.getOrDefault(node.getNode().getNodeId(), 0) + players
                        <= node.getNode().getCapacityPlayers())
                .min(Comparator.<NodeStatus>comparingDouble(node -> share(used, node))
                        .thenComparing(node -> node.getNode().getNodeId()));
    }

    static boolean schedulable(final ClusterState state, final NodeStatus node, final String pool) {
        return node.getNode().getPoolsList().contains(pool)
                && !state.isCordoned(node.getNode().getNodeId());
    }

    private static double share(final Map<String, Integer> used, final NodeStatus node) {
        return used.getOrDefault(node.getNode().getNodeId(), 0)
                / (double) Math.max(1, node.getNode().getCapacityPlayers());
    }

    /**
     * A continent worth moving to even out continents per node (a node with two or more continents
     * more than another), with the node to move it to; empty when the spread is even.
     */
    public static Optional<Map.Entry<MapInstance, String>> continentToRebalance(final ClusterState state) {
        final Map<String, List<MapInstance>> byNode = new HashMap<>();
        final Map<String, NodeStatus> nodes = new HashMap<>();
        for (final NodeStatus node : state.nodes().values()) {
            if (schedulable(state, node, "continent")) {
                byNode.put(node.getNode().getNodeId(), new ArrayList<>());
                nodes.put(node.getNode().getNodeId(), node);
            }
        }
        for (final MapInstance instance : state.instances().values()) {
            if (instance.getKind() == MapKind.MAP_KIND_CONTINENT && byNode.containsKey(instance.getNodeId())) {
                byNode.get(instance.getNodeId()).add(instance);
            }
        }
        if (byNode.size() < 2) {
            return Optional.empty();
        }
        final Comparator<Map.Entry<String, List<MapInstance>>> bySize =
                Comparator.comparingInt(e -> e.getValue().size());
        final var most = byNode.entrySet().stream()
                .max(bySize.thenComparing(Map.Entry::getKey))
                .orElseThrow();
        final var least = byNode.entrySet().stream()
                .min(bySize.thenComparing(Map.Entry::getKey))
                .orElseThrow();
        if (most.getValue().size() - least.getValue().size() < 2) {
            return Optional.empty();
        }
        // Only a continent of a realm the emptier node holds; of those, one of the realm the fuller node has most
        // more of, so that each realm's continents, and so its players, spread over the nodes too.
        final Map<String, Integer> realmSurplus = new HashMap<>();
        most.getValue().forEach(c -> realmSurplus.merge(c.getRealm(), 1, Integer::sum));
        least.getValue().forEach(c -> realmSurplus.merge(c.getRealm(), -1, Integer::sum));
        return most.getValue().stream()
                .filter(continent -> holds(nodes.get(least.getKey()), List.of(continent.getRealm())))
                .max(Comparator.<MapInstance>comparingInt(c -> realmSurplus.get(c.getRealm()))
                        .thenComparing(MapInstance::getInstanceId, Comparator.reverseOrder()))
                .map(continent -> Map.entry(continent, least.getKey()));
    }
}
