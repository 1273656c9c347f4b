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
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whole continents move between two node processes with the bots playing on them: first one by
 * an operator's {@code realmctl move}, then everything by {@code realmctl drain}. Every player is
 * handed over through the character database (a transfer each) and redirected over the
 * connection it opened to the new node when its map began to move (STANDBY), none is
 * disconnected, and the database's invariants hold.
 */
class MigrationIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final int BOTS = 20;
    private static final String HANDED_OVER = "realm_node_transfers_out_total{outcome=\"completed\"";

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    /**
     * Both continents on node-a, node-b registered beside it, and the bots in the world on node-a
     * (humans and orcs alternate: both continents have players).
     */
    private record TwoNodes(
            DatabaseRealm realm,
            JavaProcess first,
            JavaProcess second,
            String firstMetrics,
            String secondMetrics,
            String prefix,
            BotFleet fleet,
            CompletableFuture<BotReport> report) {}

    private TwoNodes twoNodesWithBots(final String prefixStem) throws Exception {
        final DatabaseRealm realm = cluster.start();
        final JavaProcess first = realm.node("node-a", List.of(), "--pools", "continent");
        realm.awaitContinentsOn("node-a");
        final JavaProcess second = realm.node("node-b", List.of(), "--pools", "continent");
        try (AdminClient admin = realm.admin(5_000)) {
            await().atMost(DEADLINE).until(() -> admin.listNodes().getNodesCount() == 2);
        }
        final String prefix = ItSupport.prefix(prefixStem);
        final BotFleet fleet = realm.bots(new BotConfig(
                List.of(realm.login()), BOTS, Duration.ZERO, "main", prefix, 8, 1, Duration.ofSeconds(10)));
        final CompletableFuture<BotReport> report = ItSupport.inBackground(fleet);
        final String firstMetrics = ItSupport.metricsAddress(first);
        await().atMost(DEADLINE).until(() -> Scrape.of(firstMetrics).sum("realm_node_client_sessions") >= BOTS);
        return new TwoNodes(
                realm, first, second, firstMetrics, ItSupport.metricsAddress(second), prefix, fleet, report);
    }

    @Test
    void realmctlMovesAndDrainsContinentsWithoutADisconnect() throws Exception {
        final TwoNodes nodes = twoNodesWithBots("Mg");
        final DatabaseRealm realm = nodes.realm();

        final JavaProcess move = realm.binaries().realmctl(realm.controlPlane(), "move", "main.0", "--to", "node-b");
        assertThat(move.waitForExit(DEADLINE)).as(move.output()).isZero();
        assertThat(move.output())
                .contains("moving main.0 from node-a to node-b")
                .contains("main.0 runs on node-b");
        try (AdminClient admin = realm.admin(5_000)) {
            assertThat(nodeOf(admin, "main.0")).isEqualTo("node-b");
            assertThat(nodeOf(admin, "main.1")).isEqualTo("node-a");
        }
        await().atMost(DEADLINE)
                .until(() -> Scrape.of(nodes.secondMetrics()).sum("realm_node_client_sessions") >= BOTS / 2);

        final JavaProcess drain = realm.binaries().realmctl(realm.controlPlane(), "drain", "node-a");
        assertThat(drain.waitForExit(DEADLINE)).as(drain.output()).isZero();
        assertThat(drain.output()).contains("draining node/node-a").contains("node/node-a drained in");
        try (AdminClient admin = realm.admin(5_000)) {
            assertThat(admin.listMapInstances("node-a").getInstancesList()).isEmpty();
            assertThat(nodeOf(admin, "main.1")).isEqualTo("node-b");
            assertThat(admin.getNode("node-a").getState().name()).isEqualTo("NODE_STATE_DRAINING");
        }
        await().atMost(DEADLINE)
                .until(() -> Scrape.of(nodes.secondMetrics()).sum("realm_node_client_sessions") >= BOTS);
        assertThat(Scrape.of(nodes.firstMetrics()).sum(HANDED_OVER))
                .as("players handed over by node-a")
                .isGreaterThanOrEqualTo(BOTS);
        assertThat(Scrape.of(nodes.firstMetrics()).sum("realm_node_transfers_out_total{outcome=\"lost\""))
                .isZero();
        assertThat(Scrape.of(nodes.firstMetrics()).sum("realm_node_transfer_redirect_seconds_count"))
                .as("REDIRECTs node-a timed from their players' freeze")
                .isGreaterThanOrEqualTo(BOTS);

        // How long the players were out of the world, as node-b measured their arrivals (cumulative buckets).
        final StringBuilder arrivals = new StringBuilder("node-b transfer arrivals:");
        new TreeMap<>(Scrape.of(nodes.secondMetrics()).samples()).forEach((key, value) -> {
            if (key.startsWith("realm_node_transfer_arrival_seconds_bucket")) {
                arrivals.append(' ')
                        .append(key.substring(key.indexOf('{')))
                        .append('=')
                        .append(value.longValue());
            }
        });
        System.out.println(arrivals);
        nodes.fleet().stop();
        final BotReport seen = nodes.report().get();
        final String summary = String.join("\n", seen.summaryLines());
        System.out.println(summary);
        assertThat(seen.ok()).as(summary).isTrue();
        assertThat(seen.redirects()).as(summary).isGreaterThanOrEqualTo(BOTS);
        // Each was told to stand by on node-b as its map began to move, and was let in there without a reconnect.
        assertThat(seen.standbyTakeovers()).as(summary).isGreaterThanOrEqualTo(BOTS);
        assertThat(Scrape.of(nodes.secondMetrics()).sum("realm_node_client_standbys_total{step=\"entered\""))
                .as("standby connections node-b let in")
                .isGreaterThanOrEqualTo(BOTS);

        final String characters =
                "FROM character WHERE lower(name) LIKE '" + nodes.prefix().toLowerCase(Locale.ROOT) + "%'";
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

    /**
     * The target dies (SIGKILL) while the source hands players over, once the first of them
     * arrived: the move is called off, the continent stays on its node with the players it still
     * has, those already handed over are disconnected with their node (and only they), and once the
     * dead node is back and everyone has logged out the database's invariants hold.
     */
    @Test
    void aTargetKilledDuringTheHandOverLosesOnlyThePlayersItHad() throws Exception {
        final TwoNodes nodes = twoNodesWithBots("Mk");
        final DatabaseRealm realm = nodes.realm();

        try (AdminClient admin = realm.admin(5_000)) {
            admin.moveInstance("main.0", "node-b");
            // Killed once the first players arrived there: some are on it, others on their way or still on node-a
            // (each player stands by there from the start of the move: its sessions come before its players).
            await().atMost(DEADLINE)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() ->
                            Scrape.of(nodes.secondMetrics()).sum("realm_node_transfer_arrival_seconds_count") >= 1);
            nodes.second().kill();
            // Called off; or, if node-a reported its copy empty just before, finished and then
            // taken back from the dead node: either way the continent runs on node-a.
            await().atMost(DEADLINE)
                    .until(() -> !instanceOf(admin, "main.0").hasMove()
                            && nodeOf(admin, "main.0").equals("node-a"));
        }
        // Transfers in flight to the dead node are called off (after their deadline): their players stay on node-a.
        final String characters =
                "FROM character WHERE lower(name) LIKE '" + nodes.prefix().toLowerCase(Locale.ROOT) + "%'";
        await().atMost(DEADLINE)
                .until(() -> ItSupport.number(
                                cluster.postgres().dataSource(),
                                "SELECT count(*) " + characters + " AND state = 'IN_TRANSFER'")
                        == 0);
        // Those whose connection broke are counted once they are back (or gave up), not while on their way.
        await().atMost(DEADLINE).until(() -> nodes.fleet().resuming() == 0);
        nodes.fleet().stop();
        final BotReport seen = nodes.report().get();
        final String summary = String.join("\n", seen.summaryLines());
        System.out.println(summary);
        // Their connection to node-b broke, or node-b claimed them and died before node-a could tell their clients
        // where to go.
        assertThat(seen.unexpectedDisconnects().keySet())
                .as(summary)
                .isSubsetOf(Set.of("connection_lost", "character_unavailable"));
        // Those whose connection broke come back through Resume (to main.0, on node-a again); a DISCONNECT is final.
        assertThat(seen.unexpectedDisconnectCount() + seen.reconnects().count())
                .as(
                        "only humans, who were on main.0, and only those handed over: lost, or back after the crash\n%s",
                        summary)
                .isBetween(1L, (long) BOTS / 2);
        assertThat(seen.protocolErrors()).isZero();

        // The dead node comes back (a supervisor restarts it) and gives back what it held.
        realm.node("node-b", List.of(), "--pools", "continent");
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

    private static MapInstance instanceOf(final AdminClient admin, final String instanceId) {
        return admin.listMapInstances("").getInstancesList().stream()
                .filter(i -> i.getInstanceId().equals(instanceId))
                .findFirst()
                .orElseThrow();
    }

    private static String nodeOf(final AdminClient admin, final String instanceId) {
        return admin.listMapInstances("").getInstancesList().stream()
                .filter(i -> i.getInstanceId().equals(instanceId))
                .map(MapInstance::getNodeId)
                .findFirst()
                .orElse("none");
    }
}
