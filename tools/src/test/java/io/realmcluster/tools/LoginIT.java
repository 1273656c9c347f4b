package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpc.ManagedChannel;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.auth.TokenSecret;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.testkit.JavaProcess;
import io.realmcluster.testkit.PostgresExtension;
import io.realmcluster.testkit.ScriptProcess;

/** An operator creates an account and a character with realmctl; the player logs in and is sent to node-1. */
class LoginIT {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Path HOME = Path.of(System.getProperty("realm.home", "..")).toAbsolutePath().normalize();
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private Binaries binaries;
    private Path secret;

    @BeforeEach
    void setUp() throws Exception {
        binaries = new Binaries(ETCD.endpoint(), "/login-it-" + UUID.randomUUID());
        secret = Files.createTempFile("token-secret", "");
        Files.writeString(secret, "a-test-secret-that-is-long-enough-for-hmac\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        binaries.close();
        Files.deleteIfExists(secret);
    }

    @Test
    void operatorCreatesAPlayerWhoLogsInAndIsRoutedToTheNodeOfItsContinent() throws Exception {
        final HostPort cp = Binaries.freeAddress();
        binaries.controlPlane("cp-1", cp.port(), Map.of("REALM_DB_USER", POSTGRES.user(), "REALM_DB_PASSWORD", POSTGRES.password()),
            "--db-url", POSTGRES.jdbcUrl(), "--token-secret-file", secret.toString(), "--password-iterations", "1000");
        binaries.node("node-1", List.of(cp));

        final ProcessBuilder createAccount = new ProcessBuilder("bash", "-c",
            "echo 'stormwind-keep' | \"$0\" --controlplane \"$1\" create account Varian --password-stdin",
            HOME.resolve("bin/realmctl").toString(), cp.toString());
        try (ScriptProcess process = ScriptProcess.start("create-account", createAccount)) {
            assertThat(process.waitForExit(DEADLINE)).as(process.output()).isZero();
            assertThat(process.output()).contains("account/Varian created");
        }
        try (ScriptProcess process = ScriptProcess.start("create-character", List.of(HOME.resolve("bin/realmctl").toString(),
            "--controlplane", cp.toString(), "create", "character", "Varian", "--account", "varian", "--race", "1",
            "--class", "1", "-o", "json"))) {
            assertThat(process.waitForExit(DEADLINE)).as(process.output()).isZero();
            assertThat(process.output()).contains("\"name\": \"Varian\"", "\"map_id\": 0");
        }

        final ManagedChannel channel = Channels.forTargets(List.of(cp), 30);
        try {
            final LoginResponse response = await().atMost(DEADLINE).ignoreExceptions().until(() ->
                LoginGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).login(LoginRequest.newBuilder()
                    .setAccount("varian").setPassword("stormwind-keep").setCharacter("varian").build()), r -> true);
            assertThat(response.getNodeId()).isEqualTo("node-1");
            assertThat(response.getInstanceId()).isEqualTo("main.0");
            assertThat(response.getNodeClient().getPort()).isPositive();
            final SessionToken tokens = new SessionToken(TokenSecret.of(
                "a-test-secret-that-is-long-enough-for-hmac".getBytes(StandardCharsets.UTF_8)));
            assertThat(tokens.verify(response.getSessionToken().toByteArray(), "node-1", System.currentTimeMillis()).valid())
                .isTrue();
        } finally {
            Channels.close(channel);
        }
    }

    @Test
    void aDatabaseThatCannotBeReachedOrAMissingSecretIsOneLine() {
        final Map<String, String> user = Map.of("REALM_DB_USER", "postgres", "REALM_DB_PASSWORD", "not-logged");
        final String nowhere = "jdbc:postgresql://127.0.0.1:" + io.realmcluster.testkit.FreePorts.find() + "/realm";
        final JavaProcess noDatabase = binaries.run(Binaries.CONTROLPLANE, "cp-no-db", user, "--etcd", ETCD.endpoint(),
            "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--db-url", nowhere,
            "--token-secret-file", secret.toString());
        assertThat(noDatabase.waitForExit(DEADLINE)).isEqualTo(1);
        assertThat(noDatabase.output().strip()).startsWith("controlplane: error: cannot connect to the database at " + nowhere)
            .doesNotContain("not-logged");
        assertThat(noDatabase.output().strip().lines().count()).isEqualTo(1);

        final JavaProcess noSecret = binaries.run(Binaries.CONTROLPLANE, "cp-no-secret", user, "--etcd", ETCD.endpoint(),
            "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--db-url", POSTGRES.jdbcUrl());
        assertThat(noSecret.waitForExit(DEADLINE)).isEqualTo(1);
        assertThat(noSecret.output().strip()).startsWith("controlplane: error: no token secret: pass --token-secret-file");

        final JavaProcess noUser = binaries.run(Binaries.CONTROLPLANE, "cp-no-user", "--etcd", ETCD.endpoint(),
            "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--db-url", POSTGRES.jdbcUrl());
        assertThat(noUser.waitForExit(DEADLINE)).isEqualTo(1);
        assertThat(noUser.output().strip()).isEqualTo("controlplane: error: the database user is not set: export REALM_DB_USER");
    }
}
