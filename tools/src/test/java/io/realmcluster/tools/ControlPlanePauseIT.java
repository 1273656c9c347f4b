package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.proto.v1.ControlPlaneReplica;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotReport;
import io.realmcluster.tools.realmctl.AdminClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A control plane that stands still (SIGSTOP) while nodes run players on both continents: alone, past every lease;
 * or the leader of two, whose nodes must move to the other replica within 3 s. Either way no player is disconnected
 * and no continent is loaded again: the leader adopts what the nodes report before it moves anything.
 */
class ControlPlanePauseIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Duration TO_THE_OTHER_REPLICA = Duration.ofSeconds(3);
    /** Players on the two continents (bots alternate races: Eastern Kingdoms and Kalimdor). */
    private static final int BOTS = 24;
    /** Node lease 4 s with the default 1 s heartbeat; the leader's lease shorter, so a pause outlives both. */
    private static final List<String> LEASES = List.of(
            "--node-lease-ttl",
            "4",
            "--heartbeat-interval",
            "1000",
            "--leader-lease-ttl",
            "3",
            "--rebalance-continents");

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    private DatabaseRealm realm;

    @Test
    void aLoneReplicaPausedPastEveryLeaseAdoptsItsNodesOnReturnAndDisconnectsNobody() throws Exception {
        realm = cluster.start(controlPlaneArgs());
        final JavaProcess cp = realm.controlPlaneProcess();
        final List<HostPort> cps = List.of(realm.controlPlane());
        final Map<String, String> before = continentsOnTwoNodes(cps);
        final BotFleet bots = bots();
        final CompletableFuture<BotReport> report = ItSupport.inBackground(bots);
        awaitPlayersOnBothNodes(bots, cps);

        cp.pause();
        try (EtcdStore etcd = etcd()) {
            // The dangerous moment of the issue: both node entries gone with their leases, the leader's lease too.
            await().atMost(DEADLINE)
                    .until(() -> etcd.list(new Keys(realm.binaries().prefix()).nodes())
                            .isEmpty());
        } finally {
            cp.resume();
        }

        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> nodes(cps).size() == 2 && !leader(cps).isEmpty());
        cp.awaitOutput("adopting: giving nodes", DEADLINE);
        await().during(Duration.ofSeconds(8))
                .atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> continents(cps).equals(before) && nodes(cps).size() == 2);
        assertNobodyDisconnected(bots, report);
    }

    @Test
    void theNodesOfAPausedLeaderMoveToTheOtherReplicaWithinThreeSecondsAndNothingFlapsWhenItReturns() throws Exception {
        realm = cluster.start(controlPlaneArgs());
        final JavaProcess cp1 = realm.controlPlaneProcess();
        final HostPort second = Binaries.freeAddress();
        realm.startReplica("cp-2", second);
        final List<HostPort> both = List.of(realm.controlPlane(), second);
        final List<HostPort> cp2 = List.of(second);
        await().atMost(DEADLINE).ignoreExceptions().until(() -> leader(both).equals("cp-1"));
        final Map<String, String> before = continentsOnTwoNodes(both);
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> nodes(cp2).values().stream().allMatch("cp-1"::equals));
        final BotFleet bots = bots();
        final CompletableFuture<BotReport> report = ItSupport.inBackground(bots);
        awaitPlayersOnBothNodes(bots, cp2);

        cp1.pause();
        final long paused = System.nanoTime();
        try {
            await().atMost(TO_THE_OTHER_REPLICA)
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions()
                    .until(() -> {
                        final Map<String, String> nodes = nodes(cp2);
                        return nodes.size() == 2 && nodes.values().stream().allMatch("cp-2"::equals);
                    });
            final Duration moved = Duration.ofNanos(System.nanoTime() - paused);
            System.out.println("both nodes registered with cp-2 " + moved.toMillis() + " ms after cp-1 paused");
            await().atMost(DEADLINE).ignoreExceptions().until(() -> leader(cp2).equals("cp-2"));
            await().during(Duration.ofSeconds(5))
                    .atMost(DEADLINE)
                    .ignoreExceptions()
                    .until(() -> continents(cp2).equals(before) && nodes(cp2).size() == 2);
        } finally {
            cp1.resume();
        }

        cp1.awaitOutput("no longer the leader", DEADLINE);
        await().during(Duration.ofSeconds(6))
                .atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> leader(both).equals("cp-2")
                        && nodes(cp2).values().stream().allMatch("cp-2"::equals)
                        && nodes(cp2).size() == 2
                        && continents(cp2).equals(before));
        assertNobodyDisconnected(bots, report);
    }

    private static List<String> controlPlaneArgs() {
        final List<String> args = new java.util.ArrayList<>(
                List.of("--login-rate-per-ip", "1000000", "--registrations-per-ip", "1000000"));
        args.addAll(LEASES);
        return args;
    }

    /** node-a and node-b, one continent each (the second arrives by rebalance); continent id to node and epoch. */
    private Map<String, String> continentsOnTwoNodes(final List<HostPort> cps) {
        realm.node("node-a", cps, List.of());
        realm.node("node-b", cps, List.of());
        await().atMost(DEADLINE).ignoreExceptions().until(() -> {
            final Map<String, String> continents = continents(cps);
            return continents.size() == 2
                    && noMoves(cps)
                    && continents.values().stream()
                                    .map(v -> v.substring(0, v.indexOf('@')))
                                    .distinct()
                                    .count()
                            == 2;
        });
        return continents(cps);
    }

    private BotFleet bots() {
        return realm.bots(new BotConfig(
                List.of(realm.login()),
                BOTS,
                Duration.ZERO,
                "main",
                ItSupport.prefix("Cp"),
                BOTS,
                1,
                Duration.ofSeconds(10),
                20f));
    }

    private void awaitPlayersOnBothNodes(final BotFleet bots, final List<HostPort> cps) {
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> bots.inWorld() == BOTS
                        && playersPerNode(cps).values().stream().allMatch(players -> players > 0));
    }

    private static void assertNobodyDisconnected(final BotFleet bots, final CompletableFuture<BotReport> report)
            throws Exception {
        assertThat(bots.inWorld()).isEqualTo(BOTS);
        bots.stop();
        final BotReport done = report.get();
        assertThat(done.unexpectedDisconnectCount())
                .as(String.join("\n", done.summaryLines()))
                .isZero();
    }

    private EtcdStore etcd() {
        return EtcdStore.connect(
                List.of(URI.create(ETCD.endpoint())),
                StoreTls.etcdClient(ETCD.endpoint()),
                Duration.ofSeconds(5),
                new PrometheusRegistry());
    }

    /** Each active continent: its id to "node@epoch". */
    private Map<String, String> continents(final List<HostPort> cps) {
        try (AdminClient admin = realm.binaries().admin(cps, 2_000)) {
            return admin.listMapInstances("").getInstancesList().stream()
                    .filter(i -> i.getState() == InstanceState.INSTANCE_STATE_ACTIVE
                            && i.getOwner().isEmpty())
                    .collect(Collectors.toMap(MapInstance::getInstanceId, i -> i.getNodeId() + "@" + i.getEpoch()));
        }
    }

    /** Whether no instance is moving (the rebalance that brought a continent to the second node is over). */
    private boolean noMoves(final List<HostPort> cps) {
        try (AdminClient admin = realm.binaries().admin(cps, 2_000)) {
            return admin.listMapInstances("").getInstancesList().stream().noneMatch(MapInstance::hasMove);
        }
    }

    /** Registered nodes: id to the replica holding its link. */
    private Map<String, String> nodes(final List<HostPort> cps) {
        try (AdminClient admin = realm.binaries().admin(cps, 2_000)) {
            return admin.listNodes().getNodesList().stream()
                    .collect(Collectors.toMap(n -> n.getNode().getNodeId(), NodeStatus::getControlplaneId));
        }
    }

    private Map<String, Integer> playersPerNode(final List<HostPort> cps) {
        try (AdminClient admin = realm.binaries().admin(cps, 2_000)) {
            return admin.listNodes().getNodesList().stream()
                    .collect(Collectors.toMap(
                            n -> n.getNode().getNodeId(), n -> n.getLoad().getPlayers()));
        }
    }

    private String leader(final List<HostPort> cps) {
        try (AdminClient admin = realm.binaries().admin(cps, 2_000)) {
            return admin.listControlPlanes().getReplicasList().stream()
                    .filter(ControlPlaneReplica::getLeader)
                    .map(ControlPlaneReplica::getId)
                    .findFirst()
                    .orElse("");
        }
    }
}
