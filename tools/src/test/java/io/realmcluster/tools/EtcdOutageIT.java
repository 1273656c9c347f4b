package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotReport;
import io.realmcluster.tools.realmctl.AdminClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd down for several node leases, with players in the world on two nodes: nobody is disconnected,
 * a player logs in meanwhile from the last routes the control plane knew, and when etcd returns its
 * leader adopts what the nodes run instead of reloading it (nothing flaps). The two-minute outage is
 * the chaos run's ({@code bin/chaos --minutes 0 --faults etcd-pause --hold-seconds 120}).
 */
class EtcdOutageIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    /** Seven of the node leases (2 s) and of the leader lease (2 s) the tests' control planes take. */
    private static final Duration OUTAGE = Duration.ofSeconds(15);

    @TempDir
    Path directory;

    private DatabaseRealm realm;
    private PostgresProcess postgres;

    @AfterEach
    void tearDown() {
        if (realm != null) {
            realm.close();
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    @Test
    void etcdDownDisconnectsNobodyLetsPlayersLogInAndNothingReloadsWhenItReturns() throws Exception {
        postgres = StoreTls.postgres().start();
        realm = DatabaseRealm.start(ETCD.endpoint(), postgres, directory);
        realm.node("node-1", List.of());
        realm.node("node-2", List.of());
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> activeContinents().size() == 2);
        final BotFleet playing = bots(ItSupport.prefix("Eo"), 12);
        final CompletableFuture<BotReport> report = ItSupport.inBackground(playing);
        await().atMost(DEADLINE).until(() -> playing.inWorld() == 12);
        final Map<String, Long> epochs = epochs();

        ETCD.process().kill();
        final BotFleet arriving = bots(ItSupport.prefix("Ea"), 2);
        final CompletableFuture<BotReport> arrivals = ItSupport.inBackground(arriving);
        await().during(OUTAGE)
                .atMost(OUTAGE.plus(DEADLINE))
                .failFast("a player in the world was disconnected while etcd was down", () -> playing.inWorld() < 12)
                .until(() -> true);
        assertThat(arriving.inWorld())
                .as("players logged in while etcd was down, routed by the last routes the control plane knew")
                .isEqualTo(2);

        ETCD.process().restart();
        await().atMost(DEADLINE).ignoreExceptions().until(() -> epochs().equals(epochs));
        await().during(Duration.ofSeconds(10))
                .atMost(DEADLINE)
                .failFast("a player was disconnected after etcd returned", () -> playing.inWorld() < 12)
                .ignoreExceptions()
                .until(() -> epochs().equals(epochs) && activeContinents().size() == 2);

        arriving.stop();
        playing.stop();
        for (final BotReport seen : List.of(report.get(), arrivals.get())) {
            assertThat(seen.unexpectedDisconnectCount())
                    .as(String.join("\n", seen.summaryLines()))
                    .isZero();
        }
    }

    private BotFleet bots(final String prefix, final int count) {
        return realm.bots(new BotConfig(
                List.of(realm.login()), count, Duration.ZERO, "main", prefix, count, 1, Duration.ofSeconds(10), 20f));
    }

    private Map<String, String> activeContinents() {
        try (AdminClient admin = realm.admin(2_000)) {
            return admin.listMapInstances("").getInstancesList().stream()
                    .filter(i -> i.getState() == InstanceState.INSTANCE_STATE_ACTIVE
                            && i.getOwner().isEmpty())
                    .collect(Collectors.toMap(MapInstance::getInstanceId, MapInstance::getNodeId));
        }
    }

    private Map<String, Long> epochs() {
        try (AdminClient admin = realm.admin(2_000)) {
            return admin.listMapInstances("").getInstancesList().stream()
                    .collect(Collectors.toMap(MapInstance::getInstanceId, MapInstance::getEpoch));
        }
    }
}
