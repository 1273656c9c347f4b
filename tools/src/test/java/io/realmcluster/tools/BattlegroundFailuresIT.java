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
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.SeatState;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.realmctl.AdminClient;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failures inside a running Warsong Gulch of players from two realms (each realm its own database on one
 * real PostgreSQL), against real processes: a control plane with a 10 s disconnect grace, a continent node
 * and a battleground node holding both realms, clients over real sockets. In order, on one cluster: (0) a
 * player accepts and never arrives: once the node gives it back, its seat is LEFT, no Deserter; (a) a
 * player disconnects and logs in again within the grace: back in the same instance, on its seat; (b) one
 * stays away past the grace: its seat LEFT and deserted, its next login at its entry point at home with
 * Deserter, and a queue join refused for it; (c) the battleground's node is killed: the match ENDED, every
 * player's next login at its entry point at home with no Deserter, and both realms' invariant checks green.
 */
class BattlegroundFailuresIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String PASSWORD = "grace-and-deserters";
    /** Short for the test, yet long enough for a login on a busy machine to come back within it. */
    private static final Duration GRACE = Duration.ofSeconds(10);
    /** How long the battleground's node waits for a transferred client: Varian's never comes. */
    private static final Duration ARRIVAL = Duration.ofSeconds(8);

    private static final String SECOND_DB = "second_realm";
    /** Name, realm, race (2 orc: Horde; 1 human: Alliance): two of each side from each realm. */
    private static final List<List<String>> PLAYERS = List.of(
            List.of("Thrall", "main", "2"),
            List.of("Rexxar", "second", "2"),
            List.of("Saurfang", "main", "2"),
            List.of("Garrosh", "second", "2"),
            List.of("Anduin", "main", "1"),
            List.of("Jaina", "second", "1"),
            List.of("Uther", "main", "1"),
            List.of("Varian", "second", "1"));

    /** The player who accepts and never arrives in the battleground. */
    private static final String NO_SHOW = "Varian";

    /** Each player's WORLD_ENTERED at its first login: its entry point. */
    private final Map<String, byte[]> home = new HashMap<>();
    /** Each player's connection inside the battleground. */
    private final Map<String, RawGameClient> inside = new LinkedHashMap<>();

    private final List<RawGameClient> opened = new ArrayList<>();
    private DatabaseRealm realm;
    private PostgresProcess postgres;
    private String secondUrl;
    private Path ca;

    private AdminClient operator;
    private GrpcTls loginTls;
    private ManagedChannel loginChannel;

    @AfterEach
    void closeClients() throws IOException {
        for (final RawGameClient client : opened) {
            client.close();
        }
        if (operator != null) {
            operator.close();
        }
        if (loginChannel != null) {
            Channels.close(loginChannel);
            loginTls.close();
        }
    }

    @Test
    void disconnectsInsideAMatchComeBackWithinTheGraceDesertAfterItAndANodeCrashSendsEveryoneHome() throws Exception {
        realm = cluster.start(pg -> List.of(
                "--login-rate-per-ip",
                "1000000",
                "--registrations-per-ip",
                "1000000",
                "--realms",
                "main,second",
                "--realm-db",
                "second=" + createDatabase(pg, SECOND_DB),
                "--new-character-level",
                "60",
                "--battleground-grace",
                Long.toString(GRACE.toSeconds()),
                "--match-pass-every",
                "200"));
        postgres = cluster.postgres();
        secondUrl = postgres.jdbcUrl(SECOND_DB);
        realm.node("continents", List.of(), "--pools", "continent", "--realm-db", "second=" + secondUrl);
        final JavaProcess battlegrounds = realm.node(
                "battlegrounds",
                List.of(),
                "--pools",
                "battleground",
                "--realm-db",
                "second=" + secondUrl,
                "--transfer-arrival-seconds",
                Long.toString(ARRIVAL.toSeconds()),
                // The Alliance plays one short from the start (Varian): no loss for it while the test runs.
                "--battleground-under-minimum-seconds",
                "3600");
        ca = realm.binaries().pki().caCertificate();
        assertThat(realmctl("set", "battlegroup", "ruin", "--realms", "main,second"))
                .contains("battlegroup/ruin set");
        try (AdminClient admin = realm.admin(5_000)) {
            await().atMost(DEADLINE).ignoreExceptions().until(() -> admin.getNode("battlegrounds"), status -> true);
            for (final List<String> player : PLAYERS) {
                final String account = player.get(0).toLowerCase(Locale.ROOT);
                admin.createAccount(CreateAccountRequest.newBuilder()
                        .setName(account)
                        .setPassword(PASSWORD)
                        .build());
                admin.createCharacter(CreateCharacterRequest.newBuilder()
                        .setAccount(account)
                        .setRealm(player.get(1))
                        .setName(player.get(0))
                        .setRace(Integer.parseInt(player.get(2)))
                        .setClass_(1)
                        .build());
            }
        }

        // Everyone queues from the continents; the eighth join pops a 4 v 4; everyone accepts and goes in.
        final Map<String, RawGameClient> world = new LinkedHashMap<>();
        for (final List<String> player : PLAYERS) {
            final RawGameClient client = enter(login(player), player.get(0), true);
            world.put(player.get(0), client);
            client.send(
                    b -> ClientMessages.queueRequest(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.QUEUE_JOIN, 1));
            client.await(ClientProtocol.QUEUE_STATUS);
        }
        final Set<String> matchIds = new HashSet<>();
        for (final RawGameClient client : world.values()) {
            matchIds.add(text(client.await(ClientProtocol.BATTLEGROUND_INVITE), ClientProtocol.INVITE_MATCH));
        }
        assertThat(matchIds).hasSize(1);
        final String matchId = matchIds.iterator().next();
        for (final Map.Entry<String, RawGameClient> player : world.entrySet()) {
            player.getValue().send(b -> ClientMessages.inviteAnswer(b, ClientProtocol.LENGTH_PREFIX, matchId, true));
            final Redirect redirect = Redirect.of(player.getValue().await(ClientProtocol.REDIRECT));
            if (player.getKey().equals(NO_SHOW)) {
                // Quits on the loading screen: never connects to the battleground's node.
                continue;
            }
            final RawGameClient in = open(redirect.host(), redirect.port());
            in.send(b ->
                    ClientMessages.hello(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.VERSION, redirect.token()));
            in.await(ClientProtocol.WELCOME);
            in.send(b -> ClientMessages.enterWorld(b, ClientProtocol.LENGTH_PREFIX, redirect.instance()));
            assertThat(mapOf(in.await(ClientProtocol.WORLD_ENTERED))).isEqualTo(489);
            inside.put(player.getKey(), in);
        }
        final BattlegroundMatch running = match(matchId);
        assertThat(running.getSeatsList()).allMatch(s -> s.getState() == SeatState.SEAT_STATE_ENTERED);

        // (0) Varian's client never came: once the node gives him back, his seat is LEFT as never entered.
        await().atMost(DEADLINE).until(() -> seat(match(matchId), NO_SHOW).getState() == SeatState.SEAT_STATE_LEFT);
        assertThat(seat(match(matchId), NO_SHOW).getDeserted())
                .as("he never got in")
                .isFalse();
        keepAlive();

        // (a) Rexxar (realm second) drops and logs in again within the grace: into the same instance, its seat kept.
        keptSeatAfterDisconnect(matchId, "Rexxar");
        final LoginResponse back = login(PLAYERS.get(1));
        assertThat(back.getNodeId()).isEqualTo("battlegrounds");
        assertThat(back.getInstanceId()).isEqualTo(running.getInstanceId());
        final RawGameClient rexxar = enter(back, "Rexxar", false);
        assertThat(mapOf(lastEntered.get("Rexxar")))
                .as("Rexxar in Warsong Gulch again")
                .isEqualTo(489);
        inside.put("Rexxar", rexxar);
        await().atMost(DEADLINE).until(() -> seat(match(matchId), "Rexxar").getDisconnectedAtUnixMs() == 0);
        final MatchSeat rejoined = seat(match(matchId), "Rexxar");
        assertThat(rejoined.getState()).isEqualTo(SeatState.SEAT_STATE_ENTERED);
        assertThat(rejoined.getTeam()).isEqualTo(Faction.FACTION_HORDE);
        assertThat(rejoined.getDeserted()).isFalse();

        // (b) Jaina (realm second) drops and stays away past the grace: LEFT and deserted; home with Deserter.
        final long dropped = keptSeatAfterDisconnect(matchId, "Jaina");
        final long marked = System.currentTimeMillis();
        await().atMost(DEADLINE).until(() -> seat(match(matchId), "Jaina").getState() == SeatState.SEAT_STATE_LEFT);
        keepAlive();
        assertThat(seat(match(matchId), "Jaina").getDeserted()).isTrue();
        assertThat(realmctl("describe", "battleground", matchId))
                .containsPattern("Jaina-second\\s+Alliance\\s+left \\(deserted\\)")
                .containsPattern("Rexxar-second\\s+Horde\\s+entered\\s");
        assertThat(match(matchId).getState()).isEqualTo(MatchState.MATCH_STATE_RUNNING);
        final LoginResponse jainaHome = login(PLAYERS.get(5));
        assertThat(jainaHome.getNodeId()).isEqualTo("continents");
        final RawGameClient jaina = enter(jainaHome, "Jaina", false);
        assertAtEntryPoint("Jaina", jaina);
        final long deserterUntil = deserterUntil("Jaina", secondUrl);
        assertThat(deserterUntil)
                .as("Deserter: disconnect + grace + 15 min")
                .isBetween(dropped + GRACE.toMillis() + 900_000, marked + GRACE.toMillis() + 900_000);
        jaina.send(b -> ClientMessages.queueRequest(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.QUEUE_JOIN, 1));
        assertThat(text(jaina.await(ClientProtocol.QUEUE_REFUSED), ClientProtocol.REFUSED_TEXT))
                .contains("Deserter");
        keepAlive();

        // (c) The battleground's node dies: the match ENDED, everyone home at its entry point, no Deserter.
        battlegrounds.kill();
        await().atMost(DEADLINE).until(() -> match(matchId).getState() == MatchState.MATCH_STATE_ENDED);
        await().atMost(DEADLINE)
                .until(() -> count(postgres.jdbcUrl(), "SELECT count(*) FROM character WHERE state <> 'OFFLINE'") == 0
                        && count(secondUrl, "SELECT count(*) FROM character WHERE state <> 'OFFLINE'") == 1);
        for (final List<String> player : PLAYERS) {
            final String name = player.get(0);
            if (name.equals("Jaina")) {
                continue;
            }
            final LoginResponse login = login(player);
            assertThat(login.getNodeId()).as(name).isEqualTo("continents");
            assertAtEntryPoint(name, enter(login, name, false));
            final String url = player.get(1).equals("main") ? postgres.jdbcUrl() : secondUrl;
            assertThat(deserterUntil(name, url)).as(name + " has no Deserter").isZero();
        }
        final JavaProcess check = realm.binaries().realmctl(realm.controlPlane(), "check");
        assertThat(check.waitForExit(DEADLINE)).as(check.output()).isZero();
        assertThat(check.output()).as("both databases checked").contains("second");
    }

    /** {@code name} closes its connection inside: its seat stays ENTERED, marked disconnected. When it closed. */
    private long keptSeatAfterDisconnect(final String matchId, final String name) throws Exception {
        final long dropped = System.currentTimeMillis();
        inside.remove(name).close();
        await().atMost(DEADLINE).until(() -> seat(match(matchId), name).getDisconnectedAtUnixMs() > 0);
        final MatchSeat away = seat(match(matchId), name);
        assertThat(away.getState()).isEqualTo(SeatState.SEAT_STATE_ENTERED);
        assertThat(away.getDeserted()).isFalse();
        keepAlive();
        return dropped;
    }

    /** A PING from every player still inside: none idles out while the test waits. */
    private void keepAlive() throws IOException {
        for (final RawGameClient client : inside.values()) {
            client.send(b -> ClientMessages.ping(b, ClientProtocol.LENGTH_PREFIX, 1));
        }
    }

    private void assertAtEntryPoint(final String name, final RawGameClient client) throws IOException {
        // The WORLD_ENTERED of this login was kept by enter(): compare with the first one.
        final UnsafeBuffer first = new UnsafeBuffer(home.get(name));
        final UnsafeBuffer now = new UnsafeBuffer(lastEntered.get(name));
        assertThat(now.getInt(ClientProtocol.ENTERED_MAP, ByteOrder.LITTLE_ENDIAN))
                .as(name + "'s home map")
                .isEqualTo(first.getInt(ClientProtocol.ENTERED_MAP, ByteOrder.LITTLE_ENDIAN));
        assertThat(now.getFloat(ClientProtocol.ENTERED_X, ByteOrder.LITTLE_ENDIAN))
                .as(name + " at its entry point")
                .isCloseTo(first.getFloat(ClientProtocol.ENTERED_X, ByteOrder.LITTLE_ENDIAN), Offset.offset(0.5f));
        assertThat(now.getFloat(ClientProtocol.ENTERED_Y, ByteOrder.LITTLE_ENDIAN))
                .isCloseTo(first.getFloat(ClientProtocol.ENTERED_Y, ByteOrder.LITTLE_ENDIAN), Offset.offset(0.5f));
    }

    private final Map<String, byte[]> lastEntered = new HashMap<>();

    private BattlegroundMatch match(final String matchId) {
        if (operator == null) {
            // One client for every poll: a TLS handshake each would cost seconds on a busy machine.
            operator = realm.admin(5_000);
        }
        return operator.getMatch(matchId);
    }

    private static MatchSeat seat(final BattlegroundMatch match, final String name) {
        return match.getSeatsList().stream()
                .filter(s -> s.getPlayer().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " has no seat in " + match));
    }

    private LoginResponse login(final List<String> player) throws Exception {
        if (loginChannel == null) {
            // One channel for every login of the test: a TLS handshake each would cost seconds on a busy machine.
            loginTls = GrpcTls.trusting(ca);
            loginChannel = Channels.forTargets(List.of(realm.login()), 30, loginTls.channel());
        }
        final LoginGrpc.LoginBlockingStub login = LoginGrpc.newBlockingStub(loginChannel);
        return await().atMost(DEADLINE)
                .ignoreExceptionsMatching(e ->
                        e instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNAVAILABLE)
                .until(
                        () -> login.withDeadlineAfter(10, TimeUnit.SECONDS)
                                .login(LoginRequest.newBuilder()
                                        .setAccount(player.get(0).toLowerCase(Locale.ROOT))
                                        .setPassword(PASSWORD)
                                        .setRealm(player.get(1))
                                        .setCharacter(player.get(0))
                                        .build()),
                        r -> true);
    }

    /** Connect where the login leads, HELLO, ENTER_WORLD; {@code first}: its WORLD_ENTERED is its entry point. */
    private RawGameClient enter(final LoginResponse response, final String name, final boolean first) throws Exception {
        final RawGameClient client = open(
                response.getNodeClient().getHost(), response.getNodeClient().getPort());
        final byte[] token = response.getSessionToken().toByteArray();
        client.send(b -> ClientMessages.hello(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.VERSION, token));
        client.await(ClientProtocol.WELCOME);
        client.send(b -> ClientMessages.enterWorld(b, ClientProtocol.LENGTH_PREFIX, response.getInstanceId()));
        final byte[] entered = client.await(ClientProtocol.WORLD_ENTERED);
        if (first) {
            home.put(name, entered);
        }
        lastEntered.put(name, entered);
        return client;
    }

    private RawGameClient open(final String host, final int port) throws IOException {
        final RawGameClient client = new RawGameClient(host, port, DEADLINE, ca);
        opened.add(client);
        return client;
    }

    private static int mapOf(final byte[] worldEntered) {
        return new UnsafeBuffer(worldEntered).getInt(ClientProtocol.ENTERED_MAP, ByteOrder.LITTLE_ENDIAN);
    }

    /** The character's deserter_until in ms (0: none), from its realm's database at {@code url}. */
    private long deserterUntil(final String name, final String url) throws SQLException {
        return count(
                url,
                "SELECT COALESCE((extract(epoch FROM deserter_until) * 1000)::bigint, 0) FROM character WHERE name = '"
                        + name + "'");
    }

    private long count(final String url, final String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private String realmctl(final String... args) {
        final JavaProcess realmctl = realm.binaries().realmctl(realm.controlPlane(), args);
        assertThat(realmctl.waitForExit(DEADLINE)).as(realmctl.output()).isZero();
        return realmctl.output();
    }

    private static String createDatabase(final PostgresProcess postgres, final String name) {
        try (Connection connection =
                        DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
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

    /** A REDIRECT's body: where the client goes, with the token it says HELLO with there. */
    private record Redirect(String host, int port, byte[] token, String instance) {
        static Redirect of(final byte[] body) {
            final UnsafeBuffer buffer = new UnsafeBuffer(body);
            final int port = buffer.getShort(ClientProtocol.REDIRECT_PORT, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            final int hostLength = body[ClientProtocol.REDIRECT_HOST_LENGTH] & 0xFF;
            final String host = new String(body, ClientProtocol.REDIRECT_HOST, hostLength, StandardCharsets.US_ASCII);
            final int tokenAt = ClientProtocol.REDIRECT_HOST + hostLength;
            final int tokenLength = buffer.getShort(tokenAt, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            final byte[] token = Arrays.copyOfRange(body, tokenAt + 2, tokenAt + 2 + tokenLength);
            final int instanceAt = tokenAt + 2 + tokenLength;
            final int instanceLength = body[instanceAt] & 0xFF;
            return new Redirect(
                    host, port, token, new String(body, instanceAt + 1, instanceLength, StandardCharsets.US_ASCII));
        }
    }
}
