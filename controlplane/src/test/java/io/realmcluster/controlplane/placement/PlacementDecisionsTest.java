package io.realmcluster.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.Cell;
import io.realmcluster.proto.v1.CellLayout;
import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.LoadReport;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.MapLoad;
import io.realmcluster.proto.v1.MovePhase;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.NodeStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the placement controller decides about hand-made etcd contents: one row per situation, no etcd. */
class PlacementDecisionsTest {
    private static final long NOW = 1_000_000;
    private static final Duration IDLE = Duration.ofSeconds(10);
    private static final String DUNGEON = "main.36.a";

    static Stream<Arguments> situations() {
        return Stream.of(
                row(
                        "no continent node: each continent waits, operators told why",
                        c -> c.node("d", 100, "dungeon"),
                        "stuck main.0: continent main.0 (Eastern Kingdoms) waits for a node of the continent pool holding "
                                + "realm main",
                        "stuck main.1: continent main.1 (Kalimdor) waits for a node of the continent pool holding realm main"),
                row(
                        "a split continent's cells spread over the continent nodes, one by one",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .split("main.0", 2),
                        "place main.0.c0 on a",
                        "place main.0.c1 on b",
                        "place main.1 on a"),
                row(
                        "only the cells that run nowhere are placed",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .split("main.0", 3)
                                .cell("main.0", 1, 3, "b")
                                .continent("main.1", 1, "a"),
                        "place main.0.c0 on a",
                        "place main.0.c2 on b"),
                row(
                        "a split of a running continent: its cells placed beside it first",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .continents("a", "b")
                                .split("main.0", 2),
                        "place main.0.c0 on a",
                        "place main.0.c1 on b"),
                row(
                        "the cells of a continent go to different nodes while there are enough",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .continents("a", "a")
                                .split("main.0", 2),
                        "place main.0.c0 on b",
                        "place main.0.c1 on a"),
                row(
                        "cells placed together (one node registered first) spread once another node runs none",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .split("main.0", 2)
                                .cell("main.0", 0, 2, "a")
                                .cell("main.0", 1, 2, "a")
                                .continent("main.1", 1, "a"),
                        "start move main.0.c1 to b (spread cells)"),
                row(
                        "cells sharing the only continent node stay",
                        c -> c.node("a", 100, "continent")
                                .split("main.0", 2)
                                .cell("main.0", 0, 2, "a")
                                .cell("main.0", 1, 2, "a")
                                .continent("main.1", 1, "a")),
                row(
                        "a split once every cell runs: the whole continent hands each player to the cell of its place",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .continents("a", "b")
                                .split("main.0", 2)
                                .cell("main.0", 0, 2, "a")
                                .cell("main.0", 1, 2, "b"),
                        "start move main.0 to  (split)"),
                row(
                        "a split's whole continent closes once it handed every player over",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .continents("a", "b")
                                .split("main.0", 2)
                                .cell("main.0", 0, 2, "a")
                                .cell("main.0", 1, 2, "b")
                                .relayout(
                                        "main.0",
                                        InstanceMove.newBuilder()
                                                .setToCells(true)
                                                .setReason("split")
                                                .setPhase(MovePhase.MOVE_PHASE_HANDING_OVER)
                                                .build())
                                .handedOver("main.0"),
                        "remove main.0 (closed)"),
                row(
                        "a merge: the whole continent placed beside its cells",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .cell("main.0", 0, 2, "a")
                                .cell("main.0", 1, 2, "b")
                                .continent("main.1", 1, "b"),
                        "place main.0 on a"),
                row(
                        "a merge once the whole continent runs: each cell hands its players over to it",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .cell("main.0", 0, 2, "a")
                                .cell("main.0", 1, 2, "b")
                                .continent("main.0", 0, "a")
                                .continent("main.1", 1, "b"),
                        "start move main.0.c0 to a (merge)",
                        "start move main.0.c1 to a (merge)"),
                row(
                        "a merging cell closes once it handed every player over",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .cell("main.0", 1, 2, "b")
                                .continent("main.0", 0, "a")
                                .continent("main.1", 1, "b")
                                .relayout(
                                        "main.0.c1",
                                        InstanceMove.newBuilder()
                                                .setToNodeId("a")
                                                .setToInstanceId("main.0")
                                                .setReason("merge")
                                                .setPhase(MovePhase.MOVE_PHASE_HANDING_OVER)
                                                .build())
                                .handedOver("main.0.c1"),
                        "remove main.0.c1 (closed)"),
                row(
                        "a merge whose whole continent left its node: called off, the cell keeps its players, and"
                                + " the merge starts again toward where the continent runs now (the next pass: one"
                                + " action a key per pass)",
                        c -> c.node("b", 100, "continent")
                                .cell("main.0", 1, 2, "b")
                                .continent("main.0", 0, "b")
                                .continent("main.1", 1, "b")
                                .relayout(
                                        "main.0.c1",
                                        InstanceMove.newBuilder()
                                                .setToNodeId("a")
                                                .setToInstanceId("main.0")
                                                .setReason("merge")
                                                .setPhase(MovePhase.MOVE_PHASE_HANDING_OVER)
                                                .build()),
                        "call off main.0.c1: the continent it merges into left node a",
                        "start move main.0.c1 to b (merge)"),
                row(
                        "a dead node's cell goes to another continent node like a continent",
                        c -> c.node("a", 100, "continent")
                                .split("main.0", 2)
                                .cell("main.0", 0, 2, "gone")
                                .cell("main.0", 1, 2, "a")
                                .continent("main.1", 1, "a"),
                        "reassign main.0.c0 to a"),
                row(
                        "one continent node takes both continents",
                        c -> c.node("a", 100, "continent"),
                        "place main.0 on a",
                        "place main.1 on a"),
                row(
                        "continents placed in one pass spread as if placed one by one",
                        c -> c.node("a", 100, "continent").node("b", 100, "continent"),
                        "place main.0 on a",
                        "place main.1 on b"),
                row(
                        "a cordoned node takes no continent",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .cordon("a"),
                        "place main.0 on b",
                        "place main.1 on b"),
                row(
                        "continents that run where they should: nothing to do",
                        c -> c.node("a", 100, "continent").continents("a", "a")),
                row(
                        "a continent whose node died goes to the live continent node",
                        c -> c.node("a", 100, "continent").continents("gone", "a"),
                        "reassign main.0 to a"),
                row(
                        "a continent whose node died and no node to take it: stuck",
                        c -> c.node("d", 100, "dungeon").continents("gone", "gone"),
                        "stuck main.0: continent main.0 lost node gone and no live continent node can take it",
                        "stuck main.1: continent main.1 lost node gone and no live continent node can take it"),
                row(
                        "a dungeon whose node died is removed",
                        c -> c.node("a", 100, "continent")
                                .continents("a", "a")
                                .dungeon("gone", InstanceState.INSTANCE_STATE_ACTIVE, 0),
                        "remove " + DUNGEON + " (node gone)"),
                row(
                        "a closing dungeon its node closed is removed",
                        c -> c.node("a", 100, "continent", "dungeon")
                                .continents("a", "a")
                                .dungeon(
                                        "a",
                                        InstanceState.INSTANCE_STATE_CLOSED,
                                        0,
                                        InstanceState.INSTANCE_STATE_CLOSING),
                        "remove " + DUNGEON + " (closed)"),
                row(
                        "a closing dungeon still open on its node: nothing yet",
                        c -> c.node("a", 100, "continent", "dungeon")
                                .continents("a", "a")
                                .dungeon(
                                        "a",
                                        InstanceState.INSTANCE_STATE_ACTIVE,
                                        0,
                                        InstanceState.INSTANCE_STATE_CLOSING)),
                row(
                        "an empty dungeon waits out the rest of its idle time",
                        c -> c.node("a", 100, "continent", "dungeon")
                                .continents("a", "a")
                                .dungeon("a", InstanceState.INSTANCE_STATE_ACTIVE, 0)
                                .emptyFor(DUNGEON, Duration.ofSeconds(4)),
                        "wait " + DUNGEON + " 6000 ms"),
                row(
                        "a dungeon empty for its idle time begins closing",
                        c -> c.node("a", 100, "continent", "dungeon")
                                .continents("a", "a")
                                .dungeon("a", InstanceState.INSTANCE_STATE_ACTIVE, 0)
                                .emptyFor(DUNGEON, IDLE),
                        "close " + DUNGEON),
                row(
                        "a dungeon with players stays open however long it was empty before",
                        c -> c.node("a", 100, "continent", "dungeon")
                                .continents("a", "a")
                                .dungeon("a", InstanceState.INSTANCE_STATE_ACTIVE, 3)
                                .emptyFor(DUNGEON, IDLE)),
                row(
                        "a dungeon its node has not confirmed is not idle",
                        c -> c.node("a", 100, "continent", "dungeon")
                                .continents("a", "a")
                                .dungeon("a", null, 0)
                                .emptyFor(DUNGEON, IDLE)),
                row(
                        "a move whose target died is called off",
                        c -> c.node("a", 100, "continent")
                                .continents("a", "a")
                                .move("main.0", "gone", MovePhase.MOVE_PHASE_PREPARING, NOW),
                        "call off main.0: its target gone is gone"),
                row(
                        "a move whose source died finishes on the target",
                        c -> c.node("b", 100, "continent")
                                .continents("gone", "b")
                                .move("main.0", "b", MovePhase.MOVE_PHASE_HANDING_OVER, NOW),
                        "finish main.0 on b (source gone)"),
                row(
                        "a move whose target loaded its copy hands the players over",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .continents("a", "b")
                                .move("main.0", "b", MovePhase.MOVE_PHASE_PREPARING, NOW)
                                .moveConfirmed("main.0", ""),
                        "hand over main.0 to b"),
                row(
                        "a move whose target could not load it is called off with the target's reason",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .continents("a", "b")
                                .move("main.0", "b", MovePhase.MOVE_PHASE_PREPARING, NOW)
                                .moveConfirmed("main.0", "out of memory"),
                        "call off main.0: b could not load it: out of memory"),
                row(
                        "a move still preparing waits out the rest of its time",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .continents("a", "b")
                                .move("main.0", "b", MovePhase.MOVE_PHASE_PREPARING, NOW - 20_000),
                        "wait main.0 40000 ms"),
                row(
                        "a move preparing for too long is called off",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .continents("a", "b")
                                .move("main.0", "b", MovePhase.MOVE_PHASE_PREPARING, NOW - 61_000),
                        "call off main.0: b did not load it within 60 s"),
                row(
                        "a move finishes once the source handed its players over",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .continents("a", "b")
                                .move("main.0", "b", MovePhase.MOVE_PHASE_HANDING_OVER, NOW)
                                .handedOver("main.0"),
                        "finish main.0 on b"),
                row(
                        "a move handing over: nothing until the source is done",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .continents("a", "b")
                                .move("main.0", "b", MovePhase.MOVE_PHASE_HANDING_OVER, NOW)),
                row(
                        "the move of an instance that is gone is forgotten",
                        c -> c.node("a", 100, "continent").continents("a", "a").orphanMove("main.36.old", "a"),
                        "end orphan move main.36.old"),
                row(
                        "a draining node's instances move, two at a time",
                        c -> c.node("a", 100, "continent", "dungeon")
                                .node("b", 100, "continent", "dungeon")
                                .drain("a")
                                .continents("a", "a")
                                .dungeon("a", InstanceState.INSTANCE_STATE_ACTIVE, 2),
                        "start move main.0 to b (drain)",
                        "start move main.1 to b (drain)"),
                row(
                        "a draining node with one move under way starts one more",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .drain("a")
                                .continents("a", "a")
                                .move("main.0", "b", MovePhase.MOVE_PHASE_HANDING_OVER, NOW),
                        "start move main.1 to b (drain)"),
                row(
                        "a draining node whose instances have nowhere to go: stuck",
                        c -> c.node("a", 100, "continent").drain("a").continents("a", "a"),
                        "stuck main.0: draining a: no node can take main.0 now",
                        "stuck main.1: draining a: no node can take main.1 now"),
                row(
                        "an idle dungeon on a draining node closes instead of moving",
                        c -> c.node("a", 100, "continent", "dungeon")
                                .node("b", 100, "continent", "dungeon")
                                .drain("a")
                                .continents("b", "b")
                                .dungeon("a", InstanceState.INSTANCE_STATE_ACTIVE, 0)
                                .emptyFor(DUNGEON, IDLE),
                        "close " + DUNGEON),
                row(
                        "with rebalancing, a joining continent node gets a continent",
                        c -> c.rebalance()
                                .node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .continents("a", "a"),
                        "start move main.0 to b (rebalance)"),
                row(
                        "without rebalancing, continents stay where they run",
                        c -> c.node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .continents("a", "a")),
                row(
                        "rebalancing waits while a move runs",
                        c -> c.rebalance()
                                .node("a", 100, "continent")
                                .node("b", 100, "continent")
                                .node("c", 100, "continent")
                                .continents("a", "a")
                                .dungeon("b", InstanceState.INSTANCE_STATE_ACTIVE, 1)
                                .move(DUNGEON, "c", MovePhase.MOVE_PHASE_PREPARING, NOW),
                        "wait " + DUNGEON + " 60000 ms"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("situations")
    void decides(final String situation, final UnaryOperator<Cluster> given, final List<String> expected) {
        final Cluster cluster = given.apply(new Cluster());
        final ClusterState state = cluster.state();
        final PlacementDecisions decisions =
                new PlacementDecisions(MapCatalog.vanilla(List.of("main")), IDLE, cluster.rebalance);
        final Map<String, Long> emptySince = PlacementDecisions.emptySince(state, cluster.emptySince, NOW);

        assertThat(decisions.decide(state, emptySince, NOW))
                .extracting(PlacementDecisionsTest::summary)
                .containsExactlyElementsOf(expected);
    }

    @Test
    void anEmptyInstanceWhoseUseIsOverClosesAtOnceAndOneWithPlayersStaysOpen() {
        final PlacementDecisions decisions = new PlacementDecisions(
                MapCatalog.vanilla(List.of("main")),
                IDLE,
                false,
                i -> i.getInstanceId().equals(DUNGEON) ? EmptyVerdict.OVER : EmptyVerdict.IDLE);
        final Cluster empty = new Cluster()
                .node("a", 100, "continent", "dungeon")
                .continents("a", "a")
                .dungeon("a", InstanceState.INSTANCE_STATE_ACTIVE, 0)
                .emptyFor(DUNGEON, Duration.ofSeconds(1));
        final ClusterState emptyState = empty.state();
        assertThat(decisions.decide(emptyState, PlacementDecisions.emptySince(emptyState, empty.emptySince, NOW), NOW))
                .extracting(PlacementDecisionsTest::summary)
                .as("a battleground whose match ended: no idle time to wait")
                .containsExactly("close " + DUNGEON);
        final Cluster played = new Cluster()
                .node("a", 100, "continent", "dungeon")
                .continents("a", "a")
                .dungeon("a", InstanceState.INSTANCE_STATE_ACTIVE, 2);
        final ClusterState playedState = played.state();
        assertThat(decisions.decide(
                        playedState, PlacementDecisions.emptySince(playedState, played.emptySince, NOW), NOW))
                .as("players still in it")
                .isEmpty();
    }

    @Test
    void anEmptyInstanceWhoseOwnerAwaitsPlayersStaysOpenPastItsIdleTimeAndClosesOnceItDoesNot() {
        final java.util.concurrent.atomic.AtomicReference<EmptyVerdict> verdict =
                new java.util.concurrent.atomic.AtomicReference<>(EmptyVerdict.AWAITED);
        final PlacementDecisions decisions =
                new PlacementDecisions(MapCatalog.vanilla(List.of("main")), IDLE, false, i -> verdict.get());
        final Cluster empty = new Cluster()
                .node("a", 100, "continent", "dungeon")
                .continents("a", "a")
                .dungeon("a", InstanceState.INSTANCE_STATE_ACTIVE, 0)
                .emptyFor(DUNGEON, IDLE.multipliedBy(3));
        final ClusterState state = empty.state();
        final Map<String, Long> since = PlacementDecisions.emptySince(state, empty.emptySince, NOW);

        assertThat(decisions.decide(state, since, NOW))
                .extracting(PlacementDecisionsTest::summary)
                .as("a player inside its disconnect grace may log in again into it")
                .containsExactly("wait " + DUNGEON + " " + PlacementDecisions.AWAITED_RECHECK.toMillis() + " ms");

        verdict.set(EmptyVerdict.IDLE);
        assertThat(decisions.decide(state, since, NOW))
                .extracting(PlacementDecisionsTest::summary)
                .as("the grace over: its idle time ran out long ago")
                .containsExactly("close " + DUNGEON);
    }

    @Test
    void aDecisionThatThrowsFailsForItsKeyAloneAndTheOthersAreDecided() {
        final ClusterState state = new Cluster()
                .node("a", 100, "continent")
                .dungeon("gone", InstanceState.INSTANCE_STATE_ACTIVE, 0)
                .state();
        // A corrupt node entry that every placement on the continent pool trips over.
        state.nodes().put("corrupt", null);
        final PlacementDecisions decisions = new PlacementDecisions(MapCatalog.vanilla(List.of("main")), IDLE, false);

        assertThat(decisions.decide(state, Map.of(), NOW))
                .extracting(PlacementDecisionsTest::summary)
                .containsExactly(
                        "remove " + DUNGEON + " (node gone)",
                        "failed main.0: NullPointerException",
                        "failed main.1: NullPointerException");
    }

    private static Arguments row(final String situation, final UnaryOperator<Cluster> given, final String... expected) {
        return Arguments.of(situation, given, List.of(expected));
    }

    static String summary(final PlacementAction action) {
        if (action instanceof PlacementAction.PlaceContinent place) {
            return "place " + place.key() + " on " + place.instance().getNodeId();
        } else if (action instanceof PlacementAction.ReassignContinent reassign) {
            return "reassign " + reassign.key() + " to " + reassign.next().getNodeId();
        } else if (action instanceof PlacementAction.BeginClosing closing) {
            return "close " + closing.key();
        } else if (action instanceof PlacementAction.Remove remove) {
            return "remove " + remove.key() + (remove.nodeGone() ? " (node gone)" : " (closed)");
        } else if (action instanceof PlacementAction.StartMove start) {
            return "start move " + start.key() + " to " + start.move().getToNodeId() + " ("
                    + start.move().getReason() + ")";
        } else if (action instanceof PlacementAction.HandOver handOver) {
            return "hand over " + handOver.key() + " to "
                    + handOver.instance().getMove().getToNodeId();
        } else if (action instanceof PlacementAction.FinishMove finish) {
            return "finish " + finish.key() + " on "
                    + finish.instance().getMove().getToNodeId() + (finish.sourceGone() ? " (source gone)" : "");
        } else if (action instanceof PlacementAction.CallOffMove callOff) {
            return "call off " + callOff.key() + ": " + callOff.why();
        } else if (action instanceof PlacementAction.EndOrphanMove orphan) {
            return "end orphan move " + orphan.key();
        } else if (action instanceof PlacementAction.Stuck stuck) {
            return "stuck " + stuck.key() + ": " + stuck.why();
        } else if (action instanceof PlacementAction.Wait wait) {
            return "wait " + wait.key() + " " + wait.delay().toMillis() + " ms";
        } else if (action instanceof PlacementAction.Failed failed) {
            return "failed " + failed.key() + ": " + failed.error().getClass().getSimpleName();
        }
        return action.toString();
    }

    /** etcd's content as the control plane stores it, each key at a revision of its own. */
    static final class Cluster {
        private final Keys keys = new Keys("/test");
        private final Map<String, NodeStatus.Builder> nodes = new LinkedHashMap<>();
        private final List<KeyValue> kvs = new ArrayList<>();
        private final Map<String, Long> revisions = new HashMap<>();
        private final Map<String, Long> emptySince = new HashMap<>();
        private final Map<String, String> instanceNodes = new HashMap<>();
        private long revision = 100;
        private boolean rebalance;

        Cluster rebalance() {
            rebalance = true;
            return this;
        }

        Cluster node(final String id, final int capacity, final String... pools) {
            nodes.put(
                    id,
                    NodeStatus.newBuilder()
                            .setNode(NodeDescriptor.newBuilder()
                                    .setNodeId(id)
                                    .setCapacityPlayers(capacity)
                                    .addAllPools(List.of(pools)))
                            .setLoad(LoadReport.getDefaultInstance()));
            return this;
        }

        Cluster cordon(final String nodeId) {
            return put(keys.cordon(nodeId), "cordoned".getBytes(StandardCharsets.UTF_8));
        }

        Cluster drain(final String nodeId) {
            return put(keys.cordon(nodeId), ClusterState.DRAINING.getBytes(StandardCharsets.UTF_8));
        }

        /** Continents main.0 and main.1 on these nodes, each confirmed active by its node. */
        Cluster continents(final String... nodeIds) {
            for (int i = 0; i < nodeIds.length; i++) {
                instance(
                        MapInstance.newBuilder()
                                .setInstanceId("main." + i)
                                .setMapId(i)
                                .setKind(MapKind.MAP_KIND_CONTINENT)
                                .setRealm("main")
                                .setNodeId(nodeIds[i])
                                .setState(InstanceState.INSTANCE_STATE_PENDING)
                                .build(),
                        InstanceState.INSTANCE_STATE_ACTIVE);
            }
            return this;
        }

        /** An operator asked for continent {@code continentId} in {@code cells} cells. */
        Cluster split(final String continentId, final int cells) {
            return put(
                    keys.cellLayout(continentId),
                    CellLayout.newBuilder().setCells(cells).build());
        }

        /** The control plane itself (--auto-split) asked for {@code continentId} in {@code cells} cells at {@code at}. */
        Cluster autoLayout(final String continentId, final int cells, final long at) {
            return put(
                    keys.cellLayout(continentId),
                    CellLayout.newBuilder()
                            .setCells(cells)
                            .setAutomatic(true)
                            .setRequestedAtUnixMs(at)
                            .build());
        }

        /** The node of {@code instanceId} reports {@code players} in it. */
        Cluster players(final String instanceId, final int players) {
            return report(
                    instanceNodes.get(instanceId),
                    MapLoad.newBuilder().setInstanceId(instanceId).setPlayers(players));
        }

        /** Cell {@code index} of {@code count} of a continent, confirmed active on {@code nodeId}. */
        Cluster cell(final String continentId, final int index, final int count, final String nodeId) {
            instance(
                    MapInstance.newBuilder()
                            .setInstanceId(PlacementDecisions.cellId(continentId, index))
                            .setMapId(Integer.parseInt(continentId.substring(continentId.indexOf('.') + 1)))
                            .setKind(MapKind.MAP_KIND_CONTINENT)
                            .setRealm("main")
                            .setNodeId(nodeId)
                            .setState(InstanceState.INSTANCE_STATE_PENDING)
                            .setCell(Cell.newBuilder()
                                    .setContinent(continentId)
                                    .setIndex(index)
                                    .setCount(count))
                            .build(),
                    InstanceState.INSTANCE_STATE_ACTIVE);
            return this;
        }

        /** A whole continent confirmed active on {@code nodeId}. */
        Cluster continent(final String id, final int mapId, final String nodeId) {
            instance(
                    MapInstance.newBuilder()
                            .setInstanceId(id)
                            .setMapId(mapId)
                            .setKind(MapKind.MAP_KIND_CONTINENT)
                            .setRealm("main")
                            .setNodeId(nodeId)
                            .setState(InstanceState.INSTANCE_STATE_PENDING)
                            .build(),
                    InstanceState.INSTANCE_STATE_ACTIVE);
            return this;
        }

        Cluster dungeon(final String nodeId, final InstanceState confirmed, final int players) {
            return dungeon(nodeId, confirmed, players, InstanceState.INSTANCE_STATE_PENDING);
        }

        /** A group's Deadmines, stored {@code stored}, confirmed {@code confirmed} (null: not yet), with players. */
        Cluster dungeon(
                final String nodeId, final InstanceState confirmed, final int players, final InstanceState stored) {
            instance(
                    MapInstance.newBuilder()
                            .setInstanceId(DUNGEON)
                            .setMapId(36)
                            .setKind(MapKind.MAP_KIND_DUNGEON)
                            .setRealm("main")
                            .setOwner("group")
                            .setNodeId(nodeId)
                            .setState(stored)
                            .setReservedPlayers(5)
                            .build(),
                    confirmed);
            return report(nodeId, MapLoad.newBuilder().setInstanceId(DUNGEON).setPlayers(players));
        }

        Cluster emptyFor(final String instanceId, final Duration empty) {
            emptySince.put(instanceId, NOW - empty.toMillis());
            return this;
        }

        Cluster move(final String instanceId, final String to, final MovePhase phase, final long requestedAt) {
            return put(
                    keys.move(instanceId),
                    InstanceMove.newBuilder()
                            .setToNodeId(to)
                            .setPhase(phase)
                            .setReason("move")
                            .setRequestedAtUnixMs(requestedAt)
                            .build());
        }

        /** A split's or a merge's move of {@code instanceId}, as stored. */
        Cluster relayout(final String instanceId, final InstanceMove move) {
            return put(keys.move(instanceId), move);
        }

        Cluster orphanMove(final String instanceId, final String to) {
            return move(instanceId, to, MovePhase.MOVE_PHASE_PREPARING, NOW);
        }

        /** The move's target confirms its copy: loaded, or the error it could not load it with. */
        Cluster moveConfirmed(final String instanceId, final String error) {
            return put(
                    keys.moveStatus(instanceId),
                    AssignmentAck.newBuilder()
                            .setInstanceId(instanceId)
                            .setMoveEpoch(revisions.get(keys.move(instanceId).toString()))
                            .setState(
                                    error.isEmpty()
                                            ? InstanceState.INSTANCE_STATE_ACTIVE
                                            : InstanceState.INSTANCE_STATE_CLOSED)
                            .setError(error)
                            .build());
        }

        /** The instance's source reports every player of its move handed over. */
        Cluster handedOver(final String instanceId) {
            final String source = instanceNodes.get(instanceId);
            return report(
                    source,
                    MapLoad.newBuilder()
                            .setInstanceId(instanceId)
                            .setHandedOverMoveEpoch(
                                    revisions.get(keys.move(instanceId).toString())));
        }

        ClusterState state() {
            nodes.forEach((id, node) -> put(keys.node(id), node.build()));
            return ClusterState.of(keys, revision, kvs);
        }

        private void instance(final MapInstance instance, final InstanceState confirmed) {
            put(keys.instance(instance.getInstanceId()), instance);
            instanceNodes.put(instance.getInstanceId(), instance.getNodeId());
            if (confirmed != null) {
                put(
                        keys.instanceStatus(instance.getInstanceId()),
                        AssignmentAck.newBuilder()
                                .setInstanceId(instance.getInstanceId())
                                .setEpoch(revisions.get(
                                        keys.instance(instance.getInstanceId()).toString()))
                                .setState(confirmed)
                                .build());
            }
        }

        private Cluster report(final String nodeId, final MapLoad.Builder load) {
            final NodeStatus.Builder node = nodes.get(nodeId);
            if (node != null) {
                node.getLoadBuilder().addMaps(load);
            }
            return this;
        }

        private Cluster put(final ByteSequence key, final Message value) {
            return put(key, value.toByteArray());
        }

        private Cluster put(final ByteSequence key, final byte[] value) {
            revision++;
            revisions.put(key.toString(), revision);
            kvs.add(new KeyValue(
                    io.etcd.jetcd.api.KeyValue.newBuilder()
                            .setKey(ByteString.copyFrom(key.getBytes()))
                            .setValue(ByteString.copyFrom(value))
                            .setCreateRevision(revision)
                            .setModRevision(revision)
                            .setVersion(1)
                            .build(),
                    ByteSequence.EMPTY));
            return this;
        }
    }
}
