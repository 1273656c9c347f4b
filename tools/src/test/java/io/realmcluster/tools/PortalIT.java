package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.world.Portals;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotNames;
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
 * Bots walk from Stormwind into the Stockade, which runs on another node, and back out, over
 * and over: every trip is a transfer between two node processes through the character database
 * (freeze, offer, the target's claim, redirect), and nobody is disconnected or loses anything,
 * also while the control plane is down.
 */
class PortalIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    private static final Duration DEADLINE = Duration.ofSeconds(150);
    private static final int BOTS = 4;
    private static final String PASSWORD = "stormwind-guard";
    private static final String COMPLETED = "realm_node_transfers_out_total{outcome=\"completed\"";

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    private PostgresProcess postgres;
    private DatabaseRealm realm;

    @Test
    void botsWalkIntoADungeonOnAnotherNodeAndBackWithoutADisconnect() throws Exception {
        realm = cluster.start();
        postgres = cluster.postgres();
        final HostPort controlPlane = realm.controlPlane();
        final JavaProcess continents = realm.node("continents", List.of(), "--pools", "continent");
        final JavaProcess dungeons = realm.node("dungeons", List.of(), "--pools", "dungeon");
        realm.awaitContinentsOn("continents");

        // Humans, made by the operator's API, standing in Stormwind 25 yards from the Stockade's gate.
        final String prefix = ItSupport.prefix("Pt");
        final Portals.Portal stockade = Portals.entranceTo(34).orElseThrow();
        try (AdminClient admin = realm.admin(5_000)) {
            for (int i = 0; i < BOTS; i++) {
                admin.createAccount(CreateAccountRequest.newBuilder()
                        .setName(BotNames.account(prefix, i))
                        .setPassword(PASSWORD)
                        .build());
                admin.createCharacter(CreateCharacterRequest.newBuilder()
                        .setAccount(BotNames.account(prefix, i))
                        .setRealm("main")
                        .setName(BotNames.character(prefix, i))
                        .setRace(1)
                        .setClass_(1)
                        .build());
            }
        }
        assertThat(ItSupport.update(
                        postgres.dataSource(),
                        "UPDATE character SET x = " + stockade.x() + ", y = " + (stockade.y() + 25)
                                + " WHERE lower(name) LIKE '" + prefix.toLowerCase(Locale.ROOT) + "%'"))
                .isEqualTo(BOTS);
        final BotFleet fleet = realm.bots(new BotConfig(
                        List.of(realm.login()), BOTS, Duration.ZERO, "main", prefix, 4, 1, Duration.ofSeconds(10), 10f)
                .withDungeons(1.0, Duration.ofSeconds(3))
                .withExistingAccounts(PASSWORD));
        final CompletableFuture<BotReport> report = ItSupport.inBackground(fleet);
        final String continentMetrics = ItSupport.metricsAddress(continents);
        final String dungeonMetrics = ItSupport.metricsAddress(dungeons);
        // In (continents to dungeons) and out again (dungeons to continents), for every bot.
        await().atMost(DEADLINE)
                .until(() -> Scrape.of(continentMetrics).sum(COMPLETED) >= BOTS
                        && Scrape.of(dungeonMetrics).sum(COMPLETED) >= BOTS);

        try (AdminClient admin = realm.admin(5_000)) {
            final List<MapInstance> stockades = admin.listMapInstances("dungeons").getInstancesList().stream()
                    .filter(i -> i.getMapId() == 34)
                    .toList();
            assertThat(stockades)
                    .as("each bot's own Stockade, on the dungeon node")
                    .isNotEmpty()
                    .allMatch(i -> i.getNodeId().equals("dungeons"));
        }

        // With the control plane gone, the maps run on and players still go between them.
        realm.controlPlaneProcess().kill();
        final double inBefore = Scrape.of(continentMetrics).sum(COMPLETED);
        final double outBefore = Scrape.of(dungeonMetrics).sum(COMPLETED);
        await().atMost(DEADLINE)
                .until(() -> Scrape.of(continentMetrics).sum(COMPLETED) >= inBefore + BOTS
                        && Scrape.of(dungeonMetrics).sum(COMPLETED) >= outBefore + BOTS);
        fleet.stop();
        final BotReport seen = report.get();
        final String summary = String.join("\n", seen.summaryLines());
        assertThat(seen.ok()).as(summary).isTrue();
        assertThat(seen.redirects()).as(summary).isGreaterThanOrEqualTo(2L * BOTS);
        assertThat(seen.instancesEntered()).as(summary).isGreaterThanOrEqualTo(BOTS);
        assertThat(Scrape.of(continentMetrics).sum("realm_node_transfers_out_total{outcome=\"lost\"")
                        + Scrape.of(dungeonMetrics).sum("realm_node_transfers_out_total{outcome=\"lost\""))
                .isZero();

        final String characters = "FROM character WHERE lower(name) LIKE '" + prefix.toLowerCase(Locale.ROOT) + "%'";
        await().atMost(DEADLINE)
                .until(() -> ItSupport.number(
                                postgres.dataSource(), "SELECT count(*) " + characters + " AND state = 'OFFLINE'")
                        == BOTS);
        // Logging out needed only the nodes and the database; the check needs a control plane again.
        realm.startControlPlane();
        try (AdminClient admin = realm.admin(10_000)) {
            final InvariantReport check = admin.checkInvariants();
            assertThat(check.getOk()).as(check.toString()).isTrue();
        }
    }
}
