package io.realmcluster.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.proto.v1.LoadReport;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.MapLoad;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.NodeStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Placement decisions over hand-made cluster states. */
class PlacementPolicyTest {

    @Test
    void continentsSpreadOverNodesBeforeDoublingUp() {
        final ClusterState state = new ClusterState();
        state.nodes().put("a", node("a", 1000, "continent"));
        state.nodes().put("b", node("b", 1000, "continent"));
        state.nodes().put("c", node("c", 1000, "continent"));
        state.instances().put("main.0", continent("main.0", "a"));
        state.instances().put("main.1", continent("main.1", "b"));
        assertThat(PlacementPolicy.continentNode(state, "main", null))
                .hasValueSatisfying(n -> assertThat(id(n)).isEqualTo("c"));
    }

    @Test
    void continentsGoOnlyToSchedulableNodesOfTheContinentPool() {
        final ClusterState state = new ClusterState();
        state.nodes().put("dungeons", node("dungeons", 1000, "dungeon"));
        state.nodes().put("cordoned", node("cordoned", 1000, "continent"));
        state.cordoned().add("cordoned");
        assertThat(PlacementPolicy.continentNode(state, "main", null)).isEmpty();
        state.nodes().put("ok", node("ok", 1000, "continent"));
        assertThat(PlacementPolicy.continentNode(state, "main", null))
                .hasValueSatisfying(n -> assertThat(id(n)).isEqualTo("ok"));
        assertThat(PlacementPolicy.continentNode(state, "main", "ok")).isEmpty();
    }

    @Test
    void instancesGoToTheLeastUsedNodeWithRoomCountingReportedPlayers() {
        final ClusterState state = new ClusterState();
        state.nodes()
                .put(
                        "busy",
                        node(
                                "busy",
                                100,
                                "dungeon",
                                MapLoad.newBuilder()
                                        .setInstanceId("main.0")
                                        .setPlayers(90)
                                        .build()));
        state.nodes().put("big", node("big", 1000, "dungeon"));
        state.instances().put("main.0", continent("main.0", "busy"));
        state.instances().put("main.36.1", dungeon("main.36.1", "big", 400));
        // busy is 90% used by reported players, big 40% by reservations.
        assertThat(PlacementPolicy.instanceNode(state, "dungeon", List.of("main"), 5))
                .hasValueSatisfying(n -> assertThat(id(n)).isEqualTo("big"));
        assertThat(PlacementPolicy.instanceNode(state, "dungeon", List.of("main"), 601))
                .isEmpty();
        assertThat(PlacementPolicy.instanceNode(state, "raid", List.of("main"), 1))
                .isEmpty();
    }

    @Test
    void aNodeIsNeverFilledPastItsCapacity() {
        final ClusterState state = new ClusterState();
        state.nodes().put("a", node("a", 10, "dungeon"));
        for (int i = 0; i < 2; i++) {
            final var chosen = PlacementPolicy.instanceNode(state, "dungeon", List.of("main"), 5);
            assertThat(chosen).isPresent();
            state.instances().put("i" + i, dungeon("i" + i, "a", 5));
        }
        assertThat(PlacementPolicy.instanceNode(state, "dungeon", List.of("main"), 1))
                .isEmpty();
        assertThat(PlacementPolicy.used(state)).containsEntry("a", 10);
    }

    @Test
    void aJoiningNodeIsOfferedAContinentOnlyWhenTheSpreadIsUneven() {
        final ClusterState state = new ClusterState();
        state.nodes().put("a", node("a", 1000, "continent"));
        state.instances().put("main.0", continent("main.0", "a"));
        state.instances().put("main.1", continent("main.1", "a"));
        assertThat(PlacementPolicy.continentToRebalance(state)).isEmpty();
        state.nodes().put("b", node("b", 1000, "continent"));
        assertThat(PlacementPolicy.continentToRebalance(state)).hasValueSatisfying(move -> {
            assertThat(move.getKey().getNodeId()).isEqualTo("a");
            assertThat(move.getValue()).isEqualTo("b");
        });
        state.instances().put("main.1", continent("main.1", "b"));
        assertThat(PlacementPolicy.continentToRebalance(state)).isEmpty();
    }

