package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.processes.JavaProcess;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.InvariantReport;
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
 * A node is paused (SIGSTOP) past its lease while its players log in again on the node that took
 * its continent; when it resumes (SIGCONT) it must not write over them: its saves are fenced, it
 * drops its stale maps, and the database holds what the players on the live node did.
 */
class PausedNodeIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final int BOTS = 6;
    private static final String PASSWORD = "westfall-stew";

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    private PostgresProcess postgres;
    private DatabaseRealm realm;

    @Test
    void aPausedNodeThatComesBackCannotOverwriteCharactersThatLoggedInElsewhere() throws Exception {
        realm = cluster.start();
        postgres = cluster.postgres();
        final JavaProcess paused = realm.node("node-a", List.of());
        realm.awaitContinentsOn("node-a");
        realm.node("node-b", List.of());
        final String prefix = ItSupport.prefix("Ps");
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
        final String characters = "FROM character WHERE lower(name) LIKE '" + prefix.toLowerCase(Locale.ROOT) + "%'";
        final String metricsA = ItSupport.metricsAddress(paused);

        final BotFleet first = fleet(prefix);
        final CompletableFuture<BotReport> firstReport = ItSupport.inBackground(first);
        await().atMost(DEADLINE)
                .until(() -> first.inWorld() == BOTS
                        && ItSupport.number(
                                        postgres.dataSource(), "SELECT count(*) " + characters + " AND save_seq > 0")
                                == BOTS);

        paused.pause();
        try (AdminClient admin = realm.admin(5_000)) {
            await().atMost(DEADLINE)
                    .until(() -> admin.listMapInstances("node-b").getInstancesList().stream()
                            .anyMatch(i -> i.getMapId() == 0 && i.getState() == InstanceState.INSTANCE_STATE_ACTIVE));
        }
        final BotFleet second = fleet(prefix);
        final CompletableFuture<BotReport> secondReport = ItSupport.inBackground(second);
        await().atMost(DEADLINE).until(() -> second.inWorld() == BOTS);
        final long epochsOnB = ItSupport.number(postgres.dataSource(), "SELECT sum(epoch) " + characters);

        paused.resume();
        await().atMost(DEADLINE).until(() -> Scrape.of(metricsA).sum("realm_node_map_instances") == 0);
        assertThat(ItSupport.number(
                        postgres.dataSource(),
                        "SELECT count(*) " + characters + " AND state = 'ONLINE' AND owner_node = 'node-b'"))
                .as("the resumed node took nothing back")
                .isEqualTo(BOTS);
        assertThat(ItSupport.number(postgres.dataSource(), "SELECT sum(epoch) " + characters))
                .isEqualTo(epochsOnB);

        second.stop();
        first.stop();
        final BotReport onB = secondReport.get();
        final BotReport onA = firstReport.get();
        assertThat(onB.unexpectedDisconnectCount())
                .as(String.join("\n", onB.summaryLines()))
                .isZero();
        await().atMost(DEADLINE)
                .until(() -> ItSupport.number(
                                postgres.dataSource(), "SELECT count(*) " + characters + " AND state = 'OFFLINE'")
                        == BOTS);
        assertThat(ItSupport.number(
                        postgres.dataSource(),
                        "SELECT coalesce(sum(money_delta), 0) FROM ledger WHERE "
                                + "character_id IN (SELECT character_id " + characters + ")"))
                .as("every loot either node confirmed is in the ledger")
                .isGreaterThanOrEqualTo(onA.lootedCopper() + onB.lootedCopper());
        try (AdminClient admin = realm.admin(10_000)) {
            final InvariantReport check = admin.checkInvariants();
            assertThat(check.getOk()).as(check.toString()).isTrue();
        }
    }

    private BotFleet fleet(final String prefix) {
        return realm.bots(new BotConfig(
                        List.of(realm.login()),
                        BOTS,
                        Duration.ZERO,
                        "main",
                        prefix,
                        BOTS,
                        1,
                        Duration.ofSeconds(10),
                        20f)
                .withExistingAccounts(PASSWORD));
    }
}
