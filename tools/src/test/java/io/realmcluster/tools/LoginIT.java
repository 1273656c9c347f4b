package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.auth.TokenKey;
import io.realmcluster.common.auth.TokenKeyFiles;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.proto.v1.RegisterAccountRequest;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.testkit.PostgresExtension;
import io.realmcluster.tools.realmctl.AdminClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An operator creates an account and a character with realmctl; the player logs in and is sent to node-1. */
class LoginIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    @RegisterExtension
    static final PostgresExtension POSTGRES = StoreTls.postgresExtension();

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String PASSWORD = "stormwind-keep";

    @TempDir
    Path directory;

    private Binaries binaries;
    private Path secret;

    @BeforeEach
    void setUp() throws Exception {
        binaries = new Binaries(ETCD.endpoint(), "/login-it-" + UUID.randomUUID());
        // The control plane's token key, as an operator keeps it: readable by its owner only.
        secret = Files.copy(Binaries.tokenKeyFile(), directory.resolve("token.key"));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void tearDown() {
        binaries.close();
    }

    @Test
    void operatorCreatesAPlayerWhoLogsInAndIsRoutedToTheNodeOfItsContinent() throws Exception {
        final HostPort cp = Binaries.freeAddress();
        final JavaProcess controlPlane = binaries.controlPlane(
                "cp-1",
                cp.port(),
                Map.of("REALM_DB_USER", POSTGRES.user(), "REALM_DB_PASSWORD", POSTGRES.password()),
                "--db-url",
                POSTGRES.jdbcUrl(),
                "--db-ca",
                StoreTls.databaseCa().toString(),
                "--token-key-file",
                secret.toString(),
                "--password-iterations",
                "1000");
        binaries.node("node-1", List.of(cp));

        final Path password = Files.writeString(directory.resolve("password"), PASSWORD + "\n");
        final JavaProcess account = binaries.realmctl(cp, password, "create", "account", "Varian", "--password-stdin");
        assertThat(account.waitForExit(DEADLINE)).as(account.output()).isZero();
        assertThat(account.output()).contains("account/Varian created").doesNotContain(PASSWORD);
        final JavaProcess again = binaries.realmctl(cp, password, "create", "account", "VARIAN", "--password-stdin");
        assertThat(again.waitForExit(DEADLINE)).as(again.output()).isEqualTo(1);
        assertThat(again.output().strip()).isEqualTo("realmctl: error: account name 'VARIAN' is taken");

        final JavaProcess character = binaries.realmctl(
                cp,
                password,
                "create",
                "character",
                "varian",
                "--account",
                "varian",
                "--race",
                "1",
                "--class",
                "1",
                "-o",
                "json");
        assertThat(character.waitForExit(DEADLINE)).as(character.output()).isZero();
        assertThat(character.output()).contains("\"name\": \"Varian\"", "\"realm\": \"main\"", "\"map_id\": 0");

        final Endpoint nodeClient;
        try (AdminClient admin = binaries.admin(List.of(cp), 5_000)) {
            nodeClient = admin.getNode("node-1").getNode().getClient();
        }
        // Login on the public listener, over TLS that verifies the realm's CA; the player holds no certificate.
        final GrpcTls playerTls = GrpcTls.trusting(binaries.pki().caCertificate());
        final ManagedChannel channel = Channels.forTargets(List.of(binaries.loginAddress(cp)), 30, playerTls.channel());
        try {
            final LoginGrpc.LoginBlockingStub login = LoginGrpc.newBlockingStub(channel);
            // Eastern Kingdoms is placed once node-1 registers; until then login says UNAVAILABLE.
            final LoginResponse response = await().atMost(DEADLINE)
                    .ignoreExceptionsMatching(e -> e instanceof StatusRuntimeException s
                            && s.getStatus().getCode() == Status.Code.UNAVAILABLE)
                    .until(
                            () -> login.withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .login(LoginRequest.newBuilder()
                                            .setAccount("varian")
                                            .setPassword(PASSWORD)
                                            .setCharacter("VARIAN")
                                            .build()),
                            r -> true);
            assertThat(response.getNodeId()).isEqualTo("node-1");
            assertThat(response.getInstanceId()).isEqualTo("main.0");
            assertThat(response.getNodeClient()).isEqualTo(nodeClient);
            assertThat(response.getCharacter().getName()).isEqualTo("Varian");

            // Signed with the control plane's private key: the public key the nodes hold verifies it.
            final TokenKey key = TokenKeyFiles.loadVerifiers(List.of(Binaries.tokenPublicKeyFile()))
                    .get(0);
            final byte[] token = response.getSessionToken().toByteArray();
            final SessionToken.Verdict verdict =
                    SessionToken.verify(token, id -> id == key.id() ? key : null, "node-1", System.currentTimeMillis());
            assertThat(verdict.valid()).as("%s", verdict.failure()).isTrue();
            assertThat(verdict.claims().instanceId()).isEqualTo("main.0");
            assertThat(SessionToken.verify(token, id -> key, "node-2", System.currentTimeMillis())
                            .failure())
                    .isEqualTo(SessionToken.Failure.WRONG_NODE);

            // At the node: the token works once, and only into the instance it names.
            // Over TLS, trusting the realm's CA, as a game client.
            final Path ca = binaries.pki().caCertificate();
            try (RawGameClient player = new RawGameClient(nodeClient.getHost(), nodeClient.getPort(), DEADLINE, ca);
                    RawGameClient replay =
                            new RawGameClient(nodeClient.getHost(), nodeClient.getPort(), DEADLINE, ca)) {
                player.send(b -> ClientMessages.hello(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.VERSION, token));
                player.await(ClientProtocol.WELCOME);
                replay.send(b -> ClientMessages.hello(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.VERSION, token));
                assertThat(replay.awaitDisconnect()).isEqualTo(DisconnectReason.TOKEN_REPLAYED);
                player.send(b -> ClientMessages.enterWorld(b, ClientProtocol.LENGTH_PREFIX, "main.1"));
                assertThat(player.awaitDisconnect()).isEqualTo(DisconnectReason.WRONG_INSTANCE);
            }

            assertThatThrownBy(() -> login.withDeadlineAfter(10, TimeUnit.SECONDS)
                            .registerAccount(RegisterAccountRequest.newBuilder()
                                    .setName("Garrosh")
                                    .setPassword("hellscream")
                                    .build()))
                    .hasMessage("PERMISSION_DENIED: registration is disabled on this control plane");
        } finally {
            Channels.close(channel);
            playerTls.close();
        }
        assertThat(controlPlane.output()).doesNotContain(PASSWORD);
        assertThat(controlPlane.output())
                .doesNotContain(Files.readString(secret)
                        .lines()
                        .filter(l -> !l.startsWith("-----"))
                        .toList()
                        .toArray(String[]::new));
    }

    @Test
    void aDatabaseThatCannotBeReachedOrAMissingOrExposedTokenKeyIsOneLine() throws Exception {
        final Map<String, String> user = Map.of("REALM_DB_USER", "postgres", "REALM_DB_PASSWORD", "not-logged");
        final String nowhere = "jdbc:postgresql://127.0.0.1:" + FreePorts.find() + "/realm";
        final JavaProcess noDatabase = binaries.run(
                Binaries.CONTROLPLANE,
                "cp-no-db",
                user,
                withEtcd(
                        "--listen",
                        "127.0.0.1:0",
                        "--metrics-listen",
                        "127.0.0.1:0",
                        "--db-url",
                        nowhere,
                        "--token-key-file",
                        secret.toString()));
        final JavaProcess noSecret = binaries.run(
                Binaries.CONTROLPLANE,
                "cp-no-secret",
                user,
                "--etcd",
                ETCD.endpoint(),
                "--listen",
                "127.0.0.1:0",
                "--metrics-listen",
                "127.0.0.1:0",
                "--db-url",
                POSTGRES.jdbcUrl());
        final Path exposed = Files.copy(secret, directory.resolve("exposed.key"));
        Files.setPosixFilePermissions(exposed, PosixFilePermissions.fromString("rw-r--r--"));
        final JavaProcess exposedKey = binaries.run(
                Binaries.CONTROLPLANE,
                "cp-exposed-key",
                user,
                "--etcd",
                ETCD.endpoint(),
                "--listen",
                "127.0.0.1:0",
                "--metrics-listen",
                "127.0.0.1:0",
                "--db-url",
                POSTGRES.jdbcUrl(),
                "--token-key-file",
                exposed.toString());
        final JavaProcess noUser = binaries.run(
                Binaries.CONTROLPLANE,
                "cp-no-user",
                withEtcd("--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--db-url", POSTGRES.jdbcUrl()));
        final JavaProcess noTtl = binaries.run(
                Binaries.CONTROLPLANE,
                "cp-no-ttl",
                user,
                "--etcd",
                ETCD.endpoint(),
                "--listen",
                "127.0.0.1:0",
                "--metrics-listen",
                "127.0.0.1:0",
                "--db-url",
                POSTGRES.jdbcUrl(),
                "--token-key-file",
                secret.toString(),
                "--token-ttl",
                "0");

        // All of them run side by side: the unreachable database alone waits out the pool's start timeout.
        assertThat(noDatabase.waitForExit(DEADLINE)).isEqualTo(1);
        assertThat(noDatabase.output().strip())
                .startsWith("controlplane: error: cannot connect to the database at " + nowhere)
                .doesNotContain("not-logged");
        assertThat(noDatabase.output().strip().lines().count()).isEqualTo(1);
        assertThat(noSecret.waitForExit(DEADLINE)).isEqualTo(1);
        assertThat(noSecret.output().strip())
                .startsWith("controlplane: error: no token key: pass --token-key-file FILE");
        assertThat(exposedKey.waitForExit(DEADLINE)).isEqualTo(1);
        assertThat(exposedKey.output().strip())
                .isEqualTo("controlplane: error: the token key file " + exposed
                        + " can be read by other users; chmod 600 " + exposed);
        assertThat(noUser.waitForExit(DEADLINE)).isEqualTo(1);
        assertThat(noUser.output().strip())
                .isEqualTo("controlplane: error: the database user is not set: export REALM_DB_USER");
        assertThat(noTtl.waitForExit(DEADLINE)).isEqualTo(1);
        assertThat(noTtl.output().strip())
                .isEqualTo("controlplane: error: --token-ttl must be at least 1 second, got 0");
    }

    /** {@code args} after the flags that reach this test's etcd. */
    private String[] withEtcd(final String... args) {
        final List<String> all = new ArrayList<>(binaries.etcdFlags());
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }
}
