package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.testkit.PostgresExtension;
import io.realmcluster.tools.realmctl.AdminClient;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Warsong Gulch pops for eight players against real processes (a control plane, a node, etcd,
 * PostgreSQL) over real sockets: their queue joins make a match on the leader, each player's node
 * tells it of its invite with the deadline, an accept is answered (twice the same), a decline
 * frees the seat, and realmctl shows the match and its seats. An accept takes the player into the
 * match's instance (REDIRECT, then WORLD_ENTERED at its team's start), its entry point and match saved
 * in its row; an accept again from inside is answered the same and moves nobody.
 */
class MatchIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    @RegisterExtension
    static final PostgresExtension POSTGRES = StoreTls.postgresExtension();

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String PASSWORD = "for-the-horde";
    private static final List<String> HORDE = List.of("Thrall", "Rexxar", "Saurfang", "Garrosh");
    private static final List<String> ALLIANCE = List.of("Anduin", "Jaina", "Uther", "Varian");

    @TempDir
    Path directory;

    private Binaries binaries;
    /** Each player's WORLD_ENTERED at its login: where it stood before any battleground. */
    private final Map<String, byte[]> worldEntered = new HashMap<>();

    @BeforeEach
    void setUp() {
        binaries = new Binaries(ETCD.endpoint(), "/match-it-" + UUID.randomUUID());
    }

    @AfterEach
    void tearDown() {
        binaries.close();
    }

    @Test
    void queuedPlayersAreInvitedThroughTheirNodeAndTheirAnswersAreTaken() throws Exception {
        final HostPort cp = Binaries.freeAddress();
        binaries.controlPlane("cp-1", cp.port(), POSTGRES);
        binaries.node("node-1", List.of(cp), POSTGRES);
        assertThat(realmctl(cp, "set", "battlegroup", "ruin", "--realms", "main"))
                .contains("battlegroup/ruin set");
        final Path password = Files.writeString(directory.resolve("password"), PASSWORD + "\n");
        final List<String> names = new ArrayList<>(HORDE);
        names.addAll(ALLIANCE);
        for (final String name : names) {
            final JavaProcess account = binaries.realmctl(cp, password, "create", "account", name, "--password-stdin");
            assertThat(account.waitForExit(DEADLINE)).as(account.output()).isZero();
            final String race = HORDE.contains(name) ? "2" : "1";
            assertThat(realmctl(
                            cp,
                            "create",
                            "character",
                            name.toLowerCase(java.util.Locale.ROOT),
                            "--account",
                            name.toLowerCase(java.util.Locale.ROOT),
                            "--race",
                            race,
                            "--class",
                            "1"))
                    .contains("character/" + name);
        }
        try (Connection db = POSTGRES.dataSource().getConnection();
                PreparedStatement level = db.prepareStatement("UPDATE character SET level = 60")) {
            assertThat(level.executeUpdate()).isEqualTo(names.size());
        }
        final Endpoint node;
        try (AdminClient admin = binaries.admin(List.of(cp), 5_000)) {
            node = admin.getNode("node-1").getNode().getClient();
        }
        final Path ca = binaries.pki().caCertificate();
        final List<RawGameClient> players = new ArrayList<>();
        try {
            for (final String name : names) {
                final RawGameClient player = login(cp, node, ca, name);
                players.add(player);
                player.send(b ->
                        ClientMessages.queueRequest(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.QUEUE_JOIN, 1));
                player.await(ClientProtocol.QUEUE_STATUS);
            }

            // The eighth join pops a 4 v 4: every player hears of its invite, with the deadline.
            final Set<String> matchIds = new HashSet<>();
            for (final RawGameClient player : players) {
                final byte[] invite = player.await(ClientProtocol.BATTLEGROUND_INVITE);
                final UnsafeBuffer body = new UnsafeBuffer(invite);
                assertThat(body.getByte(ClientProtocol.INVITE_BATTLEGROUND)).isEqualTo((byte) 1);
                assertThat(body.getShort(ClientProtocol.INVITE_SECONDS, ByteOrder.LITTLE_ENDIAN) & 0xFFFF)
                        .isBetween(60, 80);
                matchIds.add(text(invite, ClientProtocol.INVITE_MATCH));
            }
            assertThat(matchIds).hasSize(1);
            final String matchId = matchIds.iterator().next();

            final RawGameClient thrall = players.get(0);
            final String instanceId;
            try (AdminClient admin = binaries.admin(List.of(cp), 5_000)) {
                instanceId = admin.getMatch(matchId).getInstanceId();
            }
            final UnsafeBuffer stood = new UnsafeBuffer(worldEntered.get("Thrall"));
            final int homeMap = stood.getInt(ClientProtocol.ENTERED_MAP, ByteOrder.LITTLE_ENDIAN);
            final float homeX = stood.getFloat(ClientProtocol.ENTERED_X, ByteOrder.LITTLE_ENDIAN);
            final float homeY = stood.getFloat(ClientProtocol.ENTERED_Y, ByteOrder.LITTLE_ENDIAN);
            thrall.send(b -> ClientMessages.inviteAnswer(b, ClientProtocol.LENGTH_PREFIX, matchId, true));
            final byte[] accepted = thrall.await(ClientProtocol.INVITE_ACCEPTED);
            assertThat(accepted[ClientProtocol.ACCEPTED_TEAM]).as("the Horde").isEqualTo((byte) 2);
            assertThat(text(accepted, ClientProtocol.ACCEPTED_MATCH)).isEqualTo(matchId);

            // The accept takes it into the battleground: a loading screen (REDIRECT) to the match's instance, where
            // it enters at the Horde's start in Warsong Gulch; its departure save wrote where it stood and the match.
            final Redirect redirect = Redirect.of(thrall.await(ClientProtocol.REDIRECT));
            assertThat(redirect.instance()).isEqualTo(instanceId);
            final RawGameClient inside = new RawGameClient(redirect.host(), redirect.port(), DEADLINE, ca);
            players.add(inside);
            inside.send(b ->
                    ClientMessages.hello(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.VERSION, redirect.token()));
            inside.await(ClientProtocol.WELCOME);
            inside.send(b -> ClientMessages.enterWorld(b, ClientProtocol.LENGTH_PREFIX, instanceId));
            final UnsafeBuffer entered = new UnsafeBuffer(inside.await(ClientProtocol.WORLD_ENTERED));
            assertThat(entered.getInt(ClientProtocol.ENTERED_MAP, ByteOrder.LITTLE_ENDIAN))
                    .isEqualTo(489);
            assertThat(entered.getFloat(ClientProtocol.ENTERED_X, ByteOrder.LITTLE_ENDIAN))
                    .as("the Horde's start")
                    .isCloseTo(933.3f, Offset.offset(1f));
            // Its first BATTLEGROUND_STATE follows: Warsong Gulch, the gates closed, the Horde of one player so far.
            final UnsafeBuffer state = new UnsafeBuffer(inside.await(ClientProtocol.BATTLEGROUND_STATE));
            assertThat(state.getShort(ClientProtocol.BG_STATE_MAP, ByteOrder.LITTLE_ENDIAN))
                    .isEqualTo((short) 489);
            assertThat(state.getByte(ClientProtocol.BG_STATE_PHASE))
                    .as("preparation")
                    .isZero();
            assertThat(state.getByte(ClientProtocol.BG_STATE_HORDE_PLAYERS)).isEqualTo((byte) 1);
            assertThat(entry("Thrall")).isEqualTo(Arrays.asList(matchId, homeMap, homeX, homeY));
            // Accepting again from inside: the same answer, and it stays where it is.
            inside.send(b -> ClientMessages.inviteAnswer(b, ClientProtocol.LENGTH_PREFIX, matchId, true));
            assertThat(inside.await(ClientProtocol.INVITE_ACCEPTED)).isEqualTo(accepted);

            final RawGameClient anduin = players.get(HORDE.size());
            anduin.send(b -> ClientMessages.inviteAnswer(b, ClientProtocol.LENGTH_PREFIX, matchId, false));
            assertThat(text(anduin.await(ClientProtocol.INVITE_GONE), ClientProtocol.INVITE_GONE_MATCH))
                    .isEqualTo(matchId);
            // Declined: accepting now is refused with the reason.
            anduin.send(b -> ClientMessages.inviteAnswer(b, ClientProtocol.LENGTH_PREFIX, matchId, true));
            final byte[] refused = anduin.await(ClientProtocol.QUEUE_REFUSED);
            assertThat(text(refused, ClientProtocol.REFUSED_TEXT)).contains("was declined");

            assertThat(realmctl(cp, "get", "battlegrounds"))
                    .containsPattern(
                            matchId + "\\s+warsong gulch\\s+60\\s+\\S+\\s+node-1\\s+main\\s+3\\s+4\\s+running");
            final String described = realmctl(cp, "describe", "battleground", matchId);
            assertThat(described)
                    .containsPattern("Thrall-main\\s+Horde\\s+entered")
                    .containsPattern("Anduin-main\\s+Alliance\\s+declined")
                    .containsPattern("Jaina-main\\s+Alliance\\s+invited\\s+\\d+s left");
        } finally {
            for (final RawGameClient player : players) {
                player.close();
            }
        }
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

    /** The character's battleground match and entry point as saved: match id, map, x, y. */
    private static List<Object> entry(final String name) throws Exception {
        try (Connection db = POSTGRES.dataSource().getConnection();
                PreparedStatement row = db.prepareStatement(
                        "SELECT bg_match_id, bg_entry_map_id, bg_entry_x, bg_entry_y FROM character WHERE name = ?")) {
            row.setString(1, name);
            try (var rows = row.executeQuery()) {
                assertThat(rows.next()).as(name).isTrue();
                return Arrays.asList(rows.getString(1), rows.getInt(2), rows.getFloat(3), rows.getFloat(4));
            }
        }
    }

    /** The text of a u8-length-prefixed field whose length byte is at {@code textAt - 1}. */
    private static String text(final byte[] body, final int textAt) {
        final int length = body[textAt - 1] & 0xFF;
        return new String(Arrays.copyOfRange(body, textAt, textAt + length), StandardCharsets.US_ASCII);
    }

    private RawGameClient login(final HostPort cp, final Endpoint node, final Path ca, final String name)
            throws Exception {
        final GrpcTls playerTls = GrpcTls.trusting(ca);
        final ManagedChannel channel = Channels.forTargets(List.of(binaries.loginAddress(cp)), 30, playerTls.channel());
        try {
            final LoginGrpc.LoginBlockingStub login = LoginGrpc.newBlockingStub(channel);
            final LoginResponse response = await().atMost(DEADLINE)
                    .ignoreExceptionsMatching(e -> e instanceof StatusRuntimeException s
                            && s.getStatus().getCode() == Status.Code.UNAVAILABLE)
                    .until(
                            () -> login.withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .login(LoginRequest.newBuilder()
                                            .setAccount(name.toLowerCase(java.util.Locale.ROOT))
                                            .setPassword(PASSWORD)
                                            .setCharacter(name)
                                            .build()),
                            r -> true);
            final RawGameClient player = new RawGameClient(node.getHost(), node.getPort(), DEADLINE, ca);
            final byte[] token = response.getSessionToken().toByteArray();
            player.send(b -> ClientMessages.hello(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.VERSION, token));
            player.await(ClientProtocol.WELCOME);
            player.send(b -> ClientMessages.enterWorld(b, ClientProtocol.LENGTH_PREFIX, response.getInstanceId()));
            worldEntered.put(name, player.await(ClientProtocol.WORLD_ENTERED));
            return player;
        } finally {
            Channels.close(channel);
            playerTls.close();
        }
    }

    private String realmctl(final HostPort cp, final String... args) {
        final JavaProcess realmctl = binaries.realmctl(cp, args);
        assertThat(realmctl.waitForExit(DEADLINE)).as(realmctl.output()).isZero();
        return realmctl.output();
    }
}
