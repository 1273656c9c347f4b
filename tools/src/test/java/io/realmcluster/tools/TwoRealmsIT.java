package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.auth.TokenKeyFiles;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.proto.world.Portals;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotNames;
import io.realmcluster.tools.bots.BotReport;
import io.realmcluster.tools.metrics.Scrape;
import io.realmcluster.tools.realmctl.AdminClient;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two realms, each with its own database on one real PostgreSQL, served by one control plane and
 * two nodes holding both: characters of the two realms with the same id play on one map at once as
 * two entities and are saved each to its own database; realm {@code second}'s players walk through
 * a portal to the other node and back, saved to {@code second}'s database; the invariant check of
 * both databases stays green.
 */
class TwoRealmsIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    private static final Duration DEADLINE = Duration.ofSeconds(150);
    private static final String PASSWORD = "two-realms-pass";
    private static final String SECOND_DB = "second_realm";
    private static final String COMPLETED = "realm_node_transfers_out_total{outcome=\"completed\"";
    private static final int BOTS = 2;

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    @Test
    void charactersOfTwoRealmsWithOneIdShareAMapAndEachIsSavedToItsOwnDatabase() throws Exception {
        final DatabaseRealm realm = cluster.start(postgres -> List.of(
                "--login-rate-per-ip",
                "1000000",
                "--registrations-per-ip",
                "1000000",
                "--realms",
                "main,second",
                "--realm-db",
                "second=" + createDatabase(postgres, SECOND_DB)));
        final PostgresProcess postgres = cluster.postgres();
        final String secondUrl = postgres.jdbcUrl(SECOND_DB);
        final JavaProcess continents =
                realm.node("continents", List.of(), "--pools", "continent", "--realm-db", "second=" + secondUrl);
        final JavaProcess dungeons =
                realm.node("dungeons", List.of(), "--pools", "dungeon", "--realm-db", "second=" + secondUrl);
        // A node holding realm second's database only (raids: no map of this test goes there).
        realm.binaries()
                .node(
                        "second-only",
                        List.of(realm.controlPlane()),
                        null,
                        postgres.user(),
                        postgres.password(),
                        List.of(),
                        "--pools",
                        "raid",
                        "--realm-db",
                        "second=" + secondUrl);

        final long alice;
        final long bob;
        final MapInstance stormwind;
        try (AdminClient admin = realm.admin(5_000)) {
            // Both realms' continents, on the continent node.
            await().atMost(DEADLINE)
                    .until(() -> admin.listMapInstances("continents").getInstancesList().stream()
                                    .filter(i -> i.getState() == InstanceState.INSTANCE_STATE_ACTIVE)
                                    .map(MapInstance::getRealm)
                                    .distinct()
                                    .count()
                            == 2);
            final NodeStatus node = admin.getNode("continents");
            assertThat(node.getNode().getRealmsList())
                    .as("a node with a shared database holds every realm: it names none")
                    .isEmpty();
            // The third node starts beside the others: wait for its registration, not only for theirs.
            final NodeStatus secondOnly = await().atMost(DEADLINE)
                    .ignoreExceptions()
                    .until(() -> admin.getNode("second-only"), status -> true);
            assertThat(secondOnly.getNode().getRealmsList()).containsExactly("second");
            stormwind = admin.listMapInstances("continents").getInstancesList().stream()
                    .filter(i -> i.getRealm().equals("main") && i.getMapId() == 0)
                    .findFirst()
                    .orElseThrow();
            alice = account(admin, "alice");
            bob = account(admin, "bob");
            admin.createCharacter(character("alice", "main", "Twin"));
            admin.createCharacter(character("bob", "second", "Twin"));
        }
        final long id = number(postgres.jdbcUrl(), postgres, "SELECT character_id FROM character WHERE name = 'Twin'");
        assertThat(number(secondUrl, postgres, "SELECT character_id FROM character WHERE name = 'Twin'"))
                .as("realm second's database issues the same id as main's")
                .isEqualTo(id);

        // A login of realm main's character on the node holding only second's database: refused, saying why.
        final Path ca = realm.binaries().pki().caCertificate();
        try (RawGameClient stranger = new RawGameClient(
                clientAddress(realm, "second-only").host(),
                clientAddress(realm, "second-only").port(),
                DEADLINE,
                ca)) {
            final byte[] token = token(
                    alice,
                    id,
                    "main",
                    stormwind.toBuilder().setNodeId("second-only").build());
            stranger.send(b -> ClientMessages.hello(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.VERSION, token));
            assertThat(stranger.awaitDisconnect()).isEqualTo(DisconnectReason.CHARACTER_UNAVAILABLE);
        }
        assertThat(text(
                        postgres.jdbcUrl(),
                        postgres,
                        "SELECT state || ' ' || epoch FROM character WHERE character_id = " + id))
                .as("main's character untouched")
                .isEqualTo("OFFLINE 0");

        // Both on main's Stormwind, as players of two realms meet in a battleground.
        final HostPort client = clientAddress(realm, "continents");
        try (RawGameClient a = enter(client, ca, token(alice, id, "main", stormwind), stormwind);
                RawGameClient b = enter(client, ca, token(bob, id, "second", stormwind), stormwind)) {
            final long aEntity = entity(a.await(ClientProtocol.WORLD_ENTERED));
            final ByteBuffer bEntered =
                    ByteBuffer.wrap(b.await(ClientProtocol.WORLD_ENTERED)).order(ByteOrder.LITTLE_ENDIAN);
            final long bEntity = bEntered.getLong(ClientProtocol.ENTERED_ENTITY);
            assertThat(aEntity)
                    .as("two realms' character %d are two entities", id)
                    .isNotEqualTo(bEntity);
            awaitSeen(a, bEntity);
            awaitSeen(b, aEntity);
            // Bob steps a yard east (what the speed check allows in a tick): only his row, in his realm's database,
            // moves.
            final float x = bEntered.getFloat(ClientProtocol.ENTERED_X);
            final float y = bEntered.getFloat(ClientProtocol.ENTERED_Y);
            final float z = bEntered.getFloat(ClientProtocol.ENTERED_Z);
            b.send(buffer -> ClientMessages.move(buffer, ClientProtocol.LENGTH_PREFIX, 1, x + 1, y, z, 0f, 0));
            awaitSelfAt(b, x + 1);
            a.send(buffer -> ClientMessages.logout(buffer, ClientProtocol.LENGTH_PREFIX));
            b.send(buffer -> ClientMessages.logout(buffer, ClientProtocol.LENGTH_PREFIX));
            a.awaitDisconnect();
            b.awaitDisconnect();
        }
        await().atMost(DEADLINE)
                .until(() -> "OFFLINE"
                                .equals(text(
                                        postgres.jdbcUrl(),
                                        postgres,
                                        "SELECT state FROM character WHERE " + "character_id = " + id))
                        && "OFFLINE"
                                .equals(text(
                                        secondUrl,
                                        postgres,
                                        "SELECT state FROM character WHERE " + "character_id = " + id)));
        final String mainRow = text(postgres.jdbcUrl(), postgres, row(id));
        final String secondRow = text(secondUrl, postgres, row(id));
        assertThat(mainRow).as("main's row").startsWith("main 1 ");
        assertThat(secondRow).as("second's row").startsWith("second 1 ");
        assertThat(Float.parseFloat(secondRow.split(" ")[3]) - Float.parseFloat(mainRow.split(" ")[3]))
                .as("bob's step saved to second's database only: %s / %s", mainRow, secondRow)
                .isBetween(0.5f, 1.5f);

        // Realm second's players walk into the Stockade on the dungeon node and out again.
        final String prefix = ItSupport.prefix("Tr");
        final Portals.Portal stockade = Portals.entranceTo(34).orElseThrow();
        try (AdminClient admin = realm.admin(5_000)) {
            for (int i = 0; i < BOTS; i++) {
                account(admin, BotNames.account(prefix, i));
                admin.createCharacter(character(BotNames.account(prefix, i), "second", BotNames.character(prefix, i)));
            }
        }
        final String mine = " FROM character WHERE lower(name) LIKE '" + prefix.toLowerCase(Locale.ROOT) + "%'";
        update(
                secondUrl,
                postgres,
                "UPDATE character SET x = " + stockade.x() + ", y = " + (stockade.y() + 25)
                        + mine.replace(" FROM character", ""));
        final BotFleet fleet = realm.bots(new BotConfig(
                        List.of(realm.login()),
                        BOTS,
                        Duration.ZERO,
                        "second",
                        prefix,
                        2,
                        1,
                        Duration.ofSeconds(10),
                        10f)
                .withDungeons(1.0, Duration.ofSeconds(3))
                .withExistingAccounts(PASSWORD));
        final CompletableFuture<BotReport> report = ItSupport.inBackground(fleet);
        final String continentMetrics = ItSupport.metricsAddress(continents);
        final String dungeonMetrics = ItSupport.metricsAddress(dungeons);
        await().atMost(DEADLINE)
                .until(() -> Scrape.of(continentMetrics).sum(COMPLETED) >= BOTS
                        && Scrape.of(dungeonMetrics).sum(COMPLETED) >= BOTS);
        fleet.stop();
        final BotReport seen = report.get();
        assertThat(seen.ok()).as(String.join("\n", seen.summaryLines())).isTrue();
        assertThat(number(postgres.jdbcUrl(), postgres, "SELECT count(*)" + mine))
                .as("no character of realm second in main's database")
                .isZero();
        await().atMost(DEADLINE)
                .until(() -> number(secondUrl, postgres, "SELECT count(*)" + mine + " AND state = 'OFFLINE'") == BOTS);
        assertThat(number(secondUrl, postgres, "SELECT min(epoch)" + mine))
                .as("each claimed at login and by each transfer, in second's database")
                .isGreaterThanOrEqualTo(3);

        final JavaProcess check = realm.binaries().realmctl(realm.controlPlane(), "check");
        assertThat(check.waitForExit(DEADLINE)).as(check.output()).isZero();
        assertThat(check.output()).as("both databases checked").contains("second");
    }

    private static long account(final AdminClient admin, final String name) {
        return admin.createAccount(CreateAccountRequest.newBuilder()
                        .setName(name)
                        .setPassword(PASSWORD)
                        .build())
                .getAccountId();
    }

    private static CreateCharacterRequest character(final String account, final String realm, final String name) {
        return CreateCharacterRequest.newBuilder()
                .setAccount(account)
                .setRealm(realm)
                .setName(name)
                .setRace(1)
                .setClass_(1)
                .build();
    }

    /** A login token as the control plane signs it: {@code realm}'s character {@code id} into {@code instance}. */
    private static byte[] token(final long account, final long id, final String realm, final MapInstance instance) {
        return SessionToken.issue(
                TokenKeyFiles.loadSigner(Binaries.tokenKeyFile()),
                new SessionToken.Claims(
                        account,
                        id,
                        realm,
                        instance.getNodeId(),
                        instance.getInstanceId(),
                        0,
                        System.currentTimeMillis() + 60_000));
    }

    private static RawGameClient enter(
            final HostPort node, final Path ca, final byte[] token, final MapInstance instance) throws Exception {
        final RawGameClient player = new RawGameClient(node.host(), node.port(), DEADLINE, ca);
        player.send(b -> ClientMessages.hello(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.VERSION, token));
        player.await(ClientProtocol.WELCOME);
        player.send(b -> ClientMessages.enterWorld(b, ClientProtocol.LENGTH_PREFIX, instance.getInstanceId()));
        return player;
    }

    private static HostPort clientAddress(final DatabaseRealm realm, final String nodeId) {
        try (AdminClient admin = realm.admin(5_000)) {
            final var endpoint = admin.getNode(nodeId).getNode().getClient();
            return new HostPort(endpoint.getHost(), endpoint.getPort());
        }
    }

    private static long entity(final byte[] worldEntered) {
        return ByteBuffer.wrap(worldEntered).order(ByteOrder.LITTLE_ENDIAN).getLong(ClientProtocol.ENTERED_ENTITY);
    }

    /** Wait until {@code player} is told of entity {@code other}. */
    private static void awaitSeen(final RawGameClient player, final long other) throws Exception {
        final List<Long> seen = new ArrayList<>();
        while (!seen.contains(other)) {
            final ByteBuffer updates =
                    ByteBuffer.wrap(player.await(ClientProtocol.ENTITY_UPDATES)).order(ByteOrder.LITTLE_ENDIAN);
            final int count = updates.getShort(ClientProtocol.UPDATES_COUNT) & 0xFFFF;
            for (int r = 0; r < count; r++) {
                seen.add(updates.getLong(
                        ClientProtocol.UPDATES_RECORDS + r * ClientProtocol.RECORD_LENGTH + ClientProtocol.RECORD_ID));
            }
        }
    }

    private static void awaitSelfAt(final RawGameClient player, final float x) throws Exception {
        while (true) {
            final ByteBuffer self =
                    ByteBuffer.wrap(player.await(ClientProtocol.SELF_STATE)).order(ByteOrder.LITTLE_ENDIAN);
            if (Math.abs(self.getFloat(ClientProtocol.SELF_X) - x) < 0.01f) {
                return;
            }
        }
    }

    private static String row(final long id) {
        return "SELECT realm || ' ' || epoch || ' ' || state || ' ' || x FROM character WHERE character_id = " + id;
    }

    private static String createDatabase(final PostgresProcess postgres, final String name) {
        try {
            update(postgres.jdbcUrl(), postgres, "CREATE DATABASE " + name);
        } catch (final SQLException e) {
            throw new IllegalStateException(e);
        }
        return postgres.jdbcUrl(name);
    }

    private static Connection connect(final String url, final PostgresProcess postgres) throws SQLException {
        return DriverManager.getConnection(url, postgres.user(), postgres.password());
    }

    private static long number(final String url, final PostgresProcess postgres, final String sql) throws SQLException {
        try (Connection connection = connect(url, postgres);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String text(final String url, final PostgresProcess postgres, final String sql) throws SQLException {
        try (Connection connection = connect(url, postgres);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            return row.next() ? row.getString(1) : null;
        }
    }

    private static void update(final String url, final PostgresProcess postgres, final String sql) throws SQLException {
        try (Connection connection = connect(url, postgres);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
