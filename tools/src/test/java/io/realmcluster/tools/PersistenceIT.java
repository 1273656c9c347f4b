package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.world.Portals;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotNames;
import io.realmcluster.tools.bots.BotReport;
import io.realmcluster.tools.metrics.Scrape;
import io.realmcluster.tools.realmctl.AdminClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures of processes and of the database while bots play, against real processes, a real etcd
 * and a real PostgreSQL: nothing a player was told is lost, and the invariant checker (what
 * {@code realmctl check} runs) passes afterwards.
 */
class PersistenceIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String PASSWORD = "persistence-it-password";

    @TempDir
    Path directory;

    private DatabaseRealm realm;
    private PostgresProcess postgres;
    private HostPort controlPlane;

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
    void aKilledNodeLosesNothingItConfirmedAndItsCharactersAreGivenBack() throws Exception {
        final JavaProcess node = start(databaseAt(0));
        final String prefix = ItSupport.prefix("Pk");
        final BotFleet fleet = fleet(prefix, 10);
        final CompletableFuture<BotReport> report = ItSupport.inBackground(fleet);
        final String metrics = ItSupport.metricsAddress(node);
        await().atMost(DEADLINE).until(() -> Scrape.of(metrics).sum("realm_node_loots_confirmed") >= 2);

        node.kill();
        fleet.stop();
        final BotReport seen = report.get();
        assertThat(seen.lootedCopper())
                .as("copper the bots were told they looted")
                .isPositive();
        assertThat(ledger(prefix))
                .as("the ledger holds every loot a player saw confirmed")
                .isGreaterThanOrEqualTo(seen.lootedCopper());
        assertThat(itemsLooted(prefix))
                .as("and every item a player saw looted")
                .isGreaterThanOrEqualTo(seen.items().looted());
        try (AdminClient admin = realm.admin(10_000)) {
            // The sweeper gives back characters of a node that is gone once they are past its grace.
            await().atMost(DEADLINE).untilAsserted(() -> {
                final InvariantReport check = admin.checkInvariants();
                assertThat(check.getOk()).as(check.toString()).isTrue();
            });
        }
        assertThat(count("FROM character WHERE lower(name) LIKE '" + prefix.toLowerCase(Locale.ROOT)
                        + "%' AND state = 'OFFLINE'"))
                .isEqualTo(10);
        final JavaProcess check =
                realm.binaries().realmctl(controlPlane, Files.writeString(directory.resolve("no-input"), ""), "check");
        assertThat(check.waitForExit(Duration.ofSeconds(30))).as(check.output()).isZero();
        assertThat(check.output()).contains("money_explained_by_ledger").contains("characters_owned_by_live_nodes");
    }

    @Test
    void aDatabaseOutageDisconnectsNobodyAndLosesNothing() throws Exception {
        final int port = FreePorts.find();
        final Path data = directory.resolve("pgdata");
        final JavaProcess node = start(databaseAt(port, data));
        final String prefix = ItSupport.prefix("Po");
        final BotFleet fleet = fleet(prefix, 8);
        final CompletableFuture<BotReport> report = ItSupport.inBackground(fleet);
        final String metrics = ItSupport.metricsAddress(node);
        await().atMost(DEADLINE).until(() -> Scrape.of(metrics).sum("realm_node_loots_confirmed") >= 1);

        postgres.stop();
        final double ticksBefore = Scrape.of(metrics).sum("realm_node_ticks");
        await().atMost(DEADLINE).until(() -> Scrape.of(metrics).sum("realm_node_save_failures") >= 3);
        assertThat(Scrape.of(metrics).sum("realm_node_ticks"))
                .as("maps tick on while the database is down")
                .isGreaterThan(ticksBefore + 40);

        postgres = StoreTls.postgres()
                .port(port)
                .dataDirectory(data)
                .cleanDataDirectory(false)
                .start();
        final double confirmedAtRestart = Scrape.of(metrics).sum("realm_node_loots_confirmed");
        await().atMost(DEADLINE)
                .until(() -> Scrape.of(metrics).sum("realm_node_saves_pending") == 0
                        && Scrape.of(metrics).sum("realm_node_loots_confirmed") > confirmedAtRestart);

        fleet.stop();
        final BotReport seen = report.get();
        assertThat(seen.unexpectedDisconnectCount())
                .as(String.join("\n", seen.summaryLines()))
                .isZero();
        final String characters = "FROM character WHERE lower(name) LIKE '" + prefix.toLowerCase(Locale.ROOT) + "%'";
        await().atMost(DEADLINE).until(() -> count(characters + " AND state = 'OFFLINE'") == 8);
        assertThat(ledger(prefix)).isGreaterThanOrEqualTo(seen.lootedCopper());
        try (AdminClient admin = realm.admin(10_000)) {
            final InvariantReport check = admin.checkInvariants();
            assertThat(check.getOk()).as(check.toString()).isTrue();
        }
    }

    @Test
    void aPlayerWhoWalksIntoAPortalWhileTheDatabaseIsDownIsGivenBackAndPlaysOn() throws Exception {
        final int port = FreePorts.find();
        final Path data = directory.resolve("pgdata");
        final JavaProcess node = start(databaseAt(port, data));
        final String metrics = ItSupport.metricsAddress(node);
        final String prefix = ItSupport.prefix("Pg");
        final String character = "FROM character WHERE lower(name) = '"
                + BotNames.character(prefix, 0).toLowerCase(Locale.ROOT) + "'";
        // Far enough from the Stockade's gate that the database is down before it gets there.
        try (AdminClient admin = realm.admin(5_000)) {
            ItSupport.createNear(
                    admin,
                    postgres.dataSource(),
                    prefix,
                    PASSWORD,
                    Portals.entranceTo(34).orElseThrow(),
                    60);
        }
        final BotFleet fleet = realm.bots(new BotConfig(
                        List.of(realm.login()), 1, Duration.ZERO, "main", prefix, 1, 1, Duration.ofSeconds(30), 0f)
                .withDungeons(1.0, Duration.ofMinutes(10))
                .withExistingAccounts(PASSWORD));
        final CompletableFuture<BotReport> report = ItSupport.inBackground(fleet);
        await().atMost(DEADLINE).until(() -> Scrape.of(metrics).sum("realm_node_players") >= 1);
        postgres.stop();

        await().atMost(DEADLINE).until(() -> Scrape.of(metrics).sum("realm_node_departures_given_back") >= 1);
        assertThat(Scrape.of(metrics).sum("realm_node_players"))
                .as("given back, not disconnected: it plays on where it was")
                .isEqualTo(1);

        postgres = StoreTls.postgres()
                .port(port)
                .dataDirectory(data)
                .cleanDataDirectory(false)
                .start();
        await().atMost(DEADLINE).until(() -> Scrape.of(metrics).sum("realm_node_saves_pending") == 0);
        assertThat(ItSupport.number(postgres.dataSource(), "SELECT count(*) " + character + " AND state = 'ONLINE'"))
                .as("its saves since landed over the freeze that never went on, whether it had landed or not")
                .isEqualTo(1);
        fleet.stop();
        final BotReport seen = report.get();
        assertThat(seen.unexpectedDisconnectCount())
                .as(String.join("\n", seen.summaryLines()))
                .isZero();
        await().atMost(DEADLINE).until(() -> count(character + " AND state = 'OFFLINE'") == 1);
        try (AdminClient admin = realm.admin(10_000)) {
            final InvariantReport check = admin.checkInvariants();
            assertThat(check.getOk()).as(check.toString()).isTrue();
        }
    }

    private PostgresProcess databaseAt(final int port) {
        postgres = StoreTls.postgres().port(port).start();
        return postgres;
    }

    private PostgresProcess databaseAt(final int port, final Path data) {
        postgres = StoreTls.postgres()
                .port(port)
                .dataDirectory(data)
                .cleanDataDirectory(false)
                .start();
        return postgres;
    }

    /** A control plane and a node on {@code database}; returns the node once both continents run on it. */
    private JavaProcess start(final PostgresProcess database) throws Exception {
        realm = DatabaseRealm.start(ETCD.endpoint(), database, directory);
        controlPlane = realm.controlPlane();
        final JavaProcess node = realm.node("node-1", List.of());
        realm.awaitContinentsOn("node-1");
        return node;
    }

    private BotFleet fleet(final String prefix, final int bots) {
        return realm.bots(new BotConfig(
                List.of(realm.login()), bots, Duration.ZERO, "main", prefix, 8, 1, Duration.ofSeconds(10), 20f));
    }

    private long ledger(final String prefix) throws SQLException {
        return ledger(prefix, "coalesce(sum(money_delta), 0)");
    }

    /** Items the ledger says the characters of {@code prefix} looted. */
    private long itemsLooted(final String prefix) throws SQLException {
        return ledger(prefix, "coalesce(sum(cardinality(items_created)) FILTER (WHERE source = 'loot'), 0)");
    }

    private long ledger(final String prefix, final String what) throws SQLException {
        return count(
                "FROM ledger WHERE character_id IN (SELECT character_id FROM character WHERE lower(name) LIKE '"
                        + prefix.toLowerCase(Locale.ROOT) + "%')",
                what);
    }

    private long count(final String from) throws SQLException {
        return count(from, "count(*)");
    }

    private long count(final String from, final String what) throws SQLException {
        return ItSupport.number(postgres.dataSource(), "SELECT " + what + " " + from);
    }
}
