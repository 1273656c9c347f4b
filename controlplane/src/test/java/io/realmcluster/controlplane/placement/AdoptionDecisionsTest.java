package io.realmcluster.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.controlplane.placement.PlacementDecisionsTest.Cluster;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MovePhase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the leader decides under an adoption grace: every action because a node is absent waits, the rest goes on. */
class AdoptionDecisionsTest {
    private static final long NOW = 1_000_000;
    private static final Duration IDLE = Duration.ofSeconds(10);
    private static final String DUNGEON = "main.36.a";
    private static final Adoption GRACE = new Adoption(NOW + 4_000);

    private final PlacementDecisions decisions =
            new PlacementDecisions(MapCatalog.vanilla(List.of("main")), IDLE, true);

    @Test
    void aContinentOfAnAbsentNodeWaitsForTheGraceAndMovesAfterIt() {
        final ClusterState state = new Cluster()
                .node("a", 100, "continent")
                .continents("gone", "a")
                .state();

        assertThat(decide(state, GRACE)).containsExactly("wait main.0 4000 ms");
        assertThat(decide(state, Adoption.NONE)).containsExactly("reassign main.0 to a");
        assertThat(decide(state, new Adoption(NOW)))
                .as("a grace that ended at this instant")
                .containsExactly("reassign main.0 to a");
    }

    @Test
    void anInstanceOfAnAbsentNodeIsNotClosedDuringTheGrace() {
        final ClusterState active = new Cluster()
                .node("a", 100, "continent")
                .continents("a", "a")
                .dungeon("gone", InstanceState.INSTANCE_STATE_ACTIVE, 0)
                .state();
        final ClusterState closing = new Cluster()
                .node("a", 100, "continent")
                .continents("a", "a")
                .dungeon("gone", null, 0, InstanceState.INSTANCE_STATE_CLOSING)
                .state();

        assertThat(decide(active, GRACE)).containsExactly("wait " + DUNGEON + " 4000 ms");
        assertThat(decide(closing, GRACE)).containsExactly("wait " + DUNGEON + " 4000 ms");
        assertThat(decide(active, Adoption.NONE)).containsExactly("remove " + DUNGEON + " (node gone)");
    }

    @Test
    void aMoveWhoseSourceOrTargetIsAbsentIsNeitherFinishedNorCalledOffDuringTheGrace() {
        final ClusterState targetGone = new Cluster()
                .node("a", 100, "continent")
                .continents("a", "a")
                .move("main.0", "gone", MovePhase.MOVE_PHASE_PREPARING, NOW)
                .state();
        final ClusterState sourceGone = new Cluster()
                .node("b", 100, "continent")
                .continents("gone", "b")
                .move("main.0", "b", MovePhase.MOVE_PHASE_HANDING_OVER, NOW)
                .state();

        assertThat(decide(targetGone, GRACE)).containsExactly("wait main.0 4000 ms");
        assertThat(decide(sourceGone, GRACE)).containsExactly("wait main.0 4000 ms");
        assertThat(decide(targetGone, Adoption.NONE)).containsExactly("call off main.0: its target gone is gone");
        assertThat(decide(sourceGone, Adoption.NONE)).containsExactly("finish main.0 on b (source gone)");
    }

    @Test
    void whatPresentNodesNeedGoesOnDuringTheGrace() {
        final ClusterState idle = new Cluster()
                .node("a", 100, "continent", "dungeon")
                .continents("a", "a")
                .dungeon("a", InstanceState.INSTANCE_STATE_ACTIVE, 0)
                .state();
        final Cluster emptyCluster = new Cluster().node("a", 100, "continent");

        assertThat(decide(idle, GRACE, DUNGEON, IDLE.plusSeconds(1)))
                .as("an idle instance of a present node still closes")
                .containsExactly("close " + DUNGEON);
        assertThat(decide(emptyCluster.state(), GRACE))
                .as("a continent no node ever ran is placed")
                .containsExactly("place main.0 on a", "place main.1 on a");
        assertThat(decide(
                        new Cluster()
                                .node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .continents("a", "b")
                                .move("main.0", "b", MovePhase.MOVE_PHASE_HANDING_OVER, NOW)
                                .handedOver("main.0")
                                .state(),
                        GRACE))
                .as("a move between present nodes goes on")
                .containsExactly("finish main.0 on b");
    }

    @Test
    void noRebalanceWhileANodeMayStillComeBack() {
        final Cluster uneven = new Cluster()
                .node("a", 100, "continent")
                .node("b", 100, "continent")
                .continents("a", "a");

        assertThat(decide(uneven.state(), GRACE)).isEmpty();
        assertThat(decide(uneven.state(), Adoption.NONE)).hasSize(1).allMatch(s -> s.startsWith("start move"));
    }

    private List<String> decide(final ClusterState state, final Adoption adoption) {
        return decisions.decide(state, PlacementDecisions.emptySince(state, Map.of(), NOW), NOW, adoption).stream()
                .map(PlacementDecisionsTest::summary)
                .toList();
    }

    private List<String> decide(
            final ClusterState state, final Adoption adoption, final String emptyInstance, final Duration emptyFor) {
        return decisions.decide(state, Map.of(emptyInstance, NOW - emptyFor.toMillis()), NOW, adoption).stream()
                .map(PlacementDecisionsTest::summary)
                .toList();
    }
}
