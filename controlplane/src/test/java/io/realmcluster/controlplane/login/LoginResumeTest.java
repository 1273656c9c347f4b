package io.realmcluster.controlplane.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
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
import io.realmcluster.proto.v1.ResumeRequest;
import io.realmcluster.testkit.PostgresExtension;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Login's resume credential and Resume, on the service against a real PostgreSQL, with a router of the test's. */
class LoginResumeTest {
    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    private static final NodeTokenKey TOKENS = NodeTokenKey.random(new SecureRandom());
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static Database database;
    private static AccountStore accounts;
    private static CharacterRoster characters;
    /** Where the router sends characters now; null: their map is not running (UNAVAILABLE). */
    private static final AtomicReference<String> RUNNING_ON = new AtomicReference<>("node-1");

    private static LoginService service;
    /** The same, with resumes that wait for their map ({@link #waits}, checked when the test says). */
    private static LoginService waiting;

    private static RouteWaits waits;
    /** How far the waits' clock runs ahead of the service's: past a wait's deadline, to end it. */
    private static volatile long waitClockAhead;

    @BeforeAll
    static void migrate() {
        database = Database.open("test", PG.jdbcUrl(), new DatabaseCredentials(PG.user(), PG.password()), 2);
        database.migrate();
        accounts = new AccountStore(database, new PasswordHasher(1_000));
        characters = new CharacterRoster(database);
        final CharacterRouter router = (realm, mapId, owner) -> {
            final String node = RUNNING_ON.get();
            if (node == null) {
                throw new RouteNotReady(
                        realm, mapId, "no live node runs continent " + realm + "." + mapId + " yet; retry shortly");
            }
            return new CharacterRouter.Route(
                    node,
                    Endpoint.newBuilder().setHost("127.0.0.1").setPort(9000).build(),
                    realm + "." + mapId);
        };
        waits = new RouteWaits(router, 10, () -> System.nanoTime() + waitClockAhead, null, new PrometheusRegistry());
        waiting = service(router).waitingForRoutes(waits);
        service = service(router);
    }

    private static LoginService service(final CharacterRouter router) {
        return new LoginService(
                        accounts,
                        characters,
                        router,
                        TOKENS,
                        MapCatalog.vanilla(List.of("main")),
                        false,
                        Duration.ofSeconds(30),
                        CLOCK,
                        new LoginGuard(LoginLimits.defaults(), CLOCK, new PrometheusRegistry(), Runnable::run))
                .resuming(
                        new ResumeCredentials(database, CLOCK, Duration.ofHours(12)),
                        new ResumeGuard(CLOCK, new PrometheusRegistry(), Runnable::run));
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void aDeadNodesPlayerResumesOnTheNodeThatNowRunsItsMapWithANewCredential() {
        final Player player = player("Jaina");
        final LoginResponse login = login(player);
        assertThat(login.getResumeCredential().size()).isEqualTo(ResumeCredentials.BYTES);
        assertThat(login.getResumeExpiresAtUnixMs())
                .isEqualTo(NOW.toEpochMilli() + Duration.ofHours(12).toMillis());

        // Its node died and the leader has not moved the map yet: retry, and the credential still works.
        RUNNING_ON.set(null);
        try {
            assertThatThrownBy(() -> resume(login.getCharacter(), login.getResumeCredential()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        } finally {
            RUNNING_ON.set("node-2");
        }
        final LoginResponse resumed = resume(login.getCharacter(), login.getResumeCredential());
        assertThat(resumed.getNodeId()).isEqualTo("node-2");
        assertThat(resumed.getResumeCredential()).isNotEqualTo(login.getResumeCredential());
        final SessionToken.Verdict verdict = SessionToken.verify(
                resumed.getSessionToken().toByteArray(), id -> TOKENS, "node-2", NOW.toEpochMilli());
        assertThat(verdict.claims().accountId()).isEqualTo(player.accountId());
        assertThat(verdict.claims().characterId())
                .isEqualTo(login.getCharacter().getCharacterId());
        RUNNING_ON.set("node-1");

        // The old one is spent; presented again it also revokes the new one.
        assertUnauthenticated(() -> resume(login.getCharacter(), login.getResumeCredential()));
        assertUnauthenticated(() -> resume(login.getCharacter(), resumed.getResumeCredential()));
    }

    @Test
    void aResumeWhoseContinentDoesNotRunYetWaitsForItAndIsAnsweredTheMomentItDoes() {
        final LoginResponse login = login(player("Varian"));
        final Answer answer = new Answer();
        RUNNING_ON.set(null);
        try {
            waiting.resume(resumeRequest(login.getCharacter(), login.getResumeCredential()), answer);
            assertThat(answer.done())
                    .as("no answer while the continent does not run")
                    .isFalse();
            assertThat(waits.waiting()).isEqualTo(1);
            waits.check();
            assertThat(answer.done()).as("still loading").isFalse();

            RUNNING_ON.set("node-2");
            waits.check();
        } finally {
            RUNNING_ON.set("node-1");
        }
        assertThat(answer.error.get()).isNull();
        assertThat(answer.result.get().getNodeId())
                .as("routed where the continent runs now")
                .isEqualTo("node-2");
        assertThat(answer.result.get().getResumeCredential()).isNotEqualTo(login.getResumeCredential());
        assertThat(waits.waiting()).isZero();
    }

    @Test
    void aResumeThatWaitedInVainIsToldToTryAgainAndKeepsAWorkingCredential() {
        final LoginResponse login = login(player("Tyrande"));
        final Answer answer = new Answer();
        RUNNING_ON.set(null);
        try {
            waiting.resume(resumeRequest(login.getCharacter(), login.getResumeCredential()), answer);
            waitClockAhead = LoginService.MAX_ROUTE_WAIT.toNanos() + 1;
            waits.check();
        } finally {
            waitClockAhead = 0;
            RUNNING_ON.set("node-1");
        }
        assertThat(answer.error.get()).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).contains("retry shortly");
        });
        assertThat(waits.waiting()).isZero();
        assertThat(resume(login.getCharacter(), login.getResumeCredential()).getNodeId())
                .as("the credential was not spent by the wait")
                .isEqualTo("node-1");
    }

