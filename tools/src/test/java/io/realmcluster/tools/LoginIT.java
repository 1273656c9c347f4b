package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.auth.TokenSecret;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.proto.v1.RegisterAccountRequest;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.testkit.PostgresExtension;
import io.realmcluster.tools.realmctl.AdminClient;
import java.nio.charset.StandardCharsets;
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
    private static final String SECRET = "a-test-secret-that-is-long-enough-for-hmac";
    private static final String PASSWORD = "stormwind-keep";

    @TempDir
    Path directory;

    private Binaries binaries;
    private Path secret;

    @BeforeEach
    void setUp() throws Exception {
        binaries = new Binaries(ETCD.endpoint(), "/login-it-" + UUID.randomUUID());
        secret = Files.writeString(directory.resolve("token-secret"), SECRET + "\n");
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
                "--token-secret-file",
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
        try (AdminClient admin = new AdminClient(List.of(cp), 5_000)) {
            nodeClient = admin.getNode("node-1").getNode().getClient();
        }
        final ManagedChannel channel = Channels.forTargets(List.of(cp), 30);
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

            final SessionToken tokens = new SessionToken(TokenSecret.of(SECRET.getBytes(StandardCharsets.UTF_8)));
            final byte[] token = response.getSessionToken().toByteArray();
            assertThat(tokens.verify(token, "node-1", System.currentTimeMillis())
                            .valid())
                    .isTrue();
            assertThat(tokens.verify(token, "node-2", System.currentTimeMillis())
                            .failure())
                    .isEqualTo(SessionToken.Failure.WRONG_NODE);

            assertThatThrownBy(() -> login.withDeadlineAfter(10, TimeUnit.SECONDS)
                            .registerAccount(RegisterAccountRequest.newBuilder()
                                    .setName("Garrosh")
                                    .setPassword("hellscream")
                                    .build()))
                    .hasMessage("PERMISSION_DENIED: registration is disabled on this control plane");
        } finally {
            Channels.close(channel);
        }
        assertThat(controlPlane.output()).doesNotContain(PASSWORD, SECRET);
    }

    @Test
    void aDatabaseThatCannotBeReachedOrAMissingSecretIsOneLine() {
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
                        "--token-secret-file",
                        secret.toString()));
        final JavaProcess noSecret = binaries.run(
                Binaries.CONTROLPLANE,
                "cp-no-secret",
                user,
                withEtcd("--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--db-url", POSTGRES.jdbcUrl()));
        final JavaProcess noUser = binaries.run(
                Binaries.CONTROLPLANE,
                "cp-no-user",
                withEtcd("--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--db-url", POSTGRES.jdbcUrl()));
        final JavaProcess noTtl = binaries.run(
                Binaries.CONTROLPLANE,
                "cp-no-ttl",
                user,
                withEtcd(
                        "--listen",
                        "127.0.0.1:0",
                        "--metrics-listen",
                        "127.0.0.1:0",
                        "--db-url",
                        POSTGRES.jdbcUrl(),
                        "--db-ca",
                        StoreTls.databaseCa().toString(),
                        "--token-secret-file",
                        secret.toString(),
                        "--token-ttl",
                        "0"));

        // All four run side by side: the unreachable database alone waits out the pool's start timeout.
        assertThat(noDatabase.waitForExit(DEADLINE)).isEqualTo(1);
        assertThat(noDatabase.output().strip())
                .startsWith("controlplane: error: cannot connect to the database at " + nowhere)
                .doesNotContain("not-logged");
        assertThat(noDatabase.output().strip().lines().count()).isEqualTo(1);
        assertThat(noSecret.waitForExit(DEADLINE)).isEqualTo(1);
        assertThat(noSecret.output().strip())
                .startsWith("controlplane: error: no token secret: pass --token-secret-file");
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
