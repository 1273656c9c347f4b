package io.realmcluster.controlplane.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.realmcluster.common.auth.Ed25519TokenKeys;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.auth.TokenKey;
import io.realmcluster.common.auth.TokenSigner;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.db.RealmDatabase;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.controlplane.ControlPlane;
import io.realmcluster.controlplane.ControlPlaneConfig;
import io.realmcluster.controlplane.FakeNode;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.proto.v1.AdminGrpc;
import io.realmcluster.proto.v1.Character;
import io.realmcluster.proto.v1.CheckInvariantsRequest;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.v1.InvariantResult;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two realms, {@code main} in the accounts database and {@code second} in a database of its own:
 * the account in one place, each realm's characters in its own database with ids of their own,
 * a login per realm, and the invariant check over both databases.
 */
class RealmDatabasesTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    /** One PostgreSQL per test, holding both databases. */
    @RegisterExtension
    final PostgresExtension postgres = new PostgresExtension();

    private static final KeyPair KEYS = keyPair();
    private static final TokenSigner SIGNER = Ed25519TokenKeys.signer(KEYS.getPrivate(), KEYS.getPublic());

    private ControlPlane controlPlane;
    private ManagedChannel channel;
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
    void eachRealmKeepsItsCharactersInItsOwnDatabaseAndLogsInFromIt() throws SQLException {
        final String secondUrl = createDatabase("realm_second");
        start(Map.of("second", new RealmDatabase("second", secondUrl, credentials())));
        FakeNode.connect(internal, "node-1", 1000, "continent");
        admin().createAccount(CreateAccountRequest.newBuilder()
                .setName("Varian")
                .setPassword("stormwind1")
                .build());
        final Character inMain = createCharacter("main");
        final Character inSecond = createCharacter("second");
        // Each database issues its own ids: the same id in both, told apart by the realm.
        assertThat(inMain.getCharacterId()).isEqualTo(1);
        assertThat(inSecond.getCharacterId()).isEqualTo(1);
        final String accountsDb = postgres.jdbcUrl();
        final String secondDb = secondUrl;
        assertThat(query(accountsDb, "SELECT realm || ' ' || name FROM character"))
                .containsExactly("main Anduin");
        assertThat(query(secondDb, "SELECT realm || ' ' || name || ' ' || account_id FROM character"))
                .containsExactly("second Anduin " + inSecond.getAccountId());
        assertThat(query(secondDb, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'account'"))
                .as("accounts live only in the accounts database")
                .containsExactly("0");

        // A claim in second's database moves only that character's epoch; each login reads its own realm's row.
        execute(secondDb, "UPDATE character SET epoch = 5 WHERE character_id = 1");
        final LoginResponse second = login("second");
        final LoginResponse main = login("main");
        assertThat(second.getInstanceId()).startsWith("second.");
        assertThat(main.getInstanceId()).startsWith("main.");
        final TokenKey key = Ed25519TokenKeys.verifier(KEYS.getPublic());
        final SessionToken.Claims secondClaims = SessionToken.verify(
                        second.getSessionToken().toByteArray(),
                        id -> id == key.id() ? key : null,
                        "node-1",
                        System.currentTimeMillis())
                .claims();
        assertThat(secondClaims.realm()).isEqualTo("second");
        assertThat(secondClaims.characterId()).isEqualTo(1);
        assertThat(secondClaims.epoch()).isEqualTo(5);
        assertThat(main.getCharacter().getEpoch()).isZero();

        // realmctl check covers every realm's database, each named in its results.
        final InvariantReport healthy = admin().checkInvariants(CheckInvariantsRequest.getDefaultInstance());
        assertThat(healthy.getOk()).as(healthy.toString()).isTrue();
        assertThat(healthy.getResultsList())
                .extracting(InvariantResult::getName)
                .contains("main/characters_owned_by_live_nodes", "second/characters_owned_by_live_nodes");
        execute(secondDb, "UPDATE character SET state = 'ONLINE', owner_node = 'node-gone' WHERE character_id = 1");
        final InvariantReport broken = admin().checkInvariants(CheckInvariantsRequest.getDefaultInstance());
        assertThat(broken.getOk()).isFalse();
        assertThat(broken.getResultsList())
                .filteredOn(result -> !result.getOk())
                .singleElement()
                .satisfies(result -> {
                    assertThat(result.getName()).isEqualTo("second/characters_owned_by_live_nodes");
                    assertThat(result.getViolationsList()).containsExactly("1 Anduin is ONLINE on node-gone");
                });
    }

    @Test
    void aRealmDatabaseThatIsDownStopsTheStartNamingTheRealm() {
        final String down = "jdbc:postgresql://127.0.0.1:" + FreePorts.find() + "/second";
        assertThatThrownBy(() -> start(Map.of("second", new RealmDatabase("second", down, credentials()))))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith(
                        "realm second's database (--realm-db second=...): cannot connect to the database at " + down);
    }

    private void start(final Map<String, RealmDatabase> realmDatabases) {
        final ControlPlaneConfig.Login login = new ControlPlaneConfig.Login(
                        postgres.jdbcUrl(), credentials(), SIGNER, Duration.ofSeconds(60), false, 1_000)
                .withRealmDatabases(realmDatabases);
        controlPlane = new ControlPlane(new ControlPlaneConfig(
                        "cp-realms",
                        List.of(URI.create(ETCD.endpoint())),
                        "/realms-" + UUID.randomUUID(),
                        Duration.ofSeconds(10),
                        HostPort.parse("127.0.0.1:0"),
                        HostPort.parse("127.0.0.1:0"),
                        Duration.ofSeconds(2),
                        Duration.ofMillis(200),
                        new ControlPlaneConfig.Placement(
                                List.of("main", "second"), Duration.ofSeconds(5), Duration.ofMinutes(5), null, false),
                        login))
                .start();
        channel = NettyChannelBuilder.forAddress(controlPlane.publicAddress().toSocketAddress())
                .usePlaintext()
                .build();
        internal = NettyChannelBuilder.forAddress(controlPlane.grpcAddress().toSocketAddress())
                .usePlaintext()
                .build();
    }

    private Character createCharacter(final String realm) {
        return admin().createCharacter(CreateCharacterRequest.newBuilder()
                .setAccount("varian")
                .setRealm(realm)
                .setName("Anduin")
                .setRace(1)
                .setClass_(1)
                .build());
    }

    private LoginResponse login(final String realm) {
        // The continent is placed on node-1 shortly after the node's link opens.
        return await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(
                        () -> LoginGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(15, TimeUnit.SECONDS)
                                .login(LoginRequest.newBuilder()
                                        .setAccount("Varian")
                                        .setPassword("stormwind1")
                                        .setRealm(realm)
                                        .setCharacter("Anduin")
                                        .build()),
                        response -> true);
    }

    private AdminGrpc.AdminBlockingStub admin() {
        return AdminGrpc.newBlockingStub(internal).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    private DatabaseCredentials credentials() {
        return new DatabaseCredentials(postgres.user(), postgres.password());
    }

    private String createDatabase(final String name) throws SQLException {
        execute(postgres.jdbcUrl(), "CREATE DATABASE " + name);
        return postgres.process().jdbcUrl(name);
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