    @Test
    void anotherCharactersCredentialIsRefused() {
        final LoginResponse mine = login(player("Thrall"));
        final LoginResponse theirs = login(player("Garrosh"));
        assertUnauthenticated(() -> resume(theirs.getCharacter(), mine.getResumeCredential()));
        assertThat(resume(mine.getCharacter(), mine.getResumeCredential()).getNodeId())
                .isEqualTo("node-1");
    }

    @Test
    void aCharacterResumingTooOftenIsToldToTryAgain() {
        final LoginResponse login = login(player("Rexxar"));
        final ByteString wrong = ByteString.copyFrom(new byte[ResumeCredentials.BYTES]);
        for (int i = 0; i < ResumeGuard.BURST; i++) {
            assertUnauthenticated(() -> resume(login.getCharacter(), wrong));
        }
        assertThatThrownBy(() -> resume(login.getCharacter(), login.getResumeCredential()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("try again");
                });
    }

    private record Player(String account, long accountId, String character) {}

    private static Player player(final String name) {
        final String account = name + "_" + UUID.randomUUID().toString().substring(0, 8);
        final long id = accounts.create(account, "password-1").getAccountId();
        final String character = name.substring(0, 4) + (char) ('a' + (int) (id % 26)) + (char) ('a' + (id / 26) % 26);
        characters.create(id, "main", character, 1, 1);
        return new Player(account, id, character);
    }

    private static LoginResponse login(final Player player) {
        return call(
                (request, observer) -> service.login(request, observer),
                LoginRequest.newBuilder()
                        .setAccount(player.account())
                        .setPassword("password-1")
                        .setRealm("main")
                        .setCharacter(player.character())
                        .build());
    }

    private static LoginResponse resume(final Character character, final ByteString credential) {
        return call((request, observer) -> service.resume(request, observer), resumeRequest(character, credential));
    }

    private static ResumeRequest resumeRequest(final Character character, final ByteString credential) {
        return ResumeRequest.newBuilder()
                .setRealm("main")
                .setCharacterId(character.getCharacterId())
                .setCredential(credential)
                .build();
    }

    /** An answer that may come later, from another call's thread. */
    private static final class Answer implements StreamObserver<LoginResponse> {
        final AtomicReference<LoginResponse> result = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        boolean done() {
            return result.get() != null || error.get() != null;
        }

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
    }

    private static <R> LoginResponse call(final BiConsumer<R, StreamObserver<LoginResponse>> rpc, final R request) {
        final Answer answer = new Answer();
        rpc.accept(request, answer);
        if (answer.error.get() != null) {
            throw (StatusRuntimeException) answer.error.get();
        }
        return answer.result.get();
    }

    private static void assertUnauthenticated(final Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getStatus().getDescription()).isEqualTo(ResumeCredentials.REFUSED);
        });
    }
}
