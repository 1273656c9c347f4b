package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.Role;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.proto.v1.ControlPlaneReplica;
import io.realmcluster.proto.v1.CreateInstanceRequest;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.PlacementGrpc;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.realmctl.AdminClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crashes and pauses of real processes: the leader of three replicas, a paused leader, a killed
 * node, a node cut off past its lease. The replicas run with 2 s leases.
 */
class FailoverIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    private static final Duration LEASE_TTL = Duration.ofSeconds(2);
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private Binaries binaries;

    @BeforeEach
    void setUp() {
        binaries = new Binaries(ETCD.endpoint(), "/failover-" + UUID.randomUUID());
    }

    @AfterEach
    void tearDown() {
        binaries.close();
    }

    @Test
    void killedLeaderOfThreeIsReplacedAndNoNodeLosesItsEntry() {
        final List<HostPort> cps = List.of(Binaries.freeAddress(), Binaries.freeAddress(), Binaries.freeAddress());
        final Map<String, JavaProcess> replicas = Map.of(
                "cp-1", binaries.controlPlane("cp-1", cps.get(0).port()),
                "cp-2", binaries.controlPlane("cp-2", cps.get(1).port()),
                "cp-3", binaries.controlPlane("cp-3", cps.get(2).port()));
        for (int i = 1; i <= 3; i++) {
            binaries.node("node-" + i, cps);
        }
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> nodeIds(cps).size() == 3 && !leader(cps).isEmpty());
        final String oldLeader = leader(cps);

        replicas.get(oldLeader).kill();
        final List<HostPort> survivors = cps.stream()
                .filter(cp -> cp.port() != replicaPort(oldLeader, cps))
                .toList();
        await().atMost(DEADLINE)
                .failFast(
                        "a node lost its registry entry during the failover",
                        () -> nodeIds(survivors).size() < 3)
                .until(() -> !leader(survivors).isEmpty() && !leader(survivors).equals(oldLeader));
        final MapInstance placed = createInstance(survivors, "after-failover");
        assertThat(placed.getNodeId()).startsWith("node-");
        await().during(LEASE_TTL.plusMillis(500))
                .atMost(DEADLINE)
                .until(() -> nodeIds(survivors).size() == 3);
    }

    @Test
    void pausedLeaderIsDeposedAndCannotWriteWhenItResumes() {
        final HostPort first = Binaries.freeAddress();
        final HostPort second = Binaries.freeAddress();
        final JavaProcess cp1 = binaries.controlPlane("cp-1", first.port());
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> leader(List.of(first)).equals("cp-1"));
        binaries.controlPlane("cp-2", second.port());
        binaries.node("node-1", List.of(second));
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> activeContinents(second).size() == 2);
        final Map<String, Long> epochs = epochs(second);

        cp1.pause();
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> leader(List.of(second)).equals("cp-2"));
        cp1.resume();
        cp1.awaitOutput("no longer the leader", DEADLINE);
        await().during(Duration.ofSeconds(2))
                .atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> leader(List.of(first, second)).equals("cp-2")
                        && epochs(second).equals(epochs));
        assertThat(createInstance(List.of(second), "after-pause").getNodeId()).isEqualTo("node-1");
    }

    @Test
    void sigkilledNodesContinentMovesToALiveNode() {
        final HostPort cp = Binaries.freeAddress();
        binaries.controlPlane("cp-1", cp.port());
        final JavaProcess node1 = binaries.node("node-1", List.of(cp));
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> activeContinents(cp).size() == 2);
        binaries.node("node-2", List.of(cp));
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> nodeIds(List.of(cp)).size() == 2);

        node1.kill();
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> activeContinents(cp).values().stream().allMatch("node-2"::equals)
                        && activeContinents(cp).size() == 2);
    }

    @Test
    void nodeCutOffPastItsLeaseDropsTheContinentThatMovedAway() {
        final HostPort cp = Binaries.freeAddress();
        binaries.controlPlane("cp-1", cp.port());
        final JavaProcess node1 = binaries.node("node-1", List.of(cp));
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> activeContinents(cp).size() == 2);
        binaries.node("node-2", List.of(cp));
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> nodeIds(List.of(cp)).size() == 2);

        node1.pause();
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> activeContinents(cp).values().stream().allMatch("node-2"::equals)
                        && activeContinents(cp).size() == 2);
        node1.resume();
        node1.awaitOutput("dropped main.0", DEADLINE);
        node1.awaitOutput("dropped main.1", DEADLINE);
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> nodeIds(List.of(cp)).size() == 2);
        assertThat(activeContinents(cp)).containsOnly(Map.entry("main.0", "node-2"), Map.entry("main.1", "node-2"));
    }

    private static int replicaPort(final String id, final List<HostPort> cps) {
        return cps.get(Integer.parseInt(id.substring("cp-".length())) - 1).port();
    }

    private String leader(final List<HostPort> cps) {
        try (AdminClient admin = binaries.admin(cps, 2_000)) {
            return admin.listControlPlanes().getReplicasList().stream()
                    .filter(ControlPlaneReplica::getLeader)
                    .map(ControlPlaneReplica::getId)
                    .findFirst()
                    .orElse("");
        }
    }

    private List<String> nodeIds(final List<HostPort> cps) {
        try (AdminClient admin = binaries.admin(cps, 2_000)) {
            return admin.listNodes().getNodesList().stream()
                    .map(n -> n.getNode().getNodeId())
                    .toList();
        }
    }

    /** Continent instance id to node, for the continents their node confirmed. */
    private Map<String, String> activeContinents(final HostPort cp) {
        try (AdminClient admin = binaries.admin(List.of(cp), 2_000)) {
            return admin.listMapInstances("").getInstancesList().stream()
                    .filter(i -> i.getState() == InstanceState.INSTANCE_STATE_ACTIVE
                            && i.getOwner().isEmpty())
                    .collect(Collectors.toMap(MapInstance::getInstanceId, MapInstance::getNodeId));
        }
    }

    private Map<String, Long> epochs(final HostPort cp) {
        try (AdminClient admin = binaries.admin(List.of(cp), 2_000)) {
            return admin.listMapInstances("").getInstancesList().stream()
                    .collect(Collectors.toMap(MapInstance::getInstanceId, MapInstance::getEpoch));
        }
    }

    private MapInstance createInstance(final List<HostPort> cps, final String owner) {
        // Any replica may be asked; followers refuse, so try each in turn as a client would.
        return await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(
                        () -> {
                            for (final HostPort cp : cps) {
                                final ManagedChannel channel = Channels.forTargets(
                                        List.of(cp), 30, binaries.credentials(Role.NODE, "placement-caller"));
                                try {
                                    return PlacementGrpc.newBlockingStub(channel)
                                            .withDeadlineAfter(3, TimeUnit.SECONDS)
                                            .createInstance(CreateInstanceRequest.newBuilder()
                                                    .setMapId(36)
                                                    .setRealm("main")
                                                    .setOwner(owner)
                                                    .setPlayers(5)
                                                    .build());
                                } catch (final StatusRuntimeException e) {
                                    // Next replica.
                                } finally {
                                    Channels.close(channel);
                                }
                            }
                            return null;
                        },
                        Objects::nonNull);
    }
}
