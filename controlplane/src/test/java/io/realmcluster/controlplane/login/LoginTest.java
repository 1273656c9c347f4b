package io.realmcluster.controlplane.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.realmcluster.common.auth.Ed25519TokenKeys;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.auth.TokenKey;
import io.realmcluster.common.auth.TokenSigner;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.controlplane.ControlPlane;
import io.realmcluster.controlplane.ControlPlaneConfig;
import io.realmcluster.controlplane.FakeNode;
import io.realmcluster.proto.v1.AdminGrpc;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.proto.v1.PlayerCreateCharacterRequest;
import io.realmcluster.proto.v1.RegisterAccountRequest;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.testkit.PostgresExtension;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Accounts, characters and login against a real PostgreSQL and a real etcd. */
class LoginTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final KeyPair KEYS = keyPair();
    private static final TokenSigner SIGNER = Ed25519TokenKeys.signer(KEYS.getPrivate(), KEYS.getPublic());

    /** One PostgreSQL per test: one of them stops it. */
    @RegisterExtension
    final PostgresExtension postgres = new PostgresExtension();

    private ControlPlane controlPlane;
    /** The public listener: Login. */
    private ManagedChannel channel;
    /** The internal listener: Admin, node links. */
    private ManagedChannel internal;

    @AfterEach
    void tearDown() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (internal != null) {
            internal.shutdownNow();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    void aRegisteredPlayerLogsInAndGetsATokenForTheNodeOfItsContinent() {
        start(true);
        FakeNode.connect(internal, "node-1", 1000, "continent");
        login().registerAccount(RegisterAccountRequest.newBuilder()
                .setName("Thrall")
                .setPassword("for-the-horde")
                .build());
        final var orc = login().createCharacter(PlayerCreateCharacterRequest.newBuilder()
                .setAccount("thrall")
                .setPassword("for-the-horde")
                .setName("goelthrall")
                .setRace(2)
                .setClass_(7)
                .build());
        assertThat(orc.getName()).isEqualTo("Goelthrall");
        assertThat(orc.getMapId()).isEqualTo(1);

        final LoginResponse response = await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(
                        () -> login().login(LoginRequest.newBuilder()
                                .setAccount("Thrall")
                                .setPassword("for-the-horde")
                                .setCharacter("Goelthrall")
                                .build()),
                        r -> true);
        assertThat(response.getNodeId()).isEqualTo("node-1");
        assertThat(response.getInstanceId()).isEqualTo("main.1");
        assertThat(response.getNodeClient().getPort()).isEqualTo(2);
        final TokenKey key = Ed25519TokenKeys.verifier(KEYS.getPublic());
        final SessionToken.Verdict verdict = SessionToken.verify(
                response.getSessionToken().toByteArray(),
                id -> id == key.id() ? key : null,
                "node-1",
                System.currentTimeMillis());
        assertThat(verdict.valid()).isTrue();
        assertThat(verdict.claims().characterId()).isEqualTo(orc.getCharacterId());
        assertThat(verdict.claims().instanceId()).isEqualTo("main.1");
        assertThat(verdict.claims().epoch()).as("a new character's epoch").isZero();
        assertThat(SessionToken.verify(
                                response.getSessionToken().toByteArray(),
                                id -> id == key.id() ? key : null,
                                "node-2",
                                System.currentTimeMillis())
                        .failure())
                .isEqualTo(SessionToken.Failure.WRONG_NODE);
    }

    @Test
    void wrongPasswordsAndUnknownAccountsLookTheSameAndTakenNamesAreRefused() {
        start(false);
        admin().createAccount(CreateAccountRequest.newBuilder()
                .setName("jaina")
                .setPassword("theramore1")
                .build());
        admin().createCharacter(CreateCharacterRequest.newBuilder()
                .setAccount("JAINA")
                .setName("Jaina")
                .setRace(1)
                .setClass_(8)
                .build());
        assertRefused(
                () -> admin().createAccount(CreateAccountRequest.newBuilder()
                        .setName("Jaina")
                        .setPassword("another-one")
                        .build()),
                Status.Code.ALREADY_EXISTS,
                "account name 'Jaina' is taken");
        assertRefused(
                () -> admin().createCharacter(CreateCharacterRequest.newBuilder()
                        .setAccount("jaina")
                        .setName("JAINA")
                        .setRace(1)
                        .setClass_(8)
                        .build()),
                Status.Code.ALREADY_EXISTS,
                "character name 'Jaina' is taken in realm main");
        assertRefused(
                () -> admin().createCharacter(CreateCharacterRequest.newBuilder()
                        .setAccount("jaina")
                        .setName("Deathknight")
                        .setRace(1)
                        .setClass_(6)
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "unknown class 6");

        final String wrongPassword = refusal(() -> login().login(LoginRequest.newBuilder()
                .setAccount("jaina")
                .setPassword("wrong-password")
                .setCharacter("Jaina")
                .build()));
        final String unknownAccount = refusal(() -> login().login(LoginRequest.newBuilder()
                .setAccount("nobody")
                .setPassword("wrong-password")
                .setCharacter("Jaina")
                .build()));
        assertThat(wrongPassword)
                .isEqualTo(unknownAccount)
                .isEqualTo("UNAUTHENTICATED: wrong account name or password");
        assertRefused(
                () -> login().login(LoginRequest.newBuilder()
                        .setAccount("jaina")
                        .setPassword("theramore1")
                        .setCharacter("Arthas")
                        .build()),
                Status.Code.NOT_FOUND,
                "no character 'Arthas'");
        assertRefused(
                () -> login().registerAccount(RegisterAccountRequest.newBuilder()
                        .setName("sneaky")
                        .setPassword("12345678")
                        .build()),
                Status.Code.PERMISSION_DENIED,
                "registration is disabled on this control plane");
        assertRefused(
                () -> login().createCharacter(PlayerCreateCharacterRequest.newBuilder()
                        .setAccount("jaina")
                        .setPassword("theramore1")
                        .setName("Sneaky")
                        .setRace(1)
                        .setClass_(8)
                        .build()),
                Status.Code.PERMISSION_DENIED,
                "registration is disabled on this control plane");
    }

    @Test
    void aFloodOfWrongPasswordsFromOneAddressIsThrottledWhilePlayersFromAnotherLogIn() throws Exception {
        start(true);
        FakeNode.connect(internal, "node-1", 1000, "continent");
        login().registerAccount(RegisterAccountRequest.newBuilder()
                .setName("Varian")
                .setPassword("stormwind1")
                .build());
        login().createCharacter(PlayerCreateCharacterRequest.newBuilder()
                .setAccount("varian")
                .setPassword("stormwind1")
                .setName("Varian")
                .setRace(1)
                .setClass_(1)
                .build());
        final ManagedChannel attacker = from("127.0.0.3");
        final ManagedChannel player = from("127.0.0.2");
        try {
            final Map<Status.Code, Integer> answers = new EnumMap<>(Status.Code.class);
            for (int i = 0; i < 200; i++) {
                final String guess = "guess" + i;
                final Status.Code code = Status.fromThrowable(catchThrowable(() -> LoginGrpc.newBlockingStub(attacker)
                                .withDeadlineAfter(5, TimeUnit.SECONDS)
                                .login(LoginRequest.newBuilder()
                                        .setAccount(guess)
                                        .setPassword("wrong-password")
                                        .setCharacter("Varian")
                                        .build())))
                        .getCode();
                answers.merge(code, 1, Integer::sum);
            }
            // A handful of guesses were checked; everything after was refused before any hashing.
            assertThat(answers.get(Status.Code.UNAUTHENTICATED)).isBetween(1, LoginThrottle.FREE_FAILURES_PER_IP + 3);
            assertThat(answers.get(Status.Code.RESOURCE_EXHAUSTED)).isGreaterThan(180);
            assertThat(refusal(() -> LoginGrpc.newBlockingStub(attacker)
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .login(LoginRequest.newBuilder()
                                    .setAccount("varian")
                                    .setPassword("stormwind1")
                                    .setCharacter("Varian")
                                    .build())))
                    .matches("RESOURCE_EXHAUSTED: too many login attempts from your address; retry after \\d+ s");
            final LoginResponse response = await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(
                            () -> LoginGrpc.newBlockingStub(player)
                                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                                    .login(LoginRequest.newBuilder()
                                            .setAccount("varian")
                                            .setPassword("stormwind1")
                                            .setCharacter("Varian")
                                            .build()),
                            r -> true);
            assertThat(response.getNodeId()).isEqualTo("node-1");
        } finally {
            attacker.shutdownNow();
            player.shutdownNow();
        }
    }

    /** A channel to the control plane whose connections leave from {@code localAddress} (any of 127/8 on Linux). */
    private ManagedChannel from(final String localAddress) {
        return NettyChannelBuilder.forAddress(controlPlane.publicAddress().toSocketAddress())
                .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
                    @Override
                    public SocketAddress createSocketAddress(
                            final SocketAddress remoteAddress, final io.grpc.Attributes attrs) {
                        return new InetSocketAddress(localAddress, 0);
                    }
                })
                .usePlaintext()
                .build();
    }

    @Test
    void aDeadDatabaseIsAClearErrorNotAHang() {
        start(false);
        admin().createAccount(CreateAccountRequest.newBuilder()
                .setName("medivh")
                .setPassword("karazhan1")
                .build());
        postgres.process().stop();
        // The caller hears that the database failed, never where it is or what the driver said.
        final String unavailable = "UNAVAILABLE: the account database is unavailable; try again in a moment";
        assertThat(refusal(() -> admin().withDeadlineAfter(8, TimeUnit.SECONDS)
                        .createAccount(CreateAccountRequest.newBuilder()
                                .setName("khadgar")
                                .setPassword("karazhan2")
                                .build())))
                .isEqualTo(unavailable);
        // Calls first meet pooled connections the server closed, then find no server at all; each is
        // UNAVAILABLE within an 8 s deadline (the pool waits 3 s for a connection) instead of hanging.
        for (int i = 0; i < 2; i++) {
            final String login = refusal(() -> login().withDeadlineAfter(8, TimeUnit.SECONDS)
                    .login(LoginRequest.newBuilder()
                            .setAccount("medivh")
                            .setPassword("karazhan1")
                            .setCharacter("Medivh")
                            .build()));
            assertThat(login).isEqualTo(unavailable).doesNotContain("jdbc", "127.0.0.1", "Connection");
        }
    }

    @Test
    void withoutADatabaseLoginIsRefusedWithTheReason() {
        controlPlane = new ControlPlane(config(ControlPlaneConfig.Login.disabled())).start();
        channel = NettyChannelBuilder.forAddress(controlPlane.publicAddress().toSocketAddress())
                .usePlaintext()
                .build();
        internal = NettyChannelBuilder.forAddress(controlPlane.grpcAddress().toSocketAddress())
                .usePlaintext()
                .build();
        assertRefused(
                () -> login().login(LoginRequest.newBuilder().setAccount("a").build()),
                Status.Code.FAILED_PRECONDITION,
                "runs without a database (--db-url)");
        assertRefused(
                () -> admin().createAccount(
                                CreateAccountRequest.newBuilder().setName("abc").build()),
                Status.Code.FAILED_PRECONDITION,
                "runs without a database");
    }

    private void start(final boolean allowRegistration) {
        controlPlane = new ControlPlane(config(new ControlPlaneConfig.Login(
                        postgres.jdbcUrl(), credentials(), SIGNER, Duration.ofSeconds(60), allowRegistration, 1_000)))
                .start();
        channel = NettyChannelBuilder.forAddress(controlPlane.publicAddress().toSocketAddress())
                .usePlaintext()
                .build();
        internal = NettyChannelBuilder.forAddress(controlPlane.grpcAddress().toSocketAddress())
                .usePlaintext()
                .build();
    }

    private static KeyPair keyPair() {
        try {
            return KeyPairGenerator.getInstance(Ed25519TokenKeys.ALGORITHM).generateKeyPair();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ControlPlaneConfig config(final ControlPlaneConfig.Login login) {
        return new ControlPlaneConfig(
                "cp-login",
                List.of(URI.create(ETCD.endpoint())),
                "/login-" + UUID.randomUUID(),
                Duration.ofSeconds(10),
                HostPort.parse("127.0.0.1:0"),
                HostPort.parse("127.0.0.1:0"),
                Duration.ofSeconds(2),
                Duration.ofMillis(200),
                ControlPlaneConfig.Placement.defaults(),
                login);
    }

    private DatabaseCredentials credentials() {
        return new DatabaseCredentials(postgres.user(), postgres.password());
    }

    private LoginGrpc.LoginBlockingStub login() {
        return LoginGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    private AdminGrpc.AdminBlockingStub admin() {
        return AdminGrpc.newBlockingStub(internal).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    private static String refusal(final Runnable call) {
        try {
            call.run();
        } catch (final StatusRuntimeException e) {
            return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
        }
        throw new AssertionError("expected a refusal");
    }

    private static void assertRefused(final Runnable call, final Status.Code code, final String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(message);
        });
    }
}
