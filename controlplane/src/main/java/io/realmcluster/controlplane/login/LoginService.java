package io.realmcluster.controlplane.login;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.auth.TokenSigner;
import io.realmcluster.common.grpc.ClientAddress;
import io.realmcluster.common.log.LogSafe;
import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.proto.v1.Account;
import io.realmcluster.proto.v1.Character;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.proto.v1.PlayerCreateCharacterRequest;
import io.realmcluster.proto.v1.RegisterAccountRequest;
import io.realmcluster.proto.v1.ResumeRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What game clients call before a node: registration (when the operator allows it), character
 * creation on one's own account, and login, which routes the character to the node of its map
 * and signs a session token that node accepts (with the control plane's private key: nodes only verify),
 * bound to that node, the instance and the character's epoch as read here. Every password check goes
 * through the {@link LoginGuard}: throttled per address and account, on a bounded pool. With
 * {@link #resuming}, Login also hands out a resume credential, and Resume turns it into a new session
 * without the password (through the {@link ResumeGuard}).
 */
public final class LoginService extends LoginGrpc.LoginImplBase {
    private static final String WRONG_CREDENTIALS = "wrong account name or password";
    /** The longest a Resume waits for its map to run: a dead node's continents run elsewhere within seconds. */
    static final Duration MAX_ROUTE_WAIT = Duration.ofSeconds(8);
    /** What a waiting Resume leaves of its call's deadline, to answer in. */
    static final Duration ROUTE_WAIT_MARGIN = Duration.ofSeconds(1);
    /** Why accounts and login are refused by a replica started without --db-url. */
    public static final Status NO_DATABASE =
            Status.FAILED_PRECONDITION.withDescription("this control plane runs without a database (--db-url)");

    private static final Status REGISTRATION_DISABLED =
            Status.PERMISSION_DENIED.withDescription("registration is disabled on this control plane");

    private final AccountStore accounts;
    private final CharacterRoster characters;
    private final CharacterRouter router;
    private final TokenSigner tokens;
    private final MapCatalog catalog;
    private final boolean allowRegistration;
    private final Duration tokenTtl;
    private final Clock clock;
    private final LoginGuard guard;
    private final MatchReturns matchReturns;
    /** Null until {@link #resuming}: Login issues no credential and Resume is refused. */
    private ResumeCredentials resumes;

    private ResumeGuard resumeGuard;
    /** Null unless {@link #waitingForRoutes}: a Resume whose map does not run yet is answered at once. */
    private RouteWaits routeWaits;

    /** Serves logins from these stores; tokens for the routed node live for {@code tokenTtl}. */
    public LoginService(
            final AccountStore accounts,
            final CharacterRoster characters,
            final CharacterRouter router,
            final TokenSigner tokens,
            final MapCatalog catalog,
            final boolean allowRegistration,
            final Duration tokenTtl,
            final Clock clock,
            final LoginGuard guard) {
        this(
                accounts,
                characters,
                router,
                tokens,
                catalog,
                allowRegistration,
                tokenTtl,
                clock,
                guard,
                MatchReturns.HOME);
    }

    /**
     * The same, with {@code matchReturns} deciding where a character saved in a battleground's match goes:
     * back into the match's instance (a disconnect within the grace) or home.
     */
    public LoginService(
            final AccountStore accounts,
            final CharacterRoster characters,
            final CharacterRouter router,
            final TokenSigner tokens,
            final MapCatalog catalog,
            final boolean allowRegistration,
            final Duration tokenTtl,
            final Clock clock,
            final LoginGuard guard,
            final MatchReturns matchReturns) {
        this.matchReturns = matchReturns;
        this.accounts = accounts;
        this.characters = characters;
        this.router = router;
        this.tokens = tokens;
        this.catalog = catalog;
        this.allowRegistration = allowRegistration;
        this.tokenTtl = tokenTtl;
        this.clock = clock;
        this.guard = guard;
    }

    /**
     * Issue resume credentials at Login and serve Resume with them, behind {@code guard}; called once,
     * before the service serves.
     */
    public LoginService resuming(final ResumeCredentials credentials, final ResumeGuard guard) {
        this.resumes = credentials;
        this.resumeGuard = guard;
        return this;
    }

    /**
     * A Resume whose map does not run yet waits for it in {@code waits}, up to {@link #MAX_ROUTE_WAIT}, instead of
     * being answered UNAVAILABLE at once; called once, before the service serves.
     */
    public LoginService waitingForRoutes(final RouteWaits waits) {
        this.routeWaits = waits;
        return this;
    }

    /** What a replica without a database serves: every call refused with the reason. */
    public static LoginGrpc.LoginImplBase withoutDatabase() {
        return new LoginGrpc.LoginImplBase() {
            @Override
            public void registerAccount(final RegisterAccountRequest request, final StreamObserver<Account> response) {
                response.onError(NO_DATABASE.asRuntimeException());
            }

            @Override
            public void createCharacter(
                    final PlayerCreateCharacterRequest request, final StreamObserver<Character> response) {
                response.onError(NO_DATABASE.asRuntimeException());
            }

            @Override
            public void login(final LoginRequest request, final StreamObserver<LoginResponse> response) {
                response.onError(NO_DATABASE.asRuntimeException());
            }

            @Override
            public void resume(final ResumeRequest request, final StreamObserver<LoginResponse> response) {
                response.onError(NO_DATABASE.asRuntimeException());
            }
        };
    }

    @Override
    public void registerAccount(final RegisterAccountRequest request, final StreamObserver<Account> response) {
        if (!allowRegistration) {
            response.onError(REGISTRATION_DISABLED.asRuntimeException());
            return;
        }
        guard.registration(
                ClientAddress.current(), response, () -> accounts.create(request.getName(), request.getPassword()));
    }

    @Override
    public void createCharacter(final PlayerCreateCharacterRequest request, final StreamObserver<Character> response) {
        if (!allowRegistration) {
            response.onError(REGISTRATION_DISABLED.asRuntimeException());
            return;
        }
        guard.authenticated(ClientAddress.current(), request.getAccount(), response, () -> {
            final Account account = authenticate(request.getAccount(), request.getPassword());
            return characters.create(
                    account.getAccountId(),
                    realm(request.getRealm()),
                    request.getName(),
                    request.getRace(),
                    request.getClass_());
        });
    }

    @Override
    public void login(final LoginRequest request, final StreamObserver<LoginResponse> response) {
        guard.authenticated(ClientAddress.current(), request.getAccount(), response, () -> {
            final Account account = authenticate(request.getAccount(), request.getPassword());
            final String realm = realm(request.getRealm());
            final Character found = characters
                    .find(account.getAccountId(), realm, request.getCharacter())
                    .orElseThrow(() -> Status.NOT_FOUND
                            .withDescription("no character '" + LogSafe.safe(request.getCharacter())
                                    + "' on this account in realm " + realm)
                            .asRuntimeException());
            final LoginResponse.Builder entered = enter(account.getAccountId(), realm, found);
            if (resumes != null) {
                // A password login replaces whatever credential the character had, live or spent.
                final ResumeCredentials.Issued issued =
                        resumes.issue(account.getAccountId(), realm, found.getCharacterId());
                entered.setResumeCredential(ByteString.copyFrom(issued.credential()))
                        .setResumeExpiresAtUnixMs(issued.expiresAtMillis());
            }
            return entered.build();
        });
    }

    @Override
    public void resume(final ResumeRequest request, final StreamObserver<LoginResponse> response) {
        if (resumes == null) {
            response.onError(Status.FAILED_PRECONDITION
                    .withDescription("this control plane does not resume sessions; log in with the password")
                    .asRuntimeException());
            return;
        }
        final String realm;
        try {
            // Resolved before the bucket is keyed: "" and the realm's name are one character's one bucket.
            realm = realm(request.getRealm());
        } catch (final StatusRuntimeException unknown) {
            response.onError(unknown);
            return;
        }
        final long waitUntil = System.nanoTime() + routeWaitNanos(Context.current());
        resumeGuard.submit(
                realm, request.getCharacterId(), response, () -> resumeOnce(realm, request, response, waitUntil));
    }

    /**
     * One try of a Resume, on the resume pool in the call's context. A map that does not run yet (its node just
     * died) is waited for until {@code waitUntilNanos} ({@link RouteWaits}), and the resume tried again once it does.
     */
    private void resumeOnce(
            final String realm,
            final ResumeRequest request,
            final StreamObserver<LoginResponse> response,
            final long waitUntilNanos) {
        final LoginResponse resumed;
        try {
            resumed = resumeNow(realm, request);
        } catch (final RouteNotReady notReady) {
            final Context call = Context.current();
            final boolean waiting = routeWaits != null
                    && !call.isCancelled()
                    && System.nanoTime() - waitUntilNanos < 0
                    && routeWaits.await(
                            notReady.key(),
                            waitUntilNanos,
                            () -> resumeGuard.retry(
                                    call.wrap(() -> resumeOnce(realm, request, response, waitUntilNanos))),
                            () -> response.onError(notReady));
            if (!waiting) {
                response.onError(notReady);
            }
            return;
        } catch (final StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        response.onNext(resumed);
        response.onCompleted();
    }

    private LoginResponse resumeNow(final String realm, final ResumeRequest request) {
        requireCallLive();
        final byte[] credential = request.getCredential().toByteArray();
        final long accountId = resumes.holder(realm, request.getCharacterId(), credential);
        final Character found =
                characters.findById(accountId, realm, request.getCharacterId()).orElseThrow(ResumeCredentials::refused);
        // Routed before the credential is spent: while the map is not running yet (UNAVAILABLE, retry) the
        // client keeps a credential that works.
        final LoginResponse.Builder entered = enter(accountId, realm, found);
        // The caller gave up: spending now would leave it holding a spent credential.
        requireCallLive();
        final ResumeCredentials.Issued issued = resumes.rotate(realm, found.getCharacterId(), accountId, credential);
        return entered.setResumeCredential(ByteString.copyFrom(issued.credential()))
                .setResumeExpiresAtUnixMs(issued.expiresAtMillis())
                .build();
    }

    /** The resume's call has not ended (its caller gave up, or its deadline passed); else DEADLINE_EXCEEDED. */
    private static void requireCallLive() {
        if (Context.current().isCancelled()) {
            throw Status.DEADLINE_EXCEEDED
                    .withDescription("the call ended before its resume; try again")
                    .asRuntimeException();
        }
    }

    /**
     * How long a resume may wait for its map to run: {@link #MAX_ROUTE_WAIT} at most, and no longer than the
     * call's deadline allows with {@link #ROUTE_WAIT_MARGIN} left to answer; 0 without waits.
     */
    private long routeWaitNanos(final Context call) {
        if (routeWaits == null) {
            return 0;
        }
        long wait = MAX_ROUTE_WAIT.toNanos();
        if (call.getDeadline() != null) {
            wait = Math.min(wait, call.getDeadline().timeRemaining(TimeUnit.NANOSECONDS) - ROUTE_WAIT_MARGIN.toNanos());
        }
        return Math.max(0, wait);
    }

    /**
     * Where {@code found} of {@code accountId} enters the world now: the node that runs its map (or its
     * match, within the disconnect grace) and a token for it; the same for Login and Resume.
     */
    private LoginResponse.Builder enter(final long accountId, final String realm, final Character found) {
        final MatchReturns.Return back = matchReturn(found);
        final Character character = back.rejoins() ? found : characters.bringHome(found, back.deserterUntilMillis());
        // Characters are not saved with a group yet: no owner, so an instance map leads to its entrance.
        final CharacterRouter.Route route =
                back.rejoins() ? back.route() : router.route(realm, character.getMapId(), "", character.getX());
        final long expires = clock.millis() + tokenTtl.toMillis();
        final byte[] token = SessionToken.issue(
                tokens,
                new SessionToken.Claims(
                        accountId,
                        character.getCharacterId(),
                        realm,
                        route.nodeId(),
                        route.instanceId(),
                        character.getEpoch(),
                        expires));
        return LoginResponse.newBuilder()
                .setCharacter(character)
                .setNodeId(route.nodeId())
                .setNodeClient(route.client())
                .setInstanceId(route.instanceId())
                .setSessionToken(ByteString.copyFrom(token))
                .setExpiresAtUnixMs(expires);
    }

    /** For a character saved on a battleground's map: back into its match, or home (maybe with Deserter). */
    private MatchReturns.Return matchReturn(final Character character) {
        if (!CharacterRoster.isBattleground(character.getMapId())) {
            return MatchReturns.Return.home(0);
        }
        final String matchId = characters.matchOf(character).orElse("");
        return matchId.isEmpty()
                ? MatchReturns.Return.home(0)
                : matchReturns.of(character.getRealm(), character.getCharacterId(), matchId);
    }

    private Account authenticate(final String name, final String password) {
        return accounts.authenticate(name, password)
                .orElseThrow(() -> Status.UNAUTHENTICATED
                        .withDescription(WRONG_CREDENTIALS)
                        .asRuntimeException());
    }

    /** The realm asked for, or the only one served when none was named. */
    private String realm(final String requested) {
        if (requested.isEmpty() && catalog.realms().size() == 1) {
            return catalog.realms().get(0);
        }
        if (!catalog.servesRealm(requested)) {
            throw Status.NOT_FOUND
                    .withDescription("unknown realm '" + LogSafe.safe(requested) + "'; this control plane serves "
                            + catalog.realms())
                    .asRuntimeException();
        }
        return requested;
    }

    /** Run a call's body, turning every failure into a status with a message. */
    static <T> void answer(final StreamObserver<T> response, final Supplier<T> body) {
        final T result;
        try {
            result = body.get();
        } catch (final StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
