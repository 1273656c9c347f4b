package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.processes.JavaProcess;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotReport;
import io.realmcluster.tools.metrics.Scrape;
import io.realmcluster.tools.metrics.TickWindow;
import io.realmcluster.tools.realmctl.AdminClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node process SIGKILLed under bots: its players come back into the world through Login.Resume
 * (no password) on the node the dead node's continent moved to, at their last save, each after a
 * backoff of its own; the other node's players see nothing; the database's invariants hold.
 */
class NodeCrashIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    /** From the kill to every player of the dead node back in the world: a lease, a map's load, the backoffs. */
    private static final Duration BACK_IN_WORLD = Duration.ofSeconds(60);

    /** Even (humans and orcs alternate, one continent each); more for a measurement: -Drealm.it.nodecrash.bots=200. */
    private static final int BOTS = Integer.getInteger("realm.it.nodecrash.bots", 40);

    private static final String SESSIONS = "realm_node_client_sessions";

    /**
     * The survivor's ticks are read over this long without a fault, just before the kill, and from the kill on:
     * side by side in one run; longer for a measurement (-Drealm.it.nodecrash.window-seconds=30).
     */
    private static final Duration WINDOW =
            Duration.ofSeconds(Integer.getInteger("realm.it.nodecrash.window-seconds", 5));

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    @Test
    void aKilledNodesPlayersResumeOnTheSurvivorAndTheOthersSeeNothing() throws Exception {
        final DatabaseRealm realm = cluster.start();
        final JavaProcess doomed = realm.node("node-a", List.of(), "--pools", "continent");
        realm.awaitContinentsOn("node-a");
        final JavaProcess survivor = realm.node("node-b", List.of(), "--pools", "continent");
        try (AdminClient admin = realm.admin(5_000)) {
            await().atMost(DEADLINE).until(() -> admin.listNodes().getNodesCount() == 2);
            // Eastern Kingdoms to node-b before anyone logs in: humans play there, orcs on node-a's Kalimdor.
            admin.moveInstance("main.0", "node-b");
            await().atMost(DEADLINE).until(() -> "node-b".equals(activeNodeOf(admin, "main.0")));
        }
        final String doomedMetrics = ItSupport.metricsAddress(doomed);
        final String survivorMetrics = ItSupport.metricsAddress(survivor);
        final String prefix = ItSupport.prefix("Nc");
        final BotFleet fleet = realm.bots(new BotConfig(
                List.of(realm.login()), BOTS, Duration.ZERO, "main", prefix, 8, 1, Duration.ofSeconds(10)));
        final CompletableFuture<BotReport> run = ItSupport.inBackground(fleet);
        await().atMost(DEADLINE)
                .until(() -> sessions(doomedMetrics) == BOTS / 2
                        && sessions(survivorMetrics) == BOTS / 2
                        && fleet.inWorld() == BOTS);

        final Scrape quietStart = Scrape.of(survivorMetrics);
        final Scrape quietEnd = afterTicks(survivorMetrics, quietStart);
        final long killed = System.nanoTime();
        doomed.kill();
        // Every player of the dead node is back, on node-b, and none of node-b's own left meanwhile.
        await().atMost(BACK_IN_WORLD)
                .failFast("node-b lost a session", () -> sessions(survivorMetrics) < BOTS / 2)
                .until(() -> fleet.inWorld() == BOTS && sessions(survivorMetrics) == BOTS);
        final double allBackSeconds = (System.nanoTime() - killed) / 1e9;
        // As many of node-b's ticks from the kill on as in the quiet window, or until all were back if that is more.
        final TickWindow quiet = TickWindow.between(quietStart, quietEnd);
        final TickWindow herd = TickWindow.between(quietEnd, afterTicks(survivorMetrics, quietEnd));
        try (AdminClient admin = realm.admin(5_000)) {
            assertThat(activeNodeOf(admin, "main.1")).isEqualTo("node-b");
        }

        fleet.stop();
        final BotReport report = run.get();
        final String summary = String.join("\n", report.summaryLines());
        System.out.printf(
                Locale.ROOT,
                "node-a killed; all %d of its players back in %.1f s%nnode-b's ticks: %.0f s before the kill %s;"
                        + " from the kill %s%n%s%n",
                BOTS / 2,
                allBackSeconds,
                (double) WINDOW.toSeconds(),
                quiet,
                herd,
                summary);
        assertThat(report.ok()).as(summary).isTrue();
        assertThat(report.reconnects().count())
                .as("bots of the killed node back in the world\n%s", summary)
                .isEqualTo(BOTS / 2);
        assertThat(report.reconnects().maxMicros()).as(summary).isLessThanOrEqualTo(BACK_IN_WORLD.toNanos() / 1_000);
        // The broken connections are the dead node's players' alone (one of node-b's would count here too, and any
        // DISCONNECT it was sent would count as unexpected).
        assertThat(report.disconnects()).as(summary).containsEntry("connection_lost", (long) BOTS / 2);
        assertThat(report.unexpectedDisconnects()).as(summary).isEmpty();

        final String characters = "FROM character WHERE lower(name) LIKE '" + prefix.toLowerCase(Locale.ROOT) + "%'";
        await().atMost(DEADLINE)
                .until(() -> ItSupport.number(
                                cluster.postgres().dataSource(),
                                "SELECT count(*) " + characters + " AND state = 'OFFLINE'")
                        == BOTS);
        assertThat(ItSupport.number(
                        cluster.postgres().dataSource(),
                        "SELECT count(*) FROM resume_credential WHERE character_id IN (SELECT character_id "
                                + characters + ")"))
                .as("one live resume credential per character")
                .isEqualTo(BOTS);
        try (AdminClient admin = realm.admin(10_000)) {
            final InvariantReport check = admin.checkInvariants();
            assertThat(check.getOk()).as(check.toString()).isTrue();
        }
    }

    /** The first scrape of {@code metrics} after the node ticked a window's worth since {@code from}. */
    private static Scrape afterTicks(final String metrics, final Scrape from) {
        final long ticks = (long) (WINDOW.toSeconds() * 20 * from.sum("realm_node_map_instances"));
        final AtomicReference<Scrape> after = new AtomicReference<>();
        await().atMost(WINDOW.multipliedBy(3).plus(DEADLINE))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    after.set(Scrape.of(metrics));
                    return TickWindow.between(from, after.get()).ticks() >= ticks;
                });
        return after.get();
    }

    /**
     * The sessions a node's metrics count, NaN when the scrape timed out (a saturated machine): a condition on it
     * is neither met nor failed, and is asked again within its deadline.
     */
    private static double sessions(final String metrics) throws InterruptedException {
        try {
            return Scrape.of(metrics).sum(SESSIONS);
        } catch (final IOException slow) {
            return Double.NaN;
        }
    }

    /** The node whose copy of {@code instanceId} is active, or null. */
    private static String activeNodeOf(final AdminClient admin, final String instanceId) {
        return admin.listMapInstances("").getInstancesList().stream()
                .filter(i ->
                        i.getInstanceId().equals(instanceId) && i.getState() == InstanceState.INSTANCE_STATE_ACTIVE)
                .map(MapInstance::getNodeId)
                .findFirst()
                .orElse(null);
    }
}
