package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.v1.InvariantResult;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.realmctl.AdminClient;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Home from a Warsong Gulch of two realms, each with its own database, against real processes (a control
 * plane, a node, etcd, PostgreSQL) over real sockets: eight players of realms main and second enter a 4 v 4; a
 * Horde player leaves before the end (BATTLEGROUND_LEAVE) and is home at once with Deserter, which refuses its
 * next queue join; the Horde, a player short of its minimum, loses; after the end's wait everyone goes home
 * (REDIRECT, then WORLD_ENTERED at its entry point), the winners with honor and the mark in their home
 * database, the losers with less; the leader keeps the winner and the score, the instance closes, and every
 * realm's invariants hold.
 */
class BattlegroundHomeIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String PASSWORD = "home-again-pass";
    private static final String SECOND_DB = "second_realm";
    private static final int WARSONG_GULCH = 489;
    /** Name to realm: two of each side from each realm. */
    private static final Map<String, String> HORDE =
            ordered("Thrall", "main", "Rexxar", "main", "Saurfang", "second", "Garrosh", "second");

    private static final Map<String, String> ALLIANCE =
            ordered("Anduin", "main", "Jaina", "main", "Uther", "second", "Varian", "second");

    private PostgresProcess postgres;
    private final Map<String, String> databases = new HashMap<>();
    /** Each player's WORLD_ENTERED at its login: where it stood before the battleground. */
    private final Map<String, UnsafeBuffer> stood = new HashMap<>();

    @Test
    void everyoneGoesHomeAtTheEntryPointWithWhatTheMatchGaveAndAnEarlyLeaverWithDeserter() throws Exception {
        final DatabaseRealm realm = cluster.start(pg -> List.of(
                "--login-rate-per-ip",
                "1000000",
                "--registrations-per-ip",
                "1000000",
                "--new-character-level",
                "60",
                "--realms",
                "main,second",
                "--realm-db",
                "second=" + createDatabase(pg, SECOND_DB)));
        postgres = cluster.postgres();
        databases.put("main", postgres.jdbcUrl());
        databases.put("second", postgres.jdbcUrl(SECOND_DB));
        realm.node(
                "node-1",
                List.of(),
                "--realm-db",
                "second=" + databases.get("second"),
                "--battleground-preparation-seconds",
                "1",
                // Counted from the instance's load, while the players come in: long enough for all eight to enter.
                "--battleground-under-minimum-seconds",
                "20",
                "--battleground-end-seconds",
                "2");
        realm.awaitContinentsOn("node-1");
        final JavaProcess battlegroup = realm.binaries()
                .realmctl(realm.controlPlane(), "set", "battlegroup", "ruin", "--realms", "main,second");
        assertThat(battlegroup.waitForExit(DEADLINE)).as(battlegroup.output()).isZero();

        final Map<String, String> everyone = new LinkedHashMap<>(HORDE);
        everyone.putAll(ALLIANCE);
        try (AdminClient admin = realm.admin(5_000)) {
            for (final Map.Entry<String, String> player : everyone.entrySet()) {
                final String account = player.getKey().toLowerCase(Locale.ROOT);
                admin.createAccount(CreateAccountRequest.newBuilder()
                        .setName(account)
                        .setPassword(PASSWORD)
                        .build());
                admin.createCharacter(CreateCharacterRequest.newBuilder()
                        .setAccount(account)
                        .setRealm(player.getValue())
                        .setName(player.getKey())
                        .setRace(HORDE.containsKey(player.getKey()) ? 2 : 1)
                        .setClass_(1)
                        .build());
            }
        }
        final Path ca = realm.binaries().pki().caCertificate();
        final Map<String, RawGameClient> players = new LinkedHashMap<>();
        final List<RawGameClient> opened = new ArrayList<>();
        try {
            for (final String name : everyone.keySet()) {
                final RawGameClient player = login(realm, ca, name, everyone.get(name));
                opened.add(player);
                players.put(name, player);
                player.send(b ->
                        ClientMessages.queueRequest(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.QUEUE_JOIN, 1));
                player.await(ClientProtocol.QUEUE_STATUS);
            }

            // The eighth join pops a 4 v 4 of two realms; every player accepts and enters.
            String matchId = null;
            for (final Map.Entry<String, RawGameClient> player : players.entrySet()) {
                final byte[] invite = player.getValue().await(ClientProtocol.BATTLEGROUND_INVITE);
                matchId = text(invite, ClientProtocol.INVITE_MATCH);
            }
            final String match = matchId;
            for (final String name : everyone.keySet()) {
                final RawGameClient home = players.get(name);
                home.send(b -> ClientMessages.inviteAnswer(b, ClientProtocol.LENGTH_PREFIX, match, true));
                final RawGameClient inside = follow(home, ca, opened);
                final UnsafeBuffer entered = new UnsafeBuffer(inside.await(ClientProtocol.WORLD_ENTERED));
                assertThat(entered.getInt(ClientProtocol.ENTERED_MAP, ByteOrder.LITTLE_ENDIAN))
                        .as(name + " in Warsong Gulch")
                        .isEqualTo(WARSONG_GULCH);
                players.put(name, inside);
            }
            final String instanceId;
            try (AdminClient admin = realm.admin(5_000)) {
                instanceId = admin.getMatch(match).getInstanceId();
            }

            // Garrosh leaves before the end: home at once, at his entry point, with Deserter and nothing else.
            final long leftAt = System.currentTimeMillis();
            players.get("Garrosh").send(b -> ClientMessages.battlegroundLeave(b, ClientProtocol.LENGTH_PREFIX));
            final RawGameClient garrosh = follow(players.get("Garrosh"), ca, opened);
            assertHome("Garrosh", new UnsafeBuffer(garrosh.await(ClientProtocol.WORLD_ENTERED)));
            assertThat(row("Garrosh", "honor, (extract(epoch FROM deserter_until) * 1000)::bigint"))
                    .satisfies(r -> {
                        assertThat(r.get(0)).as("no honor").isEqualTo(0L);
                        assertThat((Long) r.get(1))
                                .as("Deserter for 15 minutes")
                                .isBetween(leftAt + 14 * 60_000, System.currentTimeMillis() + 15 * 60_000 + 1_000);
                    });
            assertThat(count(
                            "second",
                            "SELECT count(*) FROM item i JOIN character c USING (character_id)"
                                    + " WHERE c.name = 'Garrosh'"))
                    .as("no mark")
                    .isZero();
            garrosh.send(
                    b -> ClientMessages.queueRequest(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.QUEUE_JOIN, 1));
            assertThat(text(garrosh.await(ClientProtocol.QUEUE_REFUSED), ClientProtocol.REFUSED_TEXT))
                    .contains("Deserter");

            // The Horde, under its minimum, loses; after the end's wait everyone goes home at its entry point.
            for (final String name : everyone.keySet()) {
                if (!name.equals("Garrosh")) {
                    final RawGameClient home = follow(players.get(name), ca, opened);
                    assertHome(name, new UnsafeBuffer(home.await(ClientProtocol.WORLD_ENTERED)));
                }
            }
            for (final String name : ALLIANCE.keySet()) {
                assertThat(row(name, "honor, deserter_until IS NULL")).as(name).containsExactly(60L, true);
                assertThat(count(
                                ALLIANCE.get(name),
                                "SELECT count(*) FROM item i JOIN character c USING (character_id)"
                                        + " JOIN ledger l ON l.character_id = c.character_id AND i.item_id = ANY(l.items_created)"
                                        + " WHERE c.name = '" + name + "' AND i.template_id = 20558"
                                        + " AND l.source = 'battleground'"))
                        .as(name + "'s Warsong Gulch Mark of Honor, with its ledger entry")
                        .isEqualTo(1);
            }
            for (final String name : List.of("Thrall", "Rexxar", "Saurfang")) {
                assertThat(row(name, "honor, deserter_until IS NULL")).as(name).containsExactly(20L, true);
            }

            try (AdminClient admin = realm.admin(5_000)) {
                final BattlegroundMatch ended = await().atMost(DEADLINE)
                        .until(() -> admin.getMatch(match), m -> m.getState() == MatchState.MATCH_STATE_ENDED);
                assertThat(ended.getWinner()).isEqualTo(Faction.FACTION_ALLIANCE);
                assertThat(ended.getDraw()).isFalse();
                assertThat(ended.getSeatsList())
                        .filteredOn(MatchSeat::getDeserted)
                        .extracting(s -> s.getPlayer().getName())
                        .containsExactly("Garrosh");
                await().atMost(DEADLINE)
                        .until(() -> admin.listMapInstances("node-1").getInstancesList().stream()
                                .noneMatch(i -> i.getInstanceId().equals(instanceId)));
                final InvariantReport check = admin.checkInvariants();
                assertThat(check.getResultsList())
                        .extracting(InvariantResult::getName)
                        .anyMatch(n -> n.startsWith("second/"));
                assertThat(check.getOk()).as(check.toString()).isTrue();
            }
            final JavaProcess listed = realm.binaries().realmctl(realm.controlPlane(), "get", "battlegrounds");
            assertThat(listed.waitForExit(DEADLINE)).as(listed.output()).isZero();
            assertThat(listed.output()).containsPattern(match + ".*ended\\s+0-0 Alliance");
        } finally {
            for (final RawGameClient client : opened) {
                client.close();
            }
        }
    }

    /** {@code name} entered the world on its home map at the point it stood when it accepted its invite. */
    private void assertHome(final String name, final UnsafeBuffer entered) throws SQLException {
        final UnsafeBuffer before = stood.get(name);
        assertThat(entered.getInt(ClientProtocol.ENTERED_MAP, ByteOrder.LITTLE_ENDIAN))
                .as(name + " home")
                .isEqualTo(before.getInt(ClientProtocol.ENTERED_MAP, ByteOrder.LITTLE_ENDIAN));
        assertThat(entered.getFloat(ClientProtocol.ENTERED_X, ByteOrder.LITTLE_ENDIAN))
                .isCloseTo(before.getFloat(ClientProtocol.ENTERED_X, ByteOrder.LITTLE_ENDIAN), Offset.offset(0.5f));
        assertThat(entered.getFloat(ClientProtocol.ENTERED_Y, ByteOrder.LITTLE_ENDIAN))
                .isCloseTo(before.getFloat(ClientProtocol.ENTERED_Y, ByteOrder.LITTLE_ENDIAN), Offset.offset(0.5f));
        final List<Object> row = row(name, "map_id, bg_match_id IS NULL AND bg_entry_map_id IS NULL, state");
        assertThat(row)
                .as(name + "'s row: home, out of the battleground")
                .containsExactly(before.getInt(ClientProtocol.ENTERED_MAP, ByteOrder.LITTLE_ENDIAN), true, "ONLINE");
    }

    /** Follow the REDIRECT {@code from} gets: HELLO with its token on the node it names, and enter its instance. */
    private static RawGameClient follow(final RawGameClient from, final Path ca, final List<RawGameClient> opened)
            throws Exception {
        final byte[] body = from.await(ClientProtocol.REDIRECT);
        final UnsafeBuffer buffer = new UnsafeBuffer(body);
        final int port = buffer.getShort(ClientProtocol.REDIRECT_PORT, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int hostLength = body[ClientProtocol.REDIRECT_HOST_LENGTH] & 0xFF;
        final String host = new String(body, ClientProtocol.REDIRECT_HOST, hostLength, StandardCharsets.US_ASCII);
        final int tokenAt = ClientProtocol.REDIRECT_HOST + hostLength;
        final int tokenLength = buffer.getShort(tokenAt, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final byte[] token = Arrays.copyOfRange(body, tokenAt + 2, tokenAt + 2 + tokenLength);
        final int instanceAt = tokenAt + 2 + tokenLength;
        final String instance = new String(body, instanceAt + 1, body[instanceAt] & 0xFF, StandardCharsets.US_ASCII);
        final RawGameClient next = new RawGameClient(host, port, DEADLINE, ca);
        opened.add(next);
        next.send(b -> ClientMessages.hello(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.VERSION, token));
        next.await(ClientProtocol.WELCOME);
        next.send(b -> ClientMessages.enterWorld(b, ClientProtocol.LENGTH_PREFIX, instance));
        return next;
    }

    private RawGameClient login(final DatabaseRealm realm, final Path ca, final String name, final String realmName)
            throws Exception {
        final GrpcTls playerTls = GrpcTls.trusting(ca);
        final ManagedChannel channel = Channels.forTargets(List.of(realm.login()), 30, playerTls.channel());
        try {
            final LoginGrpc.LoginBlockingStub login = LoginGrpc.newBlockingStub(channel);
            final LoginResponse response = await().atMost(DEADLINE)
                    .ignoreExceptionsMatching(e -> e instanceof StatusRuntimeException s
                            && s.getStatus().getCode() == Status.Code.UNAVAILABLE)
                    .until(
                            () -> login.withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .login(LoginRequest.newBuilder()
                                            .setAccount(name.toLowerCase(Locale.ROOT))
                                            .setPassword(PASSWORD)
                                            .setRealm(realmName)
                                            .setCharacter(name)
                                            .build()),
                            r -> true);
            final RawGameClient player = new RawGameClient(
                    response.getNodeClient().getHost(), response.getNodeClient().getPort(), DEADLINE, ca);
            final byte[] token = response.getSessionToken().toByteArray();
            player.send(b -> ClientMessages.hello(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.VERSION, token));
            player.await(ClientProtocol.WELCOME);
            player.send(b -> ClientMessages.enterWorld(b, ClientProtocol.LENGTH_PREFIX, response.getInstanceId()));
            stood.put(name, new UnsafeBuffer(player.await(ClientProtocol.WORLD_ENTERED)));
            return player;
        } finally {
            Channels.close(channel);
            playerTls.close();
        }
    }

    /** The character's columns, read from its realm's database. */
    private List<Object> row(final String name, final String columns) throws SQLException {
        final String realmName = HORDE.containsKey(name) ? HORDE.get(name) : ALLIANCE.get(name);
        try (Connection db = connect(databases.get(realmName));
                PreparedStatement query = db.prepareStatement("SELECT " + columns + " FROM character WHERE name = ?")) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as(name).isTrue();
                final List<Object> values = new ArrayList<>();
                for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                    values.add(row.getObject(i));
                }
                return values;
            }
        }
    }

    private long count(final String realmName, final String sql) throws SQLException {
        try (Connection db = connect(databases.get(realmName));
                Statement statement = db.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private Connection connect(final String url) throws SQLException {
        return DriverManager.getConnection(url, postgres.user(), postgres.password());
    }

    private static String createDatabase(final PostgresProcess postgres, final String name) {
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
                Statement statement = db.createStatement()) {
            statement.executeUpdate("CREATE DATABASE " + name);
        } catch (final SQLException e) {
            throw new IllegalStateException(e);
        }
        return postgres.jdbcUrl(name);
    }

    /** The text of a u8-length-prefixed field whose length byte is at {@code textAt - 1}. */
    private static String text(final byte[] body, final int textAt) {
        final int length = body[textAt - 1] & 0xFF;
        return new String(Arrays.copyOfRange(body, textAt, textAt + length), StandardCharsets.US_ASCII);
    }

    private static Map<String, String> ordered(final String... pairs) {
        final Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
