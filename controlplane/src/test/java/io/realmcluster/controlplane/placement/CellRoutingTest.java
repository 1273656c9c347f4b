package io.realmcluster.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.proto.world.Cells;
import org.junit.jupiter.api.Test;

/** Which instance a character enters on a continent that runs whole, or split into cells. */
class CellRoutingTest {
    private final float boundary = Cells.center(0)[0];

    @Test
    void aCharacterEntersTheCellOfItsPlaceOrTheWholeContinent() {
        final ClusterState split = new PlacementDecisionsTest.Cluster()
                .node("a", 100, "continent")
                .node("b", 100, "continent")
                .cell("main.0", 0, 2, "a")
                .cell("main.0", 1, 2, "b")
                .state();
        assertThat(split.continentInstanceAt("main.0", 0, boundary - 10f)).isEqualTo("main.0.c0");
        assertThat(split.continentInstanceAt("main.0", 0, boundary + 10f)).isEqualTo("main.0.c1");
        assertThat(split.continentInstanceAt("main.0", 0, -1e9f))
                .as("west of the square")
                .isEqualTo("main.0.c0");
        assertThat(split.continentInstanceAt("main.0", 0, Float.NaN))
                .as("no place: the middle")
                .isEqualTo("main.0.c1");
        assertThat(split.continentInstanceAt("main.1", 1, 0f))
                .as("a continent that runs nowhere: its own id")
                .isEqualTo("main.1");

        final ClusterState whole = new PlacementDecisionsTest.Cluster()
                .node("a", 100, "continent")
                .continent("main.0", 0, "a")
                .state();
        assertThat(whole.continentInstanceAt("main.0", 0, boundary + 10f)).isEqualTo("main.0");
    }

    @Test
    void aCellKnowsTheOtherCellsOfItsContinentThatRunWithTheirNodes() {
        final ClusterState state = new PlacementDecisionsTest.Cluster()
                .node("a", 100, "continent")
                .node("b", 100, "continent")
                .cell("main.0", 0, 3, "a")
                .cell("main.0", 1, 3, "b")
                .cell("main.0", 2, 3, "gone")
                .continent("main.1", 1, "a")
                .state();
        assertThat(state.cellPeers(state.instances().get("main.0.c0")))
                .extracting(route -> route.getInstance().getInstanceId() + " on "
                        + route.getNode().getNodeId())
                .as("c2's node is not registered: no way there now")
                .containsExactly("main.0.c1 on b");
        assertThat(state.cellPeers(state.instances().get("main.0.c1")))
                .extracting(route -> route.getInstance().getInstanceId())
                .containsExactly("main.0.c0");
        assertThat(state.cellPeers(state.instances().get("main.1"))).isEmpty();
    }
}
