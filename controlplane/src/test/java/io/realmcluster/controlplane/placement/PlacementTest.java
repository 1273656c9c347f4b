package io.realmcluster.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.controlplane.ControlPlane;
import io.realmcluster.controlplane.ControlPlaneConfig;
import io.realmcluster.controlplane.FakeNode;
import io.realmcluster.proto.v1.AdminGrpc;
import io.realmcluster.proto.v1.CreateInstanceRequest;
import io.realmcluster.proto.v1.DrainNodeRequest;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.ListMapInstancesRequest;
import io.realmcluster.proto.v1.ListNodesRequest;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.MoveInstanceRequest;
import io.realmcluster.proto.v1.MovePhase;
import io.realmcluster.proto.v1.NodeState;
import io.realmcluster.proto.v1.PlacementGrpc;
import io.realmcluster.proto.v1.SetNodeSchedulableRequest;
import io.realmcluster.testkit.EtcdExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The placement controller against a real etcd, with nodes that behave like nodes. */
class PlacementTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final int DEADMINES = 36;

    private final List<ControlPlane> controlPlanes = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final String prefix = "/placement-" + UUID.randomUUID();

    @AfterEach
    void tearDown() {
        channels.forEach(ManagedChannel::shutdownNow);
        controlPlanes.forEach(ControlPlane::close);
    }

    @Test
    void everyContinentOfEveryRealmRunsOnOneNodeBalancedOverThree() {
        final ManagedChannel channel = leader(List.of("main", "pvp"), Duration.ofMinutes(5), true);
        final List<FakeNode> nodes = List.of(
                FakeNode.connect(channel, "n1", 1000, "continent"),
                FakeNode.connect(channel, "n2", 1000, "continent"),
                FakeNode.connect(channel, "n3", 1000, "continent"));

        // The first node may take them all as it registers before the others; they spread as the others come.
        await().atMost(DEADLINE)
                .until(() -> instances(channel).stream()
                                        .filter(i ->
                                                i.getState() == InstanceState.INSTANCE_STATE_ACTIVE && !i.hasMove())
                                        .count()
                                == 4
                        && continentsPerNode(channel).size() == 3);
        final Map<String, Integer> perNode = continentsPerNode(channel);
        assertThat(perNode.values()).containsExactlyInAnyOrder(2, 1, 1);
        // Each runs exactly what the control plane says it does.
        for (final FakeNode node : nodes) {
            assertThat(node.running()).hasSize(perNode.get(node.nodeId()));
        }
    }

    private static Map<String, Integer> continentsPerNode(final ManagedChannel channel) {
        final Map<String, Integer> perNode = new HashMap<>();
        for (final MapInstance continent : instances(channel)) {
            assertThat(continent.getKind()).isEqualTo(MapKind.MAP_KIND_CONTINENT);
            perNode.merge(continent.getNodeId(), 1, Integer::sum);
        }
        return perNode;
    }

    @Test
    void hundredConcurrentGroupsGetOneInstanceEachAndNoNodeOverflows() throws Exception {
        final ManagedChannel channel = leader(List.of("main"), Duration.ofMinutes(5));
        for (int i = 1; i <= 3; i++) {
            FakeNode.connect(channel, "d" + i, 30, "dungeon");
        }
        awaitNodes(channel, 3);
        final ExecutorService callers = Executors.newFixedThreadPool(16);
        final List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (int g = 0; g < 100; g++) {
            final String group = "group-" + g;
            calls.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return create(channel, DEADMINES, group, 1);
                        } catch (final StatusRuntimeException e) {
                            return e.getStatus().getCode();
                        }
                    },
                    callers));
        }
        final Map<String, Integer> perNode = new HashMap<>();
        int exhausted = 0;
        for (final CompletableFuture<Object> call : calls) {
            final Object outcome = call.get(30, TimeUnit.SECONDS);
            if (outcome instanceof MapInstance instance) {
                perNode.merge(instance.getNodeId(), 1, Integer::sum);
            } else {
                assertThat(outcome).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                exhausted++;
            }
        }
        callers.shutdown();
        assertThat(perNode)
                .containsOnlyKeys("d1", "d2", "d3")
                .allSatisfy((node, count) -> assertThat(count).isEqualTo(30));
        assertThat(exhausted).isEqualTo(10);
        assertThat(instances(channel))
                .hasSize(90)
                .extracting(MapInstance::getOwner)
                .doesNotHaveDuplicates();

        final MapInstance again = create(channel, DEADMINES, "group-7", 1);
        assertThat(instances(channel))
                .filteredOn(i -> i.getOwner().equals("group-7"))
                .singleElement()
                .satisfies(i -> assertThat(i.getInstanceId()).isEqualTo(again.getInstanceId()));
    }

    @Test
    void aJoiningNodeTakesTheNextInstance() {
        final ManagedChannel channel = leader(List.of("main"), Duration.ofMinutes(5));
        FakeNode.connect(channel, "old-1", 100, "dungeon");
        FakeNode.connect(channel, "old-2", 100, "dungeon");
        awaitNodes(channel, 2);
        create(channel, DEADMINES, "g1", 5);
        create(channel, DEADMINES, "g2", 5);
        FakeNode.connect(channel, "fresh", 100, "dungeon");
        awaitNodes(channel, 3);
        assertThat(create(channel, DEADMINES, "g3", 5).getNodeId()).isEqualTo("fresh");
    }

    @Test
    void instancesOfADeadNodeCloseAndItsContinentMoves() {
        final ManagedChannel channel = leader(List.of("main"), Duration.ofMinutes(5));
        final FakeNode doomed = FakeNode.connect(channel, "a", 100, "continent", "dungeon");
        await().atMost(DEADLINE).until(() -> instances(channel).size() == 2);
        final MapInstance dungeon = create(channel, DEADMINES, "g1", 5);
        assertThat(dungeon.getNodeId()).isEqualTo("a");
        final FakeNode survivor = FakeNode.connect(channel, "b", 100, "continent", "dungeon");
        awaitNodes(channel, 2);

        doomed.crash();
        await().atMost(DEADLINE).until(() -> survivor.running().keySet().containsAll(List.of("main.0", "main.1")));
        assertThat(instances(channel))
                .extracting(MapInstance::getInstanceId)
                .containsExactlyInAnyOrder("main.0", "main.1");
        // The group's binding went with its instance: it gets a new one.
        assertThat(create(channel, DEADMINES, "g1", 5).getInstanceId()).isNotEqualTo(dungeon.getInstanceId());
    }

    @Test
    void anEmptyInstanceClosesAfterItsIdleTimeAndItsGroupCanCreateAnother() {
        final ManagedChannel channel = leader(List.of("main"), Duration.ofSeconds(1));
        final FakeNode node = FakeNode.connect(channel, "a", 100, "dungeon");
        awaitNodes(channel, 1);
        final MapInstance first = create(channel, DEADMINES, "g1", 5);
        await().atMost(DEADLINE).until(() -> node.running().containsKey(first.getInstanceId()));
        await().atMost(DEADLINE).until(() -> instances(channel).isEmpty());
        assertThat(node.running()).isEmpty();
        assertThat(create(channel, DEADMINES, "g1", 5).getInstanceId()).isNotEqualTo(first.getInstanceId());
    }

    @Test
    void aCordonedNodeKeepsWhatItRunsButTakesNothingNew() {
        final ManagedChannel channel = leader(List.of("main"), Duration.ofMinutes(5));
        FakeNode.connect(channel, "a", 100, "dungeon");
        FakeNode.connect(channel, "b", 100, "dungeon");
        awaitNodes(channel, 2);
        final MapInstance first = create(channel, DEADMINES, "g1", 5);
        final String cordoned = first.getNodeId();
        final var admin = AdminGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
        assertThat(admin.setNodeSchedulable(SetNodeSchedulableRequest.newBuilder()
                                .setNodeId(cordoned)
                                .setSchedulable(false)
                                .build())
                        .getState())
                .isEqualTo(NodeState.NODE_STATE_CORDONED);
        for (int g = 2; g < 8; g++) {
            assertThat(create(channel, DEADMINES, "g" + g, 5).getNodeId()).isNotEqualTo(cordoned);
        }
        assertThat(instances(channel)).extracting(MapInstance::getInstanceId).contains(first.getInstanceId());
        AdminGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .setNodeSchedulable(SetNodeSchedulableRequest.newBuilder()
                        .setNodeId(cordoned)
                        .setSchedulable(true)
                        .build());
        assertThat(create(channel, DEADMINES, "g9", 5).getNodeId()).isEqualTo(cordoned);
        assertRefused(
                () -> AdminGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .setNodeSchedulable(SetNodeSchedulableRequest.newBuilder()
                                .setNodeId("ghost")
                                .build()),
                Status.Code.NOT_FOUND,
                "no node ghost");
    }

    @Test
    void anInstanceMovesOnceTheTargetHasItsCopyAndTheSourceHandedItsPlayersOver() {
        final ManagedChannel channel = leader(List.of("main"), Duration.ofMinutes(5));
        final FakeNode a = FakeNode.connect(channel, "a", 100, "continent", "dungeon");
        await().atMost(DEADLINE).until(() -> a.running().keySet().containsAll(List.of("main.0", "main.1")));
        final FakeNode b = FakeNode.connect(channel, "b", 100, "continent", "dungeon");
        awaitNodes(channel, 2);
        a.heartbeat(7);
        final var admin = AdminGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
        final long epoch = instance(channel, "main.0").getEpoch();

        final MapInstance moving = admin.moveInstance(MoveInstanceRequest.newBuilder()
                .setInstanceId("main.0")
                .setToNodeId("b")
                .build());
        assertThat(moving.getMove().getToNodeId()).isEqualTo("b");
        assertThat(moving.getMove().getPhase()).isEqualTo(MovePhase.MOVE_PHASE_PREPARING);
        await().atMost(DEADLINE)
                .until(() -> instance(channel, "main.0").getNodeId().equals("b")
                        && !instance(channel, "main.0").hasMove()
                        && instance(channel, "main.0").getState() == InstanceState.INSTANCE_STATE_ACTIVE);
        assertThat(instance(channel, "main.0").getEpoch())
                .as("a new epoch: the source's copy is stale")
                .isGreaterThan(epoch);
        await().atMost(DEADLINE).until(() -> !a.running().containsKey("main.0"));
        assertThat(b.running()).containsKey("main.0");

        assertRefused(
                () -> admin.moveInstance(MoveInstanceRequest.newBuilder()
                        .setInstanceId("main.7")
                        .setToNodeId("b")
                        .build()),
                Status.Code.NOT_FOUND,
                "no map instance main.7");
        assertRefused(
                () -> admin.moveInstance(MoveInstanceRequest.newBuilder()
                        .setInstanceId("main.0")
                        .setToNodeId("ghost")
                        .build()),
                Status.Code.NOT_FOUND,
                "no node ghost");
        assertRefused(
                () -> admin.moveInstance(MoveInstanceRequest.newBuilder()
                        .setInstanceId("main.0")
                        .setToNodeId("b")
                        .build()),
                Status.Code.FAILED_PRECONDITION,
                "already runs on b");

        // Drain a: what it runs moves to b, and nothing new goes to a.
        final MapInstance dungeon = create(channel, DEADMINES, "g1", 5);
        assertThat(admin.drainNode(DrainNodeRequest.newBuilder().setNodeId("a").build())
                        .getState())
                .isEqualTo(NodeState.NODE_STATE_DRAINING);
        await().atMost(DEADLINE).until(() -> a.running().isEmpty());
        assertThat(instances(channel)).allMatch(i -> i.getNodeId().equals("b") && !i.hasMove());
        assertThat(b.running()).containsKeys("main.1", dungeon.getInstanceId());
        assertThat(create(channel, DEADMINES, "g2", 5).getNodeId()).isEqualTo("b");
    }

    @Test
    void aMoveWhoseTargetDiesIsCalledOffAndOneWhoseSourceDiesFinishesOnTheTarget() {
        final ManagedChannel channel = leader(List.of("main"), Duration.ofMinutes(5));
        final FakeNode a = FakeNode.connect(channel, "a", 100, "continent");
        await().atMost(DEADLINE).until(() -> a.running().keySet().containsAll(List.of("main.0", "main.1")));
        final FakeNode b = FakeNode.connect(channel, "b", 100, "continent");
        awaitNodes(channel, 2);
        final var admin = AdminGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);

        // The target never loads its copy, then dies: the continent stays where it is.
        b.refuseMoves();
        admin.moveInstance(MoveInstanceRequest.newBuilder()
                .setInstanceId("main.0")
                .setToNodeId("b")
                .build());
        b.crash();
        await().atMost(DEADLINE).until(() -> !instance(channel, "main.0").hasMove());
        assertThat(instance(channel, "main.0").getNodeId()).isEqualTo("a");
        assertThat(a.running()).containsKey("main.0");

        // The source dies while its players are being handed over: the target, which has them, keeps the continent.
        final FakeNode c = FakeNode.connect(channel, "c", 100, "continent");
        awaitNodes(channel, 2);
        a.keepPlayers();
        admin.moveInstance(MoveInstanceRequest.newBuilder()
                .setInstanceId("main.0")
                .setToNodeId("c")
                .build());
        await().atMost(DEADLINE)
                .until(() -> instance(channel, "main.0").getMove().getPhase() == MovePhase.MOVE_PHASE_HANDING_OVER);
        a.crash();
        await().atMost(DEADLINE)
                .until(() -> instance(channel, "main.0").getNodeId().equals("c")
                        && !instance(channel, "main.0").hasMove());
        assertThat(c.running()).containsKeys("main.0", "main.1");
    }

    @Test
    void withRebalancingAJoiningContinentNodeGetsAContinentMovedToIt() {
        final ManagedChannel channel = leader(List.of("main"), Duration.ofMinutes(5), true);
        final FakeNode first = FakeNode.connect(channel, "a", 100, "continent");
        await().atMost(DEADLINE).until(() -> first.running().keySet().containsAll(List.of("main.0", "main.1")));
        final FakeNode second = FakeNode.connect(channel, "b", 100, "continent");
        await().atMost(DEADLINE)
                .until(() -> instances(channel).stream()
                                .filter(i -> i.getNodeId().equals("b")
                                        && !i.hasMove()
                                        && i.getState() == InstanceState.INSTANCE_STATE_ACTIVE)
                                .count()
                        == 1);
        await().atMost(DEADLINE)
                .until(() -> first.running().size() == 1 && second.running().size() == 1);
        assertThat(instances(channel)).noneMatch(MapInstance::hasMove);
    }

    private static MapInstance instance(final ManagedChannel channel, final String instanceId) {
        return instances(channel).stream()
                .filter(i -> i.getInstanceId().equals(instanceId))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void badRequestsAreRefusedWithAReason() {
        final ManagedChannel channel = leader(List.of("main"), Duration.ofMinutes(5));
        assertRefused(() -> create(channel, 9999, "g", 1), Status.Code.NOT_FOUND, "unknown map 9999");
        assertRefused(() -> create(channel, 0, "g", 1), Status.Code.INVALID_ARGUMENT, "is a continent");
        assertRefused(() -> create(channel, DEADMINES, "bad owner!", 1), Status.Code.INVALID_ARGUMENT, "owner");
        assertRefused(() -> create(channel, DEADMINES, "g", 6), Status.Code.INVALID_ARGUMENT, "at most 5 players");
        assertRefused(
                () -> PlacementGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .createInstance(CreateInstanceRequest.newBuilder()
                                .setMapId(DEADMINES)
                                .setRealm("elsewhere")
                                .setOwner("g")
                                .build()),
                Status.Code.NOT_FOUND,
                "unknown realm 'elsewhere'");
        assertRefused(
                () -> create(channel, DEADMINES, "g", 1),
                Status.Code.RESOURCE_EXHAUSTED,
                "no live node of pool dungeon");
    }

    @Test
    void aFollowerForwardsPlacementToTheLeader() {
        final ManagedChannel leaderChannel = leader(List.of("main"), Duration.ofMinutes(5));
        FakeNode.connect(leaderChannel, "a", 100, "dungeon");
        awaitNodes(leaderChannel, 1);
        final ControlPlane follower = start("cp-follower", List.of("main"), Duration.ofMinutes(5), false);
        final ManagedChannel followerChannel = channel(follower);
        assertThat(follower.isLeader()).isFalse();
        final MapInstance viaFollower = create(followerChannel, DEADMINES, "g", 1);
        assertThat(create(leaderChannel, DEADMINES, "g", 1).getInstanceId()).isEqualTo(viaFollower.getInstanceId());
    }

    private ManagedChannel leader(final List<String> realms, final Duration idle) {
        return leader(realms, idle, false);
    }

    private ManagedChannel leader(final List<String> realms, final Duration idle, final boolean rebalance) {
        final ControlPlane controlPlane = start("cp-" + controlPlanes.size(), realms, idle, rebalance);
        await().atMost(DEADLINE).until(controlPlane::isLeader);
        return channel(controlPlane);
    }

    private ControlPlane start(
            final String id, final List<String> realms, final Duration idle, final boolean rebalance) {
        final ControlPlane controlPlane = new ControlPlane(new ControlPlaneConfig(
                        id,
                        List.of(URI.create(ETCD.endpoint())),
                        prefix,
                        Duration.ofSeconds(10),
                        HostPort.parse("127.0.0.1:0"),
                        HostPort.parse("127.0.0.1:0"),
                        Duration.ofSeconds(2),
                        Duration.ofMillis(200),
                        new ControlPlaneConfig.Placement(realms, Duration.ofSeconds(2), idle, null, rebalance),
                        ControlPlaneConfig.Login.disabled()))
                .start();
        controlPlanes.add(controlPlane);
        return controlPlane;
    }

    private ManagedChannel channel(final ControlPlane controlPlane) {
        final ManagedChannel channel = NettyChannelBuilder.forAddress(
                        controlPlane.grpcAddress().toSocketAddress())
                .usePlaintext()
                .build();
        channels.add(channel);
        return channel;
    }

    private static MapInstance create(
            final ManagedChannel channel, final int mapId, final String owner, final int players) {
        return PlacementGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .createInstance(CreateInstanceRequest.newBuilder()
                        .setMapId(mapId)
                        .setRealm("main")
                        .setOwner(owner)
                        .setPlayers(players)
                        .build());
    }

    private static List<MapInstance> instances(final ManagedChannel channel) {
        return AdminGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .listMapInstances(ListMapInstancesRequest.getDefaultInstance())
                .getInstancesList();
    }

    private static void awaitNodes(final ManagedChannel channel, final int count) {
        await().atMost(DEADLINE)
                .until(() -> AdminGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(5, TimeUnit.SECONDS)
                                .listNodes(ListNodesRequest.getDefaultInstance())
                                .getNodesCount()
                        == count);
    }

    private static void assertRefused(final Runnable call, final Status.Code code, final String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(message);
        });
    }
}