    @Test
    void aRealmsMapsGoOnlyToNodesHoldingItsDatabaseAndBattlegroundsToNodesHoldingEveryRealm() {
        final ClusterState state = new ClusterState();
        state.nodes().put("second-only", holding(node("second-only", 1000, "continent"), "second"));
        assertThat(PlacementPolicy.continentNode(state, "main", null))
                .as("no node holds main")
                .isEmpty();
        assertThat(PlacementPolicy.continentNode(state, "second", null))
                .hasValueSatisfying(n -> assertThat(id(n)).isEqualTo("second-only"));
        state.nodes().put("shared", node("shared", 1000, "continent"));
        assertThat(PlacementPolicy.continentNode(state, "main", null))
                .as("a node naming no realm holds every realm")
                .hasValueSatisfying(n -> assertThat(id(n)).isEqualTo("shared"));

        final ClusterState battlegrounds = new ClusterState();
        battlegrounds.nodes().put("main-only", holding(node("main-only", 1000, "battleground"), "main"));
        final List<String> realms =
                PlacementPolicy.realmsFor(MapKind.MAP_KIND_BATTLEGROUND, "main", List.of("main", "second"));
        assertThat(PlacementPolicy.instanceNode(battlegrounds, "battleground", realms, 10))
                .isEmpty();
        battlegrounds.nodes().put("both", holding(node("both", 1000, "battleground"), "main", "second"));
        assertThat(PlacementPolicy.instanceNode(battlegrounds, "battleground", realms, 10))
                .hasValueSatisfying(n -> assertThat(id(n)).isEqualTo("both"));
        assertThat(PlacementPolicy.realmsFor(MapKind.MAP_KIND_DUNGEON, "main", List.of("main", "second")))
                .containsExactly("main");
    }

    @Test
    void rebalancingSpreadsEachRealmsContinentsAndSoItsPlayersOverTheNodes() {
        final ClusterState state = new ClusterState();
        state.nodes().put("a", node("a", 1000, "continent"));
        state.nodes().put("b", node("b", 1000, "continent"));
        for (final String id : List.of("main.0", "main.1", "second.0", "second.1")) {
            state.instances()
                    .put(
                            id,
                            continent(id, "a").toBuilder()
                                    .setRealm(id.split("\\.")[0])
                                    .build());
        }
        assertThat(PlacementPolicy.continentToRebalance(state))
                .hasValueSatisfying(
                        move -> assertThat(move.getKey().getInstanceId()).isEqualTo("main.0"));
        state.instances()
                .put(
                        "main.0",
                        state.instances().get("main.0").toBuilder()
                                .setNodeId("b")
                                .build());
        assertThat(PlacementPolicy.continentToRebalance(state))
                .as("not main.1: both of main's continents on b would leave all of main's players on one node")
                .hasValueSatisfying(
                        move -> assertThat(move.getKey().getInstanceId()).isEqualTo("second.0"));
    }

    @Test
    void continentsAreRebalancedOnlyToANodeHoldingTheirRealm() {
        final ClusterState state = new ClusterState();
        state.nodes().put("a", node("a", 1000, "continent"));
        state.nodes().put("b", holding(node("b", 1000, "continent"), "second"));
        state.instances().put("main.0", continent("main.0", "a"));
        state.instances().put("main.1", continent("main.1", "a"));
        assertThat(PlacementPolicy.continentToRebalance(state))
                .as("b holds no main")
                .isEmpty();
        state.instances()
                .put(
                        "second.0",
                        continent("second.0", "a").toBuilder()
                                .setRealm("second")
                                .build());
        assertThat(PlacementPolicy.continentToRebalance(state))
                .hasValueSatisfying(
                        move -> assertThat(move.getKey().getInstanceId()).isEqualTo("second.0"));
    }

    private static NodeStatus holding(final NodeStatus node, final String... realms) {
        return node.toBuilder()
                .setNode(node.getNode().toBuilder().addAllRealms(List.of(realms)))
                .build();
    }

    private static NodeStatus node(final String id, final int capacity, final String pool, final MapLoad... maps) {
        return NodeStatus.newBuilder()
                .setNode(NodeDescriptor.newBuilder()
                        .setNodeId(id)
                        .setCapacityPlayers(capacity)
                        .addAllPools(List.of(pool)))
                .setLoad(LoadReport.newBuilder().addAllMaps(List.of(maps)))
                .build();
    }

    private static MapInstance continent(final String id, final String node) {
        return MapInstance.newBuilder()
                .setInstanceId(id)
                .setRealm("main")
                .setKind(MapKind.MAP_KIND_CONTINENT)
                .setNodeId(node)
                .build();
    }

    private static MapInstance dungeon(final String id, final String node, final int reserved) {
        return MapInstance.newBuilder()
                .setInstanceId(id)
                .setKind(MapKind.MAP_KIND_DUNGEON)
                .setNodeId(node)
                .setReservedPlayers(reserved)
                .build();
    }

    private static String id(final NodeStatus node) {
        return node.getNode().getNodeId();
    }
}
