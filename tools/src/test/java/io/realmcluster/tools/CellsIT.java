package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.processes.JavaProcess;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotReport;
import io.realmcluster.tools.metrics.Scrape;
import io.realmcluster.tools.realmctl.AdminClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Eastern Kingdoms split into two cells on two node processes under bots, then merged again, with
 * realmctl: the players of the whole continent are handed over to the cell of their place, the bots
 * (who start at the continent's middle, on the boundary) cross between the cells and see across it
 * through the ghosts, nobody is disconnected, and the database's invariants hold.
 */
class CellsIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final int BOTS = 30;

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    @Test
    void aContinentSplitsUnderBotsTheyCrossAndSeeAcrossAndItMergesAgain() throws Exception {
        final DatabaseRealm realm = cluster.start();
        final JavaProcess first = realm.node("node-a", List.of(), "--pools", "continent");
        realm.awaitContinentsOn("node-a");
        final JavaProcess second = realm.node("node-b", List.of(), "--pools", "continent");
        final String firstMetrics = ItSupport.metricsAddress(first);
        final String secondMetrics = ItSupport.metricsAddress(second);
        try (AdminClient admin = realm.admin(5_000)) {
            await().atMost(DEADLINE).until(() -> admin.listNodes().getNodesCount() == 2);
        }
        final String prefix = ItSupport.prefix("Ce");
        final BotFleet fleet = realm.bots(
                new BotConfig(List.of(realm.login()), BOTS, Duration.ZERO, "main", prefix, 8, 1, Duration.ofSeconds(10))
                        .withCrossers(0.5));
        final CompletableFuture<BotReport> report = ItSupport.inBackground(fleet);
        await().atMost(DEADLINE).until(() -> fleet.inWorld() == BOTS);

        final JavaProcess split = realm.binaries().realmctl(realm.controlPlane(), "split", "main.0", "--cells", "2");
        assertThat(split.waitForExit(DEADLINE)).as(split.output()).isZero();
        assertThat(split.output()).contains("splitting main.0 into 2 cells").contains("main.0 runs as 2 cells");
        try (AdminClient admin = realm.admin(5_000)) {
            final List<MapInstance> cells = admin.listMapInstances("").getInstancesList().stream()
                    .filter(i -> i.getInstanceId().startsWith("main.0"))
                    .toList();
            assertThat(cells)
                    .extracting(MapInstance::getInstanceId)
                    .containsExactlyInAnyOrder("main.0.c0", "main.0.c1");
            assertThat(cells.get(0).getNodeId())
                    .as("two cells, two nodes")
                    .isNotEqualTo(cells.get(1).getNodeId());
        }

        // The bots wander around the middle of the continent, across the boundary: they cross, and see across.
        await().atMost(DEADLINE)
                .until(() -> Scrape.of(firstMetrics).sum("realm_node_cell_crossings_total")
                                        + Scrape.of(secondMetrics).sum("realm_node_cell_crossings_total")
                                >= 10
                        && Scrape.of(firstMetrics).sum("realm_node_ghost_frames_total{outcome=\"received\"") > 0
                        && Scrape.of(secondMetrics).sum("realm_node_ghost_frames_total{outcome=\"received\"") > 0);

        final JavaProcess merge = realm.binaries().realmctl(realm.controlPlane(), "merge", "main.0");
        assertThat(merge.waitForExit(DEADLINE)).as(merge.output()).isZero();
        assertThat(merge.output()).contains("main.0 runs as one instance");

        fleet.stop();
        final BotReport seen = report.get();
        final String summary = String.join("\n", seen.summaryLines());
        System.out.println(summary);
        assertThat(seen.ok()).as(summary).isTrue();
        assertThat(seen.crossings().count()).as(summary).isPositive();
        assertThat(seen.crossings().seamless())
                .as("crossings carried by the standby connection, no reconnect: " + summary)
                .isPositive();
        assertThat(seen.protocolErrors()).isZero();

        final String characters = "FROM character WHERE lower(name) LIKE '" + prefix.toLowerCase(Locale.ROOT) + "%'";
        await().atMost(DEADLINE)
                .until(() -> ItSupport.number(
                                cluster.postgres().dataSource(),
                                "SELECT count(*) " + characters + " AND state = 'OFFLINE'")
                        == BOTS);
        try (AdminClient admin = realm.admin(10_000)) {
            final InvariantReport check = admin.checkInvariants();
            assertThat(check.getOk()).as(check.toString()).isTrue();
        }
    }

    @Test
    void aCrossingUnderAKilledNodeLeavesEveryPlayerWithOneOwner() throws Exception {
        final DatabaseRealm realm = cluster.start();
        final JavaProcess first = realm.node("node-a", List.of(), "--pools", "continent");
        realm.awaitContinentsOn("node-a");
        final JavaProcess second = realm.node("node-b", List.of(), "--pools", "continent");
        try (AdminClient admin = realm.admin(5_000)) {
            await().atMost(DEADLINE).until(() -> admin.listNodes().getNodesCount() == 2);
        }
        final JavaProcess split = realm.binaries().realmctl(realm.controlPlane(), "split", "main.0", "--cells", "2");
        assertThat(split.waitForExit(DEADLINE)).as(split.output()).isZero();
        final String prefix = ItSupport.prefix("Ck");
        final BotFleet fleet = realm.bots(
                new BotConfig(List.of(realm.login()), BOTS, Duration.ZERO, "main", prefix, 8, 1, Duration.ofSeconds(10))
                        .withCrossers(1.0));
        final CompletableFuture<BotReport> report = ItSupport.inBackground(fleet);
        await().atMost(DEADLINE).until(() -> fleet.inWorld() == BOTS);
        final String firstMetrics = ItSupport.metricsAddress(first);
        final String secondMetrics = ItSupport.metricsAddress(second);
        await().atMost(DEADLINE)
                .until(() -> Scrape.of(firstMetrics).sum("realm_node_cell_crossings_total")
                                + Scrape.of(secondMetrics).sum("realm_node_cell_crossings_total")
                        >= 5);

        // The node of the east cell dies while the crossers cross into it and out of it.
        final String eastNode;
        try (AdminClient admin = realm.admin(5_000)) {
            eastNode = admin.listMapInstances("").getInstancesList().stream()
                    .filter(i -> i.getInstanceId().equals("main.0.c1"))
                    .findFirst()
                    .orElseThrow()
                    .getNodeId();
        }
        (eastNode.equals("node-a") ? first : second).kill();
        // Half the crossers are in the east cell at any time: their connections break.
        await().atMost(DEADLINE).until(() -> fleet.resuming() > 0 || fleet.inWorld() < BOTS);
        // Its players come back through Resume, to wherever the cells run now, and everyone plays on.
        await().atMost(DEADLINE).until(() -> fleet.inWorld() == BOTS && fleet.resuming() == 0);

        fleet.stop();
        final BotReport seen = report.get();
        final String summary = String.join("\n", seen.summaryLines());
        System.out.println(summary);
        assertThat(seen.ok()).as(summary).isTrue();
        final String characters = "FROM character WHERE lower(name) LIKE '" + prefix.toLowerCase(Locale.ROOT) + "%'";
        await().atMost(DEADLINE)
                .until(() -> ItSupport.number(
                                cluster.postgres().dataSource(),
                                "SELECT count(*) " + characters + " AND state = 'OFFLINE'")
                        == BOTS);
        try (AdminClient admin = realm.admin(10_000)) {
            final InvariantReport check = admin.checkInvariants();
            assertThat(check.getOk())
                    .as("one owner for every character: " + check)
                    .isTrue();
        }
    }
}
