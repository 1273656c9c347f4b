package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.processes.JavaProcess;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.world.Portals;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotNames;
import io.realmcluster.tools.realmctl.AdminClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A node process dies (halts, as a crash would) at each step of a transfer, on the source's side
 * or the target's: the character ends up in exactly one place (here: OFFLINE, once the bot has
 * gone), with the full bags it travelled with, nothing is duplicated or lost, and the invariant
 * checker passes after every run. Each
 * step runs {@code realm.transfer.kill.runs} times (system property; 2 in the suite, 20 for the
 * full check: {@code bin/test -pl tools -Dtest=none -Dit.test=TransferKillIT -Drealm.transfer.kill.runs=20}).
 */
class TransferKillIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    /** Kills per step; the suite's one each, a soak's more ({@code -Drealm.transfer.kill.runs=20}). */
    private static final int RUNS = Integer.getInteger("realm.transfer.kill.runs", 1);

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String PASSWORD = "deadmines-defias";

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    private PostgresProcess postgres;
    private DatabaseRealm realm;

    @ParameterizedTest(name = "{0} dies at {1}")
    @CsvSource({
        "source, source-after-freeze",
        "source, source-after-offer",
        "target, target-before-claim",
        "target, target-after-claim"
    })
    void aNodeDyingAtAnyStepOfATransferLeavesTheCharacterInExactlyOnePlace(final String victim, final String step)
            throws Exception {
        realm = cluster.start();
        postgres = cluster.postgres();
        final List<String> failpoint = List.of("-Drealm.failpoint=" + step);
        final boolean sourceDies = victim.equals("source");
        JavaProcess source = null;
        JavaProcess target = null;
        for (int run = 0; run < RUNS; run++) {
            if (source == null || !source.isAlive()) {
                source = node("continents", "continent", sourceDies ? failpoint : List.of());
            }
            if (target == null || !target.isAlive()) {
                target = node("dungeons", "dungeon", sourceDies ? List.of() : failpoint);
            }
            realm.awaitContinentsOn("continents");
            final JavaProcess dying = sourceDies ? source : target;
            final String prefix = ItSupport.prefix("Tk");
            final String character = "FROM character WHERE lower(name) = '"
                    + BotNames.character(prefix, 0).toLowerCase(Locale.ROOT) + "'";
            createNextToTheStockade(prefix, character);
            final List<String> items = ItSupport.giveFullBags(postgres.dataSource(), character);

            final BotFleet fleet = realm.bots(new BotConfig(
                            List.of(realm.login()), 1, Duration.ZERO, "main", prefix, 1, 1, Duration.ofSeconds(30), 0f)
                    .withDungeons(1.0, Duration.ofMinutes(10))
                    .withExistingAccounts(PASSWORD));
            final var report = ItSupport.inBackground(fleet);
            await().atMost(DEADLINE).until(() -> !dying.isAlive());
            assertThat(dying.output()).contains("failpoint " + step + " reached");
            fleet.stop();
            report.get();

            // The dead node comes back (a supervisor restarts it); the character settles in one place.
            if (sourceDies) {
                source = node("continents", "continent", failpoint);
            } else {
                target = node("dungeons", "dungeon", failpoint);
            }
            await().atMost(DEADLINE)
                    .until(() -> ItSupport.number(
                                    postgres.dataSource(),
                                    "SELECT count(*) " + character + " AND state = 'OFFLINE' AND owner_node IS NULL")
                            == 1);
            assertThat(ItSupport.number(postgres.dataSource(), "SELECT money " + character))
                    .as("no loot happened, so no money appeared or went")
                    .isZero();
            assertThat(ItSupport.items(postgres.dataSource(), character))
                    .as("the full bags it travelled with, each item held once, where it was")
                    .hasSize(18)
                    .isEqualTo(items);
            try (AdminClient admin = realm.admin(10_000)) {
                final InvariantReport check = admin.checkInvariants();
                assertThat(check.getOk())
                        .as("run " + run + " of " + step + ": " + check)
                        .isTrue();
            }
        }
    }

    /** A node of one pool whose transferred clients must arrive within 3 s (so a lost one is given back soon). */
    private JavaProcess node(final String id, final String pool, final List<String> jvmArgs) {
        return realm.node(id, jvmArgs, "--pools", pool, "--transfer-arrival-seconds", "3");
    }

    /** A human made by the operator's API, standing 8 yards from the Stockade's gate. */
    private void createNextToTheStockade(final String prefix, final String character) throws Exception {
        try (AdminClient admin = realm.admin(5_000)) {
            ItSupport.createNear(
                    admin,
                    postgres.dataSource(),
                    prefix,
                    PASSWORD,
                    Portals.entranceTo(34).orElseThrow(),
                    8);
        }
    }
}
