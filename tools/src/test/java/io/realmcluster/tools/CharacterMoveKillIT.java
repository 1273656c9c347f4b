package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.realmctl.AdminClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The control plane's process dies (halts, as a crash would) at a step of {@code realmctl
 * transfer-character} between two realms with a database each: the character is in exactly one
 * realm, the restarted control plane finishes the move when asked again, and {@code realmctl check}
 * passes.
 */
class CharacterMoveKillIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private PostgresProcess postgres;
    private Binaries binaries;

    @AfterEach
    void tearDown() {
        if (binaries != null) {
            binaries.close();
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    @ParameterizedTest(name = "the control plane dies at {0}")
    @ValueSource(strings = {"move-after-mark", "move-after-landing"})
    void aControlPlaneKilledMidMoveLeavesTheCharacterInOneRealmAndTheNextCallFinishesIt(final String step)
            throws Exception {
        postgres = StoreTls.postgres().port(0).start();
        update(postgres.dataSource(), "CREATE DATABASE realm_second");
        final String secondUrl = postgres.jdbcUrl("realm_second");
        binaries = new Binaries(ETCD.endpoint(), "/move-it-" + UUID.randomUUID());
        final HostPort cp = Binaries.freeAddress();

        final JavaProcess dying = controlPlane(cp, secondUrl, List.of("-Drealm.failpoint=" + step));
        assertThat(dying.output()).contains("failpoint " + step + " is armed");
        final long thrall;
        try (AdminClient admin = binaries.admin(List.of(cp), 10_000)) {
            admin.createAccount(CreateAccountRequest.newBuilder()
                    .setName("Varian")
                    .setPassword("stormwind1")
                    .build());
            thrall = admin.createCharacter(CreateCharacterRequest.newBuilder()
                            .setAccount("varian")
                            .setRealm("main")
                            .setName("Thrall")
                            .setRace(2)
                            .setClass_(1)
                            .build())
                    .getCharacterId();
        }
        final DataSource main = postgres.dataSource();
        update(
                main,
                "INSERT INTO item (character_id, template_id, slot) VALUES (" + thrall + ", 4540, 0), (" + thrall
                        + ", 2770, 1)");
        update(main, "UPDATE character SET money = 4200 WHERE character_id = " + thrall);
        update(
                main,
                "INSERT INTO ledger (character_id, money_delta, items_created, source, node, epoch) SELECT " + thrall
                        + ", 4200, array_agg(item_id), 'loot', 'node-1', 0 FROM item");

        final JavaProcess interrupted = binaries.realmctl(cp, transfer());
        await().atMost(DEADLINE).until(() -> !dying.isAlive());
        assertThat(dying.output()).contains("failpoint " + step + " reached");
        assertThat(interrupted.waitForExit(DEADLINE)).as(interrupted.output()).isNotZero();
        assertThat(ItSupport.number(main, "SELECT count(*) FROM character WHERE state = 'MOVING'"))
                .isEqualTo(1);
        assertThat(countIn(secondUrl, "SELECT count(*) FROM character"))
                .as("the target landed the character or not at all")
                .isEqualTo(step.equals("move-after-mark") ? 0 : 1);

        controlPlane(cp, secondUrl, List.of());
        final JavaProcess finished = binaries.realmctl(cp, transfer());
        assertThat(finished.waitForExit(DEADLINE)).as(finished.output()).isZero();
        assertThat(finished.output())
                .contains("moved Thrall of realm main (character " + thrall + ") to realm second as Thrall")
                .contains("4200 copper, 2 items");
        assertThat(ItSupport.number(main, "SELECT count(*) FROM character WHERE state = 'MOVED'"))
                .isEqualTo(1);
        assertThat(ItSupport.number(main, "SELECT count(*) FROM item")).isZero();
        assertThat(countIn(secondUrl, "SELECT count(*) FROM character WHERE money = 4200"))
                .isEqualTo(1);
        assertThat(countIn(secondUrl, "SELECT count(*) FROM item")).isEqualTo(2);

        final JavaProcess again = binaries.realmctl(cp, transfer());
        assertThat(again.waitForExit(DEADLINE)).as(again.output()).isZero();
        assertThat(again.output()).contains("already moved Thrall");
        assertThat(countIn(secondUrl, "SELECT count(*) FROM character")).isEqualTo(1);

        final JavaProcess check = binaries.realmctl(cp, "check");
        assertThat(check.waitForExit(DEADLINE)).as(check.output()).isZero();
        assertThat(check.output()).contains("moves_land_once", "moves_conserve_items_and_money");
    }

    private static String[] transfer() {
        return new String[] {"transfer-character", "Thrall", "--realm", "main", "--to-realm", "second"};
    }

    private JavaProcess controlPlane(final HostPort cp, final String secondUrl, final List<String> jvmArgs) {
        final List<String> args = new ArrayList<>(List.of(
                "--db-url",
                postgres.jdbcUrl(),
                "--db-ca",
                StoreTls.databaseCa().toString(),
                "--realms",
                "main,second",
                "--realm-db",
                "second=" + secondUrl,
                "--token-key-file",
                Binaries.tokenKeyFile().toString(),
                "--password-iterations",
                "1000"));
        return binaries.controlPlane(
                "cp-1",
                cp.port(),
                Map.of("REALM_DB_USER", postgres.user(), "REALM_DB_PASSWORD", postgres.password()),
                jvmArgs,
                args.toArray(String[]::new));
    }

    private long countIn(final String url, final String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                Statement statement = connection.createStatement();
                var row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void update(final DataSource database, final String sql) throws SQLException {
        ItSupport.update(database, sql);
    }
}
