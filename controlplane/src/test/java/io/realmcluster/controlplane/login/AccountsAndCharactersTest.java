package io.realmcluster.controlplane.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.auth.NodeTokenKey;
import io.realmcluster.common.auth.PasswordHasher;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.proto.v1.Character;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.testkit.PostgresExtension;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The stores and the login service against a real PostgreSQL, with a router and a clock of the test's own. */
class AccountsAndCharactersTest {
    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    private static final NodeTokenKey TOKENS = NodeTokenKey.random(new SecureRandom());
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    private static Database database;
    private static AccountStore accounts;
    private static CharacterRoster characters;

    @BeforeAll
    static void migrate() {
        database = Database.open("test", PG.jdbcUrl(), new DatabaseCredentials(PG.user(), PG.password()), 2);
        database.migrate();
        accounts = new AccountStore(database, new PasswordHasher(1_000));
        characters = new CharacterRoster(database);
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void accountNamesAreCheckedAndUniqueRegardlessOfCase() {
        final String name = unique("Tirion");
        accounts.create(name, "light-bringer");
        assertThat(accounts.authenticate(name.toUpperCase(), "light-bringer")).isPresent();
        assertStatus(
                () -> accounts.create(name.toLowerCase(), "another-pass"),
                Status.Code.ALREADY_EXISTS,
                "account name '" + name.toLowerCase() + "' is taken");
        assertStatus(
                () -> accounts.create("ab", "long-enough"),
                Status.Code.INVALID_ARGUMENT,
                "account name must be 3 to 32 letters, digits or '_', got 'ab'");
        assertStatus(
                () -> accounts.create("has space", "long-enough"), Status.Code.INVALID_ARGUMENT, "got 'has space'");
        assertStatus(() -> accounts.create("x".repeat(33), "long-enough"), Status.Code.INVALID_ARGUMENT, "3 to 32");
        assertStatus(
                () -> accounts.create(unique("Short"), "1234567"),
                Status.Code.INVALID_ARGUMENT,
                "password must be 8 to 128 characters");
    }

    @Test
    void aWrongPasswordAndAnUnknownNameLookTheSame() {
        final String name = unique("Uther");
        accounts.create(name, "silver-hand");
        assertThat(accounts.authenticate(name, "silver-hand")).isPresent();
        assertThat(accounts.authenticate(name, "silver-hanD")).isEmpty();
        assertThat(accounts.authenticate(unique("Nobody"), "silver-hand")).isEmpty();
    }

    @Test
    void theHashIsStoredWithItsSaltAndIterationsAndNeverThePassword() throws SQLException {
        final String name = unique("Khadgar");
        accounts.create(name, "violet-citadel");
        final List<String> row = row("SELECT password_iterations, length(password_salt), length(password_hash), "
                + "position(convert_to('violet-citadel', 'UTF8') in password_hash) FROM account WHERE name = '" + name
                + "'");
        assertThat(row).containsExactly("1000", "16", "32", "0");
    }

    @Test
    void aNewCharacterIsOfflineAtEpochZeroAtItsRacesStart() throws SQLException {
        final long account = accounts.create(unique("Cairne"), "thunder-bluff").getAccountId();
        final Character tauren = characters.create(account, "main", "cAIRNE", 6, 11);
        assertThat(tauren.getName()).isEqualTo("Cairne");
        assertThat(tauren.getMapId()).isEqualTo(1);
        assertThat(tauren.getLevel()).isEqualTo(1);
        assertThat(row(
                        "SELECT state, epoch, save_seq, coalesce(owner_node, '-'), transfer_id IS NULL, map_id, x, y, z, money "
                                + "FROM character WHERE character_id = " + tauren.getCharacterId()))
                .containsExactly("OFFLINE", "0", "0", "-", "t", "1", "-2917.58", "-257.98", "52.99", "0");

        final Character human = characters.create(account, "main", "Anduinn", 1, 2);
        assertThat(row("SELECT map_id, x, y, z FROM character WHERE character_id = " + human.getCharacterId()))
                .containsExactly("0", "-8949.95", "-132.49", "83.53");
        final Character orc = characters.create(account, "main", "Grommash", 2, 1);
        assertThat(row("SELECT map_id, x, y, z FROM character WHERE character_id = " + orc.getCharacterId()))
                .containsExactly("1", "-618.52", "-4251.67", "38.72");
    }

    @Test
    void aRosterForDevelopmentCreatesCharactersAtItsLevel() throws SQLException {
        final long account = accounts.create(unique("Saurfang"), "kor-kron-1").getAccountId();
        final Character veteran = new CharacterRoster(database, 60).create(account, "main", "Varianlevel", 1, 1);
        assertThat(veteran.getLevel()).isEqualTo(60);
        assertThat(row("SELECT level FROM character WHERE character_id = " + veteran.getCharacterId()))
                .containsExactly("60");
    }

    @Test
    void badNamesRacesAndClassesAreRefusedWithTheValue() {
        final long account = accounts.create(unique("Varok"), "saurfang-1").getAccountId();
        assertStatus(
                () -> characters.create(account, "main", "X", 2, 1),
                Status.Code.INVALID_ARGUMENT,
                "character name must be 2 to 12 letters, got 'X'");
        assertStatus(
                () -> characters.create(account, "main", "Thirteenchars", 2, 1),
                Status.Code.INVALID_ARGUMENT,
                "'Thirteenchars'");
        assertStatus(() -> characters.create(account, "main", "Var0k", 2, 1), Status.Code.INVALID_ARGUMENT, "'Var0k'");
        assertStatus(
                () -> characters.create(account, "main", "Varok", 9, 1),
                Status.Code.INVALID_ARGUMENT,
                "unknown race 9; vanilla races are 1 to 8");
        assertStatus(
                () -> characters.create(account, "main", "Varok", 0, 1),
                Status.Code.INVALID_ARGUMENT,
                "unknown race 0");
        assertStatus(
                () -> characters.create(account, "main", "Varok", 2, 6),
                Status.Code.INVALID_ARGUMENT,
                "unknown class 6; vanilla classes are 1-5, 7-9 and 11");
        assertStatus(
                () -> characters.create(account, "main", "Varok", 2, 10),
                Status.Code.INVALID_ARGUMENT,
                "unknown class 10");
        assertStatus(
                () -> characters.create(account, "main", "Varok", 2, 2),
                Status.Code.INVALID_ARGUMENT,
                "race 2 (orc) cannot be class 2 in vanilla; its classes are [1, 3, 4, 7, 9]");
    }

    @Test
    void characterNamesAreUniquePerRealmRegardlessOfCase() {
        final long first = accounts.create(unique("Sylvanas"), "windrunner").getAccountId();
        final long second = accounts.create(unique("Alleria"), "windrunner").getAccountId();
        final String name = "Ranger" + (char) ('a' + (int) (first % 26));
        characters.create(first, "main", name, 4, 3);
        assertStatus(
                () -> characters.create(second, "main", name.toUpperCase(), 4, 3),
                Status.Code.ALREADY_EXISTS,
                "character name '" + name + "' is taken in realm main");
        assertThat(characters.create(second, "other", name, 4, 3).getRealm()).isEqualTo("other");
        assertThat(characters.find(first, "main", name.toLowerCase())).isPresent();
        assertThat(characters.find(second, "main", name))
                .as("another account's character")
                .isEmpty();
    }

    @Test
    void aTokenLivesForItsTtlAndIsForTheRoutedNodeOnly() {
        final String name = unique("Magni");
        final long account = accounts.create(name, "ironforge-1").getAccountId();
        final Character dwarf = characters.create(account, "main", "Magnib", 3, 2);
        final AtomicReference<String> asked = new AtomicReference<>();
        final CharacterRouter router = (realm, mapId, owner) -> {
            asked.set(realm + "/" + mapId + "/" + owner);
            return new CharacterRouter.Route(
                    "node-7",
                    Endpoint.newBuilder().setHost("10.0.0.7").setPort(8085).build(),
                    "main.0");
        };
        final LoginResponse response = call(service(router, false), name, "ironforge-1", "Magnib");
        assertThat(asked.get()).isEqualTo("main/0/");
        assertThat(response.getNodeId()).isEqualTo("node-7");
        assertThat(response.getNodeClient().getHost()).isEqualTo("10.0.0.7");
        assertThat(response.getCharacter().getCharacterId()).isEqualTo(dwarf.getCharacterId());
        assertThat(response.getExpiresAtUnixMs()).isEqualTo(NOW.toEpochMilli() + 30_000);

        final byte[] token = response.getSessionToken().toByteArray();
        final SessionToken.Verdict verdict =
                SessionToken.verify(token, id -> TOKENS, "node-7", NOW.toEpochMilli() + 29_999);
        assertThat(verdict.claims())
                .isEqualTo(new SessionToken.Claims(
                        account, dwarf.getCharacterId(), "main", "node-7", "main.0", 0, NOW.toEpochMilli() + 30_000));
        assertThat(SessionToken.verify(token, id -> TOKENS, "node-7", NOW.toEpochMilli() + 30_000)
                        .failure())
                .isEqualTo(SessionToken.Failure.EXPIRED);
        assertThat(SessionToken.verify(token, id -> TOKENS, "node-8", NOW.toEpochMilli())
                        .failure())
                .isEqualTo(SessionToken.Failure.WRONG_NODE);
    }

    @Test
    void aLoginOnABattlegroundsMapGoesHomeToWhereTheCharacterEnteredIt() throws SQLException {
        final String name = unique("Tirion");
        final long account = accounts.create(name, "hearthglen-1").getAccountId();
        final AtomicReference<String> asked = new AtomicReference<>();
        final CharacterRouter router = (realm, mapId, owner) -> {
            asked.set(realm + "/" + mapId);
            return new CharacterRouter.Route(
                    "node-1",
                    Endpoint.newBuilder().setHost("10.0.0.1").setPort(8085).build(),
                    realm + "." + mapId);
        };
        // Entered Warsong Gulch from Ashenvale (map 1); its battleground's node then crashed.
        final Character entered = characters.create(account, "main", "Tirionf", 1, 2);
        sql("UPDATE character SET map_id = 489, instance_id = 'bg.489.m1', x = 1500, y = 1480, z = 352,"
                + " bg_match_id = 'm1', bg_entry_map_id = 1, bg_entry_instance_id = '', bg_entry_x = 2700.5,"
                + " bg_entry_y = -400.25, bg_entry_z = 110, bg_entry_orientation = 1.5 WHERE character_id = "
                + entered.getCharacterId());
        final LoginResponse home = call(service(router, false), name, "hearthglen-1", "Tirionf");
        assertThat(asked.get()).isEqualTo("main/1");
        assertThat(home.getCharacter().getMapId()).isEqualTo(1);
        assertThat(row("SELECT map_id, instance_id, x, y, z, orientation, coalesce(bg_match_id, '-'),"
                        + " bg_entry_map_id IS NULL, epoch, state FROM character WHERE character_id = "
                        + entered.getCharacterId()))
                .containsExactly("1", "", "2700.5", "-400.25", "110", "1.5", "-", "t", "0", "OFFLINE");

        // On a battleground's map with no entry point recorded: where its race begins (Northshire).
        final Character lost = characters.create(account, "main", "Lostone", 1, 2);
        sql("UPDATE character SET map_id = 30, x = 1, y = 2, z = 3 WHERE character_id = " + lost.getCharacterId());
        assertThat(call(service(router, false), name, "hearthglen-1", "Lostone")
                        .getCharacter()
                        .getMapId())
                .isZero();
        assertThat(row("SELECT map_id, x, y, z FROM character WHERE character_id = " + lost.getCharacterId()))
                .containsExactly("0", "-8949.95", "-132.49", "83.53");

        // Played by a node right now: the row is the node's; the login changes nothing (the claim decides).
        final Character playing = characters.create(account, "main", "Playing", 1, 2);
        sql(
                "UPDATE character SET map_id = 529, state = 'ONLINE', owner_node = 'node-9', epoch = 3 WHERE character_id = "
                        + playing.getCharacterId());
        call(service(router, false), name, "hearthglen-1", "Playing");
        assertThat(row("SELECT map_id, state, epoch FROM character WHERE character_id = " + playing.getCharacterId()))
                .containsExactly("529", "ONLINE", "3");
    }

    @Test
    void aRouterThatCannotPlaceTheCharacterIsPassedOnWithItsReason() {
        final String name = unique("Rokhan");
        accounts.create(name, "darkspear-1");
        characters.create(
                accounts.authenticate(name, "darkspear-1").orElseThrow().getAccountId(), "main", "Rokhanb", 8, 3);
        final CharacterRouter full = (realm, mapId, owner) -> {
            throw Status.RESOURCE_EXHAUSTED
                    .withDescription("the continent pool is full")
                    .asRuntimeException();
        };
        assertStatus(
                () -> call(service(full, false), name, "darkspear-1", "Rokhanb"),
                Status.Code.RESOURCE_EXHAUSTED,
                "the continent pool is full");
        assertStatus(
                () -> call(service(full, false), name, "darkspear-1", "Nobodyhere"),
                Status.Code.NOT_FOUND,
                "no character 'Nobodyhere' on this account in realm main");
    }

    @Test
    void aLoginWithinTheGraceGoesBackIntoItsMatchAndOneAfterItGoesHomeWithDeserter() throws SQLException {
        final String name = unique("Rexxar");
        final long account = accounts.create(name, "mishas-den-1").getAccountId();
        final AtomicReference<String> asked = new AtomicReference<>();
        final CharacterRouter router = (realm, mapId, owner) -> {
            asked.set(realm + "/" + mapId);
            return new CharacterRouter.Route(
                    "node-1",
                    Endpoint.newBuilder().setHost("10.0.0.1").setPort(8085).build(),
                    realm + "." + mapId);
        };
        final Character orc = characters.create(account, "main", "Rexxarb", 2, 1);
        sql("UPDATE character SET map_id = 489, instance_id = 'bg.489.m2', x = 1500, y = 1480, z = 352,"
                + " bg_match_id = 'm2', bg_entry_map_id = 1, bg_entry_instance_id = '', bg_entry_x = 10,"
                + " bg_entry_y = 20, bg_entry_z = 30, bg_entry_orientation = 0 WHERE character_id = "
                + orc.getCharacterId());
        final AtomicReference<String> matchAsked = new AtomicReference<>();
        final CharacterRouter.Route bgNode = new CharacterRouter.Route(
                "bg-node",
                Endpoint.newBuilder().setHost("10.0.0.9").setPort(8085).build(),
                "bg.489.m2");
        final LoginResponse back = call(
                service(router, (realm, id, matchId) -> {
                    matchAsked.set(realm + "/" + id + "/" + matchId);
                    return new MatchReturns.Return(bgNode, 0);
                }),
                name,
                "mishas-den-1",
                "Rexxarb");
        assertThat(matchAsked.get()).isEqualTo("main/" + orc.getCharacterId() + "/m2");
        assertThat(asked.get()).as("no continent route asked").isNull();
        assertThat(back.getNodeId()).isEqualTo("bg-node");
        assertThat(back.getInstanceId()).isEqualTo("bg.489.m2");
        assertThat(row("SELECT map_id, bg_match_id, deserter_until IS NULL FROM character WHERE character_id = "
                        + orc.getCharacterId()))
                .as("left as it was saved, for the battleground's node to claim")
                .containsExactly("489", "m2", "t");

        // Past the grace: home to its entry point, with Deserter until the time the match decided.
        final long until = NOW.toEpochMilli() + 900_000;
        final LoginResponse home = call(
                service(router, (realm, id, matchId) -> MatchReturns.Return.home(until)),
                name,
                "mishas-den-1",
                "Rexxarb");
        assertThat(home.getNodeId()).isEqualTo("node-1");
        assertThat(asked.get()).isEqualTo("main/1");
        assertThat(row("SELECT map_id, x, bg_match_id IS NULL, (extract(epoch FROM deserter_until) * 1000)::bigint"
                        + " FROM character WHERE character_id = " + orc.getCharacterId()))
                .containsExactly("1", "10", "t", Long.toString(until));
    }

    private static LoginService service(final CharacterRouter router, final MatchReturns returns) {
        return new LoginService(
                accounts,
                characters,
                router,
                TOKENS,
                MapCatalog.vanilla(List.of("main", "other")),
                false,
                Duration.ofSeconds(30),
                Clock.fixed(NOW, ZoneOffset.UTC),
                new LoginGuard(
                        LoginLimits.defaults(),
                        Clock.fixed(NOW, ZoneOffset.UTC),
                        new PrometheusRegistry(),
                        Runnable::run),
                returns);
    }

    private static LoginService service(final CharacterRouter router, final boolean allowRegistration) {
        return new LoginService(
                accounts,
                characters,
                router,
                TOKENS,
                MapCatalog.vanilla(List.of("main", "other")),
                allowRegistration,
                Duration.ofSeconds(30),
                Clock.fixed(NOW, ZoneOffset.UTC),
                new LoginGuard(
                        LoginLimits.defaults(),
                        Clock.fixed(NOW, ZoneOffset.UTC),
                        new PrometheusRegistry(),
                        Runnable::run));
    }

    /** One Login call straight on the service; its error thrown as the client would see it. */
    private static LoginResponse call(
            final LoginService service, final String account, final String password, final String character) {
        final AtomicReference<LoginResponse> result = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        service.login(
                LoginRequest.newBuilder()
                        .setAccount(account)
                        .setPassword(password)
                        .setRealm("main")
                        .setCharacter(character)
                        .build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(final LoginResponse value) {
                        result.set(value);
                    }

                    @Override
                    public void onError(final Throwable t) {
                        error.set(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        if (error.get() != null) {
            throw (StatusRuntimeException) error.get();
        }
        return result.get();
    }

    private static String unique(final String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void sql(final String sql) throws SQLException {
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate(sql))
                    .as("rows changed by %s", sql)
                    .isEqualTo(1);
        }
    }

    private static List<String> row(final String sql) throws SQLException {
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).as("a row for %s", sql).isTrue();
            final List<String> values = new ArrayList<>();
            for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
                values.add(result.getString(i));
            }
            return values;
        }
    }

    private static void assertStatus(final Runnable call, final Status.Code code, final String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(message);
        });
    }
}
