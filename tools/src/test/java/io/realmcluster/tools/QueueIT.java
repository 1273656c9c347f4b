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
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A player queues for a battleground through its node, against real processes: the control plane
 * keeps the ticket in etcd, realmctl shows it, a second join is the same ticket, a rule the join
 * breaks comes back as the reason, and a logged-out player keeps its place.
 */
class QueueIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    @RegisterExtension
    static final PostgresExtension POSTGRES = StoreTls.postgresExtension();

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String PASSWORD = "for-the-horde";

    @TempDir
    Path directory;

    private Binaries binaries;

    @BeforeEach
    void setUp() {
        binaries = new Binaries(ETCD.endpoint(), "/queue-it-" + UUID.randomUUID());
    }

    @AfterEach
    void tearDown() {
        binaries.close();
    }

    @Test
    void aPlayerQueuesThroughItsNodeAndTheQueueShowsItOnce() throws Exception {
        final HostPort cp = Binaries.freeAddress();
        binaries.controlPlane("cp-1", cp.port(), POSTGRES);
        binaries.node("node-1", List.of(cp), POSTGRES);
        assertThat(realmctl(cp, 0, "set", "battlegroup", "ruin", "--realms", "main"))
                .contains("battlegroup/ruin set");
        final Path password = Files.writeString(directory.resolve("password"), PASSWORD + "\n");
        final JavaProcess account = binaries.realmctl(cp, password, "create", "account", "Thrall", "--password-stdin");
        assertThat(account.waitForExit(DEADLINE)).as(account.output()).isZero();
        assertThat(realmctl(
                        cp, 0, "create", "character", "thrall", "--account", "thrall", "--race", "2", "--class", "1"))
                .contains("character/Thrall");
        // A level that may queue for Warsong Gulch but not for Alterac Valley.
        try (Connection db = POSTGRES.dataSource().getConnection();
                PreparedStatement level =
                        db.prepareStatement("UPDATE character SET level = 25 WHERE name = 'Thrall'")) {
            assertThat(level.executeUpdate()).isEqualTo(1);
        }

        final Endpoint node;
        try (AdminClient admin = binaries.admin(List.of(cp), 5_000)) {
            node = admin.getNode("node-1").getNode().getClient();
        }
        final Path ca = binaries.pki().caCertificate();
        try (RawGameClient player = login(cp, node, ca)) {
            player.send(
                    b -> ClientMessages.queueRequest(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.QUEUE_JOIN, 1));
            final UnsafeBuffer status = new UnsafeBuffer(player.await(ClientProtocol.QUEUE_STATUS));
            assertThat(status.getByte(ClientProtocol.QUEUE_STATUS_COUNT)).isEqualTo((byte) 1);
            assertThat(status.getByte(ClientProtocol.QUEUE_STATUS_PLACES + ClientProtocol.QUEUE_PLACE_BATTLEGROUND))
                    .isEqualTo((byte) 1);
            assertThat(status.getShort(
                            ClientProtocol.QUEUE_STATUS_PLACES + ClientProtocol.QUEUE_PLACE_POSITION,
                            ByteOrder.LITTLE_ENDIAN))
                    .isEqualTo((short) 1);

            // Again: the same ticket, still one in the queue.
            player.send(
                    b -> ClientMessages.queueRequest(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.QUEUE_JOIN, 1));
            assertThat(new UnsafeBuffer(player.await(ClientProtocol.QUEUE_STATUS))
                            .getByte(ClientProtocol.QUEUE_STATUS_COUNT))
                    .isEqualTo((byte) 1);
            // Alterac Valley takes levels 51 to 60: refused with the reason.
            player.send(
                    b -> ClientMessages.queueRequest(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.QUEUE_JOIN, 3));
            final byte[] refused = player.await(ClientProtocol.QUEUE_REFUSED);
            assertThat(new String(
                            Arrays.copyOfRange(refused, ClientProtocol.REFUSED_TEXT, refused.length),
                            StandardCharsets.US_ASCII))
                    .contains("level 25", "Alterac Valley takes levels 51 to 60");

            assertThat(realmctl(cp, 0, "get", "queues"))
                    .containsPattern("ruin\\s+warsong gulch\\s+20\\s+0\\s+1\\s+0\\s");

            player.send(b -> ClientMessages.logout(b, ClientProtocol.LENGTH_PREFIX));
            player.awaitDisconnect();
        }
        // Logged out: the place is kept (for the grace), its player away.
        await().atMost(DEADLINE).until(() -> {
            final String queues = realmctl(cp, 0, "get", "queues", "-o", "json");
            return queues.contains("\"horde_waiting\": 1") && queues.contains("\"away\": 1");
        });
    }

    private RawGameClient login(final HostPort cp, final Endpoint node, final Path ca) throws Exception {
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
                                            .setAccount("thrall")
                                            .setPassword(PASSWORD)
                                            .setCharacter("Thrall")
                                            .build()),
                            r -> true);
            final RawGameClient player = new RawGameClient(node.getHost(), node.getPort(), DEADLINE, ca);
            final byte[] token = response.getSessionToken().toByteArray();
            player.send(b -> ClientMessages.hello(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.VERSION, token));
            player.await(ClientProtocol.WELCOME);
            player.send(b -> ClientMessages.enterWorld(b, ClientProtocol.LENGTH_PREFIX, response.getInstanceId()));
            player.await(ClientProtocol.WORLD_ENTERED);
            return player;
        } finally {
            Channels.close(channel);
            playerTls.close();
        }
    }

    private String realmctl(final HostPort cp, final int status, final String... args) {
        final JavaProcess realmctl = binaries.realmctl(cp, args);
        assertThat(realmctl.waitForExit(DEADLINE)).as(realmctl.output()).isEqualTo(status);
        return realmctl.output();
    }
}
