package io.realmcluster.controlplane.characters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.realmcluster.common.auth.Ed25519TokenKeys;
import io.realmcluster.common.auth.TokenSigner;
import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.db.RealmDatabase;
import io.realmcluster.common.db.RealmDatabases;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.controlplane.ControlPlane;
import io.realmcluster.controlplane.ControlPlaneConfig;
import io.realmcluster.controlplane.FakeNode;
import io.realmcluster.proto.v1.AdminGrpc;
import io.realmcluster.proto.v1.CheckInvariantsRequest;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.v1.InvariantResult;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.proto.v1.TransferCharacterRequest;
import io.realmcluster.proto.v1.TransferCharacterResponse;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.testkit.PostgresExtension;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A character moves from realm {@code main} (in the accounts database) to realm {@code second} (a
 * database of its own) through the real control plane's Admin API: whole and once, refused with a
 * reason when it cannot, and finished after a control plane that failed at any step.
 */
class RealmMovesTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final PostgresExtension postgres = new PostgresExtension();

    private static final KeyPair KEYS = keyPair();
    private static final TokenSigner SIGNER = Ed25519TokenKeys.signer(KEYS.getPrivate(), KEYS.getPublic());

    private final String prefix = "/moves-" + UUID.randomUUID();
    private String secondUrl;
    private ControlPlane controlPlane;
    private ManagedChannel channel;
    private ManagedChannel internal;

    @BeforeEach
    void databases() throws SQLException {
        execute(postgres.jdbcUrl(), "CREATE DATABASE realm_second");
        secondUrl = postgres.process().jdbcUrl("realm_second");
    }

    @AfterEach
    void tearDown() {
        stop();
    }

    @Test
    void aMoveTakesItemsMoneyAndLedgerIntoTheOtherRealmAndLeavesATombstoneThatRefusesLogins() throws SQLException {
        start(step -> {});
        final long thrall = createWithLoot("Thrall", 1234, 2);

        final TransferCharacterResponse moved = transfer("Thrall", "");
        assertThat(moved.getAlreadyDone()).isFalse();
        assertThat(moved.getCharacterId()).isEqualTo(thrall);
        assertThat(moved.getToName()).isEqualTo("Thrall");
        assertThat(moved.getMoney()).isEqualTo(1234);
        assertThat(moved.getItems()).isEqualTo(2);

        assertThat(query(
                        secondUrl,
                        "SELECT realm || ' ' || name || ' ' || money || ' ' || level || ' ' || arrived_from_realm || ' '"
                                + " || arrived_from_character_id FROM character WHERE character_id = "
                                + moved.getToCharacterId()))
                .containsExactly("second Thrall 1234 12 main " + thrall);
        assertThat(query(
                        secondUrl,
                        "SELECT template_id || ' from ' || arrived_from_item_id FROM item WHERE character_id = "
                                + moved.getToCharacterId() + " ORDER BY template_id"))
                .as("the items, with new ids of realm second, name the ids they had in main")
                .containsExactly("2770 from 2", "4540 from 1");
        assertThat(query(
                        secondUrl,
                        "SELECT source || ' ' || money_delta || ' ' || cardinality(items_created) || ' ' || move_id"
                                + " FROM ledger"))
                .containsExactly("move-in 1234 2 " + moved.getMoveId());
        assertThat(query(
                        postgres.jdbcUrl(),
                        "SELECT state || ' ' || money || ' ' || moved_to_realm || ' ' || moved_to_character_id"
                                + " FROM character WHERE character_id = " + thrall))
                .containsExactly("MOVED 0 second " + moved.getToCharacterId());
        assertThat(query(postgres.jdbcUrl(), "SELECT count(*) FROM item")).containsExactly("0");
        assertThat(query(
                        postgres.jdbcUrl(),
                        "SELECT source || ' ' || money_delta || ' ' || cardinality(items_destroyed) FROM ledger "
                                + "ORDER BY entry_id"))
                .as("the source's ledger keeps its history and says where money and items went")
                .containsExactly("loot 1234 0", "move-out -1234 2");

        final TransferCharacterResponse again = transfer("Thrall", "");
        assertThat(again.getAlreadyDone()).isTrue();
        assertThat(again.getToCharacterId()).isEqualTo(moved.getToCharacterId());
        assertThat(again.getMoney()).isEqualTo(1234);
        assertThat(query(secondUrl, "SELECT count(*) FROM character")).containsExactly("1");

        assertThatThrownBy(() -> login("main", "Thrall")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription())
                    .isEqualTo("character Thrall moved to realm second as Thrall; log in there");
        });
        assertThat(login("second", "Thrall").getCharacter().getCharacterId()).isEqualTo(moved.getToCharacterId());
        // A node's login claim on the tombstone, had it a token, is refused by the database itself.
        assertThatThrownBy(() -> execute(
                        postgres.jdbcUrl(),
                        "UPDATE character SET epoch = epoch + 1, owner_node = 'node-1', state = 'ONLINE' "
                                + "WHERE character_id = " + thrall))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(
                        "character " + thrall + " moved to realm second as Thrall: it cannot change here");
        assertHealthy(1);
    }

    @Test
    void anOnlineCharacterIsRefusedAndNothingChanges() throws SQLException {
        start(step -> {});
        final long thrall = createWithLoot("Thrall", 10, 1);
        execute(
                postgres.jdbcUrl(),
                "UPDATE character SET state = 'ONLINE', owner_node = 'node-1', epoch = 1 WHERE character_id = "
                        + thrall);

        assertRefused(
                () -> transfer("Thrall", ""),
                Status.Code.FAILED_PRECONDITION,
                "character Thrall of realm main is online on node node-1; it moves only offline: log out first");
        assertThat(query(postgres.jdbcUrl(), "SELECT state || ' ' || epoch FROM character"))
                .containsExactly("ONLINE 1");
        assertThat(query(secondUrl, "SELECT count(*) FROM character")).containsExactly("0");
    }

    @Test
    void aTakenNameIsRefusedAndANewNameCheckedAsAtCreationWorks() throws SQLException {
        start(step -> {});
        createWithLoot("Thrall", 50, 1);
        createCharacter("second", "Thrall");

        assertRefused(
                () -> transfer("Thrall", ""),
                Status.Code.ALREADY_EXISTS,
                "the name Thrall is taken in realm second; choose another with --new-name");
        assertRefused(
                () -> transfer("Thrall", "x1"),
                Status.Code.INVALID_ARGUMENT,
                "character name must be 2 to 12 letters, got 'x1'");
        assertRefused(
                () -> admin().transferCharacter(request("Thrall", "main", "")),
                Status.Code.INVALID_ARGUMENT,
                "character Thrall is in realm main already; name another realm to move it to");
        assertRefused(
                () -> admin().transferCharacter(request("Thrall", "third", "")),
                Status.Code.NOT_FOUND,
                "unknown realm 'third'; this control plane serves [main, second]");
        assertRefused(() -> transfer("Garrosh", ""), Status.Code.NOT_FOUND, "no character 'Garrosh' in realm main");
        assertThat(query(postgres.jdbcUrl(), "SELECT state FROM character")).containsExactly("OFFLINE");

        final TransferCharacterResponse renamed = transfer("Thrall", "gARROSH");
        assertThat(renamed.getToName()).isEqualTo("Garrosh");
        assertThat(query(secondUrl, "SELECT name FROM character ORDER BY character_id"))
                .containsExactly("Thrall", "Garrosh");
        assertRefused(
                () -> transfer("Thrall", "Saurfang"),
                Status.Code.FAILED_PRECONDITION,
                "character Thrall of realm main moved to realm second as Garrosh already");
        assertHealthy(1);
    }

    /** A control plane failing at a step (its transaction rolled back, as when killed) leaves the character in one realm. */
    @ParameterizedTest
    @ValueSource(strings = {MoveFailpoints.AFTER_MARK, MoveFailpoints.AFTER_LANDING, MoveFailpoints.AFTER_TOMBSTONE})
    void aMoveInterruptedAtAStepIsFinishedByTheNextCall(final String failingStep) throws SQLException {
        start(failAt(failingStep));
        final long thrall = createWithLoot("Thrall", 700, 3);
        assertThatThrownBy(() -> transfer("Thrall", "")).isInstanceOf(StatusRuntimeException.class);
        final boolean landed = !failingStep.equals(MoveFailpoints.AFTER_MARK);
        final boolean tombstone = failingStep.equals(MoveFailpoints.AFTER_TOMBSTONE);
        assertThat(query(postgres.jdbcUrl(), "SELECT state FROM character"))
                .containsExactly(tombstone ? "MOVED" : "MOVING");
        // The target's landing and the source's tombstone are each all or nothing.
        assertThat(query(secondUrl, "SELECT count(*) FROM character")).containsExactly(landed ? "1" : "0");
        assertThat(query(secondUrl, "SELECT count(*) FROM item")).containsExactly(landed ? "3" : "0");
        assertThat(query(postgres.jdbcUrl(), "SELECT count(*) FROM item")).containsExactly(tombstone ? "0" : "3");
        assertHealthy(1);
        if (!tombstone) {
            assertRefused(
                    () -> login("main", "Thrall"),
                    Status.Code.UNAVAILABLE,
                    "character Thrall is moving to realm second as Thrall; log in there shortly");
        }

        // A new control plane (a restart) is asked again: it finishes the move, once.
        stop();
        start(step -> {});
        final TransferCharacterResponse finished = transfer("Thrall", "");
        assertThat(finished.getAlreadyDone()).isEqualTo(tombstone);
        assertThat(finished.getCharacterId()).isEqualTo(thrall);
        assertThat(finished.getMoney()).isEqualTo(700);
        assertThat(finished.getItems()).isEqualTo(3);
        assertThat(query(secondUrl, "SELECT name || ' ' || money FROM character"))
                .containsExactly("Thrall 700");
        assertThat(query(secondUrl, "SELECT count(*) FROM item")).containsExactly("3");
        assertThat(query(postgres.jdbcUrl(), "SELECT state FROM character")).containsExactly("MOVED");
        assertHealthy(1);
    }

    @Test
    void aMoveLeftHalfWayIsFinishedByTheLeadersSweep() throws SQLException {
        start(failAt(MoveFailpoints.AFTER_LANDING));
        createWithLoot("Thrall", 99, 1);
        assertThatThrownBy(() -> transfer("Thrall", "")).isInstanceOf(StatusRuntimeException.class);
        stop();

        start(step -> {});
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> query(postgres.jdbcUrl(), "SELECT state FROM character"),
                        rows -> rows.equals(List.of("MOVED")));
        assertThat(query(secondUrl, "SELECT name || ' ' || money FROM character"))
                .containsExactly("Thrall 99");
        assertHealthy(1);
    }

    @Test
    void theCheckFindsACharacterLiveInTwoRealmsAndATombstoneWithoutItsTarget() throws SQLException {
        start(step -> {});
        createWithLoot("Thrall", 5, 0);
        final TransferCharacterResponse moved = transfer("Thrall", "");
        // Damage a tombstone's target as a bad restore could: the tombstone now points at nothing...
        execute(
                secondUrl,
                "UPDATE character SET arrived_by_move = gen_random_uuid() WHERE character_id = "
                        + moved.getToCharacterId());

        final InvariantReport report = admin().checkInvariants(CheckInvariantsRequest.getDefaultInstance());
        assertThat(report.getOk()).isFalse();
        assertThat(result(report, "moves_land_once").getViolationsList())
                .hasSize(2)
                .anySatisfy(v -> assertThat(v).contains("main/1 Thrall moved to realm second", "which is not there"))
                .anySatisfy(v -> assertThat(v).contains("the character lives in two realms"));
    }

    @Test
    void aNameTakenInTheTargetBetweenTheCheckAndTheLandingCallsTheMoveOffAndTheCharacterStays() throws SQLException {
        // Right after the mark, someone creates a Thrall in realm second.
        start(step -> {
            if (step.equals(MoveFailpoints.AFTER_MARK)) {
                createCharacter("second", "Thrall");
            }
        });
        final long thrall = createWithLoot("Thrall", 40, 1);

        assertRefused(
                () -> transfer("Thrall", ""),
                Status.Code.ALREADY_EXISTS,
                "the name Thrall was taken in realm second meanwhile; the move is called off and the character "
                        + "stays in realm main; ask again with --new-name");
        assertThat(query(
                        postgres.jdbcUrl(),
                        "SELECT state || ' ' || epoch || ' ' || money || ' ' || (move_id IS NULL) FROM character"
                                + " WHERE character_id = " + thrall))
                .as("offline again, at an epoch past the mark's: a token of before the move stays stale")
                .containsExactly("OFFLINE 2 40 true");
        assertThat(query(secondUrl, "SELECT name || ' ' || (arrived_by_move IS NULL) FROM character"))
                .containsExactly("Thrall true");
        assertThat(query(postgres.jdbcUrl(), "SELECT count(*) FROM item")).containsExactly("1");
        assertHealthy(0);
    }

    @Test
    void twoReplicasMovingOneCharacterAtOnceLandItOnceAndBothAnswerTheSameMove() throws Exception {
        start(step -> {});
        final String[] names = {"Thrall", "Garrosh", "Saurfang", "Nazgrel", "Rexxar"};
        for (final String name : names) {
            createWithLoot(name, 300, 2);
        }
        try (RealmDatabases databases = RealmDatabases.open(
                "race",
                Database.open("race-accounts", postgres.jdbcUrl(), credentials(), 4),
                List.of("main", "second"),
                Map.of("second", new RealmDatabase("second", secondUrl, credentials())),
                null,
                4)) {
            // Two replicas: each its own RealmMoves, sharing nothing but the databases.
            final RealmMoves one = new RealmMoves(databases, "controlplane/one", step -> {});
            final RealmMoves other = new RealmMoves(databases, "controlplane/other", step -> {});
            final ExecutorService callers = Executors.newFixedThreadPool(2);
            try {
                for (final String name : names) {
                    final CyclicBarrier together = new CyclicBarrier(2);
                    final RealmMoves.Request request = new RealmMoves.Request("main", name, "second", "");
                    final Future<RealmMoves.Result> first = callers.submit(() -> {
                        together.await();
                        return one.move(request);
                    });
                    final Future<RealmMoves.Result> second = callers.submit(() -> {
                        together.await();
                        return other.move(request);
                    });
                    final RealmMoves.Result a = first.get(30, TimeUnit.SECONDS);
                    final RealmMoves.Result b = second.get(30, TimeUnit.SECONDS);
                    assertThat(a.moveId()).isEqualTo(b.moveId());
                    assertThat(a.toCharacterId()).isEqualTo(b.toCharacterId());
                    assertThat(List.of(a.alreadyDone(), b.alreadyDone()))
                            .as("one call did the move, the other answered it")
                            .contains(false);
                    assertThat(a.money()).isEqualTo(300);
                    assertThat(b.items()).isEqualTo(2);
                }
            } finally {
                callers.shutdownNow();
            }
        }
        assertThat(query(secondUrl, "SELECT count(*) FROM character")).containsExactly("5");
        assertThat(query(secondUrl, "SELECT count(*) FROM item")).containsExactly("10");
        assertHealthy(5);
    }

    private void assertHealthy(final int moves) {
        final InvariantReport report = admin().checkInvariants(CheckInvariantsRequest.getDefaultInstance());
        assertThat(report.getOk()).as(report.toString()).isTrue();
        assertThat(result(report, "moves_land_once").getChecked()).isEqualTo(moves);
    }

    private static InvariantResult result(final InvariantReport report, final String name) {
        return report.getResultsList().stream()
                .filter(result -> result.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static Consumer<String> failAt(final String failing) {
        return step -> {
            if (step.equals(failing)) {
                throw new IllegalStateException("failpoint " + step);
            }
        };
    }

    private static void assertRefused(final Runnable call, final Status.Code code, final String description) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).isEqualTo(description);
        });
    }

    /** A level-12 character of main with money and items, each explained by its ledger. */
    private long createWithLoot(final String name, final long money, final int items) throws SQLException {
        final long id = createCharacter("main", name);
        final StringBuilder created = new StringBuilder();
        final int[] templates = {4540, 2770, 2589};
        for (int i = 0; i < items; i++) {
            execute(
                    postgres.jdbcUrl(),
                    "INSERT INTO item (character_id, template_id, slot) VALUES (" + id + ", " + templates[i] + ", " + i
                            + ")");
        }
        execute(
                postgres.jdbcUrl(),
                "UPDATE character SET level = 12, money = " + money + " WHERE character_id = " + id);
        execute(
                postgres.jdbcUrl(),
                "INSERT INTO ledger (character_id, money_delta, items_created, source, node, epoch) SELECT " + id + ", "
                        + money
                        + ", coalesce(array_agg(item_id), '{}'), 'loot', 'node-1', 0 FROM item WHERE character_id = "
                        + id);
        return id;
    }

    private long createCharacter(final String realm, final String name) {
        return admin().createCharacter(CreateCharacterRequest.newBuilder()
                        .setAccount("varian")
                        .setRealm(realm)
                        .setName(name)
                        .setRace(2)
                        .setClass_(1)
                        .build())
                .getCharacterId();
    }

    private TransferCharacterResponse transfer(final String name, final String newName) {
        return admin().transferCharacter(request(name, "second", newName));
    }

    private static TransferCharacterRequest request(final String name, final String toRealm, final String newName) {
        return TransferCharacterRequest.newBuilder()
                .setRealm("main")
                .setName(name)
                .setToRealm(toRealm)
                .setNewName(newName)
                .build();
    }

    private LoginResponse login(final String realm, final String character) {
        final LoginRequest request = LoginRequest.newBuilder()
                .setAccount("Varian")
                .setPassword("stormwind1")
                .setRealm(realm)
                .setCharacter(character)
                .build();
        // The continent is placed on node-1 shortly after the node's link opens; a refusal is an answer.
        return await().atMost(Duration.ofSeconds(10))
                .ignoreExceptionsMatching(e -> e instanceof StatusRuntimeException s
                        && s.getStatus().getCode() == Status.Code.UNAVAILABLE
                        && s.getStatus().getDescription().startsWith("cannot route"))
                .until(
                        () -> LoginGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(15, TimeUnit.SECONDS)
                                .login(request),
                        response -> true);
    }

    private void start(final Consumer<String> steps) {
        final ControlPlaneConfig.Login login = new ControlPlaneConfig.Login(
                        postgres.jdbcUrl(), credentials(), SIGNER, Duration.ofSeconds(60), false, 1_000)
                .withRealmDatabases(Map.of("second", new RealmDatabase("second", secondUrl, credentials())));
        controlPlane = new ControlPlane(
                        new ControlPlaneConfig(
                                "cp-moves",
                                List.of(URI.create(ETCD.endpoint())),
                                prefix,
                                Duration.ofSeconds(10),
                                HostPort.parse("127.0.0.1:0"),
                                HostPort.parse("127.0.0.1:0"),
                                Duration.ofSeconds(2),
                                Duration.ofMillis(200),
                                new ControlPlaneConfig.Placement(
                                        List.of("main", "second"),
                                        Duration.ofSeconds(5),
                                        Duration.ofMinutes(5),
                                        null,
                                        false),
                                login),
                        steps)
                .start();
        channel = NettyChannelBuilder.forAddress(controlPlane.publicAddress().toSocketAddress())
                .usePlaintext()
                .build();
        internal = NettyChannelBuilder.forAddress(controlPlane.grpcAddress().toSocketAddress())
                .usePlaintext()
                .build();
        FakeNode.connect(internal, "node-1", 1000, "continent");
        try {
            admin().createAccount(CreateAccountRequest.newBuilder()
                    .setName("Varian")
                    .setPassword("stormwind1")
                    .build());
        } catch (final StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        }
    }

    private void stop() {
        if (channel != null) {
            channel.shutdownNow();
            channel = null;
        }
        if (internal != null) {
            internal.shutdownNow();
            internal = null;
        }
        if (controlPlane != null) {
            controlPlane.close();
            controlPlane = null;
        }
    }

    private AdminGrpc.AdminBlockingStub admin() {
        return AdminGrpc.newBlockingStub(internal).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    private DatabaseCredentials credentials() {
        return new DatabaseCredentials(postgres.user(), postgres.password());
    }

    private void execute(final String url, final String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private List<String> query(final String url, final String sql) throws SQLException {
        final List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }

    private static KeyPair keyPair() {
        try {
            return KeyPairGenerator.getInstance(Ed25519TokenKeys.ALGORITHM).generateKeyPair();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
