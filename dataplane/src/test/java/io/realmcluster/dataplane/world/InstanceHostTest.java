package io.realmcluster.dataplane.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.world.battleground.BattlegroundMaps;
import io.realmcluster.dataplane.world.battleground.ScoresToEnd;
import io.realmcluster.dataplane.world.battleground.Team;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.MovePhase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A node runs exactly its latest assignment set, on real tick threads, and says so. */
class InstanceHostTest {

    @Test
    void loadsConfirmsClosesAndDropsAsTheAssignmentSetSays() {
        try (TickScheduler scheduler = new TickScheduler(1, Throwable::printStackTrace)) {
            final InstanceHost host = new InstanceHost(scheduler, SaveLog.allocate(1 << 20));
            final MapInstance continent =
                    instance("main.0", 0, MapKind.MAP_KIND_CONTINENT, 5, InstanceState.INSTANCE_STATE_PENDING);
            final MapInstance dungeon =
                    instance("main.36.a", 36, MapKind.MAP_KIND_DUNGEON, 6, InstanceState.INSTANCE_STATE_PENDING);

            assertThat(host.apply(set(continent, dungeon)))
                    .extracting(AssignmentAck::getState)
                    .containsOnly(InstanceState.INSTANCE_STATE_ACTIVE);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> host.instance("main.0").agent().stats().ticks() > 2
                            && host.instance("main.36.a").agent().stats().ticks() > 2);
            assertThat(host.load().getMapInstances()).isEqualTo(2);

            final MapInstance closing = dungeon.toBuilder()
                    .setEpoch(9)
                    .setState(InstanceState.INSTANCE_STATE_CLOSING)
                    .build();
            assertThat(host.apply(set(continent, closing)))
                    .filteredOn(a -> a.getInstanceId().equals("main.36.a"))
                    .singleElement()
                    .satisfies(a -> {
                        assertThat(a.getState()).isEqualTo(InstanceState.INSTANCE_STATE_CLOSED);
                        assertThat(a.getEpoch()).isEqualTo(9);
                    });
            assertThat(host.instance("main.36.a")).isNull();

            // The continent moved away while this node was cut off: an empty set drops it.
            final long ticksBefore = host.instance("main.0").agent().stats().ticks();
            assertThat(host.apply(AssignmentSet.getDefaultInstance())).isEmpty();
            assertThat(host.instances()).isEmpty();
            assertThat(ticksBefore).isPositive();
        }
    }

    @Test
    void anInstanceMovesFromOneHostToAnotherOnceItsPlayersAreHandedOver() {
        try (TickScheduler scheduler = new TickScheduler(1, Throwable::printStackTrace)) {
            final InstanceHost source =
                    new InstanceHost("a", scheduler, SaveLog.allocate(1 << 20), id -> {}, (id, durations, cpu) -> {});
            final InstanceHost target =
                    new InstanceHost("b", scheduler, SaveLog.allocate(1 << 20), id -> {}, (id, durations, cpu) -> {});
            final MapInstance continent = continentOn("a");
            source.apply(set(continent));

            final MapInstance preparing = continent.toBuilder()
                    .setMove(InstanceMove.newBuilder()
                            .setToNodeId("b")
                            .setPhase(MovePhase.MOVE_PHASE_PREPARING)
                            .setEpoch(11))
                    .build();
            assertThat(source.apply(set(preparing)))
                    .singleElement()
                    .satisfies(a -> assertThat(a.getMoveEpoch()).isZero());
            assertThat(target.apply(set(preparing)))
                    .as("the target loads a copy and confirms it for the move")
                    .singleElement()
                    .satisfies(a -> {
                        assertThat(a.getState()).isEqualTo(InstanceState.INSTANCE_STATE_ACTIVE);
                        assertThat(a.getEpoch()).isEqualTo(5);
                        assertThat(a.getMoveEpoch()).isEqualTo(11);
                    });
            assertThat(target.instance("main.0")).isNotNull();

            final MapInstance handingOver = continent.toBuilder()
                    .setMove(preparing.getMove().toBuilder()
                            .setPhase(MovePhase.MOVE_PHASE_HANDING_OVER)
                            .setEpoch(12))
                    .build();
            source.apply(set(handingOver));
            target.apply(set(handingOver));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> source.load().getMaps(0).getHandedOverMoveEpoch() == 12);
            assertThat(source.load(id -> true).getMaps(0).getHandedOverMoveEpoch())
                    .as("not while a player transferred here is on its way")
                    .isZero();
            assertThat(target.load().getMaps(0).getHandedOverMoveEpoch())
                    .as("the copy keeps its players")
                    .isZero();

            // Done: the instance is the target's at a new epoch; the source no longer has it.
            final MapInstance moved =
                    continent.toBuilder().setNodeId("b").setEpoch(13).build();
            assertThat(target.apply(set(moved))).singleElement().satisfies(a -> {
                assertThat(a.getEpoch()).isEqualTo(13);
                assertThat(a.getMoveEpoch()).isZero();
            });
            assertThat(source.apply(AssignmentSet.getDefaultInstance())).isEmpty();
            assertThat(source.instances()).isEmpty();
            assertThat(target.instances()).hasSize(1);
        }
    }

    @Test
    void aMoveCalledOffLeavesTheInstanceKeepingItsPlayers() {
        try (TickScheduler scheduler = new TickScheduler(1, Throwable::printStackTrace)) {
            final InstanceHost source =
                    new InstanceHost("a", scheduler, SaveLog.allocate(1 << 20), id -> {}, (id, durations, cpu) -> {});
            final MapInstance continent = continentOn("a");
            final MapInstance handingOver = continent.toBuilder()
                    .setMove(InstanceMove.newBuilder()
                            .setToNodeId("b")
                            .setPhase(MovePhase.MOVE_PHASE_HANDING_OVER)
                            .setEpoch(12))
                    .build();
            source.apply(set(handingOver));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> source.load().getMaps(0).getHandedOverMoveEpoch() == 12);

            source.apply(set(continent));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> source.load().getMaps(0).getHandedOverMoveEpoch() == 0);
            assertThat(source.instance("main.0").world().handedOver()).isZero();
        }
    }

    @Test
    void anInstanceTheClusterGaveAwayWhileThisNodeStoodStillIsReloadedNotPlayedOnInItsStaleWorld() {
        try (TickScheduler scheduler = new TickScheduler(1, Throwable::printStackTrace)) {
            final List<String> unloaded = new java.util.ArrayList<>();
            final InstanceHost host = new InstanceHost(
                    "a",
                    scheduler,
                    SaveLog.allocate(1 << 20),
                    gone -> unloaded.add(gone.getInstanceId() + "@" + gone.getEpoch()),
                    (id, durations, cpu) -> {});
            final MapInstance continent = continentOn("a");
            host.apply(set(continent));
            final MapWorld stale = host.instance("main.0").world();

            // Meanwhile node b took it over (epoch 20), and now moves it back here: the set brings it as b's.
            final MapInstance movingBack = continent.toBuilder()
                    .setNodeId("b")
                    .setEpoch(20)
                    .setMove(InstanceMove.newBuilder()
                            .setToNodeId("a")
                            .setPhase(MovePhase.MOVE_PHASE_PREPARING)
                            .setEpoch(21))
                    .build();
            assertThat(host.apply(set(movingBack)))
                    .singleElement()
                    .satisfies(a -> assertThat(a.getMoveEpoch()).isEqualTo(21));
            assertThat(unloaded).containsExactly("main.0@5");
            final MapWorld copy = host.instance("main.0").world();
            assertThat(copy)
                    .as("a fresh copy for the move, not the stale world")
                    .isNotSameAs(stale);

            // The move done, the copy is this node's at the move's new epoch: the same world plays on.
            host.apply(set(continent.toBuilder().setEpoch(22).build()));
            assertThat(host.instance("main.0").world()).isSameAs(copy);
            assertThat(unloaded).containsExactly("main.0@5");

            // Lost again and given back at a later epoch straight away: reloaded as well.
            host.apply(set(continent.toBuilder().setEpoch(40).build()));
            assertThat(unloaded).containsExactly("main.0@5", "main.0@22");
            assertThat(host.instance("main.0").world()).isNotSameAs(copy);
        }
    }

    @Test
    void aBattlegroundsInstancePlaysItsMatchAroundTheMiddleOfItsMap() {
        try (TickScheduler scheduler = new TickScheduler(1, Throwable::printStackTrace)) {
            final InstanceHost host = new InstanceHost(
                    "n", scheduler, SaveLog.allocate(1 << 20), gone -> {}, (id, durations, cpu) -> {}, 5_000);
            final MapInstance gulch =
                    instance("main.489.a", 489, MapKind.MAP_KIND_BATTLEGROUND, 3, InstanceState.INSTANCE_STATE_PENDING);
            final MapInstance dungeon =
                    instance("main.36.a", 36, MapKind.MAP_KIND_DUNGEON, 4, InstanceState.INSTANCE_STATE_PENDING);
            host.apply(set(gulch, dungeon));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> host.instance("main.489.a").agent().stats().ticks() > 2);

            final MapWorld world = host.instance("main.489.a").world();
            assertThat(world.battleground()).isNotNull();
            assertThat(world.battleground().mapId()).isEqualTo(489);
            final float[] middle = BattlegroundMaps.center(489);
            assertThat(world.spawnX()).isEqualTo(middle[0]);
            assertThat(world.spawnY()).isEqualTo(middle[1]);
            assertThat(world.sendsEveryoneHome()).isFalse();
            assertThat(host.instance("main.36.a").world().battleground()).isNull();
        }
    }

    @Test
    void shortenedBattlegroundsPlayToTheHostsScoresAndTheirSlainAreCountedByBattleground() {
        try (TickScheduler scheduler = new TickScheduler(1, Throwable::printStackTrace)) {
            final InstanceHost host = new InstanceHost(
                    "n",
                    scheduler,
                    SaveLog.allocate(1 << 20),
                    gone -> {},
                    (id, durations, cpu) -> {},
                    5_000,
                    5_000,
                    60_000,
                    new ScoresToEnd(1, 500, 150));
            final MapInstance valley =
                    instance("main.30.a", 30, MapKind.MAP_KIND_BATTLEGROUND, 3, InstanceState.INSTANCE_STATE_PENDING);
            host.apply(set(valley));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> host.instance("main.30.a").agent().stats().ticks() > 2);
            assertThat(host.instance("main.30.a").world().battleground().score(Team.ALLIANCE))
                    .as("Alterac Valley's sides start with the host's reinforcements")
                    .isEqualTo(150);
            assertThat(host.battlegroundDeaths(30)).isZero();
            host.apply(set(valley.toBuilder()
                    .setState(InstanceState.INSTANCE_STATE_CLOSING)
                    .build()));
            assertThat(host.instance("main.30.a")).isNull();
            assertThat(host.battlegroundDeaths(30))
                    .as("a closed map's count is kept")
                    .isZero();
        }
    }

    private static AssignmentSet set(final MapInstance... instances) {
        return AssignmentSet.newBuilder().addAllInstances(List.of(instances)).build();
    }

    /** Eastern Kingdoms at epoch 5, assigned to {@code node}. */
    private static MapInstance continentOn(final String node) {
        return instance("main.0", 0, MapKind.MAP_KIND_CONTINENT, 5, InstanceState.INSTANCE_STATE_PENDING).toBuilder()
                .setNodeId(node)
                .build();
    }

    private static MapInstance instance(
            final String id, final int map, final MapKind kind, final long epoch, final InstanceState state) {
        return MapInstance.newBuilder()
                .setInstanceId(id)
                .setMapId(map)
                .setKind(kind)
                .setRealm("main")
                .setNodeId("n")
                .setEpoch(epoch)
                .setState(state)
                .build();
    }
}
