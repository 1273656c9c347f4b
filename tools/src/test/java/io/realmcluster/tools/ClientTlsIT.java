package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.common.tls.Pki;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotReport;
import io.realmcluster.tools.metrics.Scrape;
import io.realmcluster.tools.realmctl.AdminClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes serving their game clients over TLS, as separate processes with certificates of the
 * realm's CA: bots verify them, play, and are handed from one node to the other (STANDBY and
 * REDIRECT over TLS) when their continent moves; clients that speak plaintext are refused and counted.
 */
class ClientTlsIT {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final int BOTS = 10;
    private static final String HANDSHAKES = "realm_node_client_tls_handshakes_total{result=\"";

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    @TempDir
    Path directory;

    @Test
    void playersOverTlsFollowTheirContinentToAnotherTlsNodeAndPlaintextClientsAreRefused() throws Exception {
        final DatabaseRealm realm = cluster.start();
        // The realm's CA: its nodes hold certificates of it (for gRPC and for game clients), bots trust it.
        final Pki pki = realm.binaries().pki();
        final JavaProcess first = realm.node("node-a", List.of(), "--pools", "continent");
        realm.awaitContinentsOn("node-a");
        final JavaProcess second = realm.node("node-b", List.of(), "--pools", "continent");
        assertThat(first.output()).contains("(tcp over TLS, udp)");
        try (AdminClient admin = realm.admin(5_000)) {
            await().atMost(DEADLINE).until(() -> admin.listNodes().getNodesCount() == 2);
        }
        final String firstMetrics = ItSupport.metricsAddress(first);
        final String secondMetrics = ItSupport.metricsAddress(second);

        // Bots that speak plaintext to a TLS node: none gets in, each is counted.
        final BotReport plaintext = new BotFleet(
                        config(realm, ItSupport.prefix("Tp"), 3, Duration.ofSeconds(1)), pki.caCertificate())
                .run();
        assertThat(plaintext.enteredWorld()).isZero();
        // Refused at once as not TLS, or at the handshake's deadline when a HELLO's first bytes pass for a record's.
        await().atMost(DEADLINE)
                .until(() -> Scrape.of(firstMetrics).sum(HANDSHAKES + "not_tls\"")
                                + Scrape.of(firstMetrics).sum(HANDSHAKES + "timeout\"")
                        >= 3);

        final BotFleet fleet = new BotFleet(
                config(realm, ItSupport.prefix("Tt"), BOTS, Duration.ZERO).withNodeTls(pki.caCertificate()),
                pki.caCertificate());
        final CompletableFuture<BotReport> running = ItSupport.inBackground(fleet);
        await().atMost(DEADLINE).until(() -> Scrape.of(firstMetrics).sum("realm_node_client_sessions") >= BOTS);

        final JavaProcess drain = realm.binaries().realmctl(realm.controlPlane(), "drain", "node-a");
        assertThat(drain.waitForExit(DEADLINE)).as(drain.output()).isZero();
        await().atMost(DEADLINE).until(() -> Scrape.of(secondMetrics).sum("realm_node_client_sessions") >= BOTS);
        fleet.stop();
        final BotReport played = running.get();
        final String summary = String.join("\n", played.summaryLines());
        assertThat(played.ok()).as(summary).isTrue();
        assertThat(played.enteredWorld()).as(summary).isEqualTo(BOTS);
        assertThat(played.redirects()).as(summary).isGreaterThanOrEqualTo(BOTS);
        assertThat(played.standbyTakeovers()).as(summary).isGreaterThanOrEqualTo(BOTS);
        assertThat(Scrape.of(firstMetrics).sum(HANDSHAKES + "ok\"")).isGreaterThanOrEqualTo(BOTS);
        assertThat(Scrape.of(secondMetrics).sum(HANDSHAKES + "ok\""))
                .as("standby connections to node-b, over TLS")
                .isGreaterThanOrEqualTo(BOTS);
    }

    private static BotConfig config(
            final DatabaseRealm realm, final String prefix, final int count, final Duration duration) {
        return new BotConfig(List.of(realm.login()), count, duration, "main", prefix, 8, 1, Duration.ofSeconds(10));
    }
}
