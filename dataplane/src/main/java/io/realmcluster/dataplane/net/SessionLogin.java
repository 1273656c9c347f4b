package io.realmcluster.dataplane.net;

import io.realmcluster.common.auth.Ed25519TokenKeys;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.dataplane.store.CharacterKey;
import io.realmcluster.dataplane.store.ClaimRefused;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.RealmTable;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.dataplane.world.WorldSettings;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.v1.MapKind;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a connection becomes a player, on its session's event loop: HELLO's version and token, the claim of
 * the character (the store's, fenced by the epoch the token names, or a transfer's that came first), then
 * WELCOME, and an ENTER_WORLD that came before it, into the instance the token names only. One HELLO at a time
 * per character: a second one while the character has a session here is refused (a reconnecting client waits
 * for its old session to end: it logs out, its connection closes, or it times out). A standby connection waits
 * here for its character's transfer, whose offer brings the key to check its token with. The event loop's
 * alone, plain fields; the session's state changes through the session's one transition point.
 */
final class SessionLogin {
    private static final Logger LOG = LoggerFactory.getLogger(SessionLogin.class);
    /** The longest a standby connection waits for its character, whatever its token says. */
    private static final long MAX_STANDBY_MILLIS = 300_000;
    /** What WELCOME announces when the map the client enters is not known yet: most logins enter a continent. */
    private static final int LOGIN_TICK_HZ =
            WorldSettings.forKind(MapKind.MAP_KIND_CONTINENT).tickHz();

    private final ClientSession session;
    private final SessionContext context;

    /** The account the token names; a standby session takes only a transfer of that account's character. */
    private long accountId;

    private long tokenExpiresAtMillis;
    /** The instance the token names: the only one ENTER_WORLD may enter. */
    private String tokenInstance;
    /** The character's epoch the token names: a login's claim requires it current. */
    private long tokenEpoch;
    /** A standby connection's token, checked once its character's transfer brings its source's key. */
    private byte[] standbyToken;
    /** The character as the claim gave it, once claimed. */
    private ClaimedCharacter claimed;
    /** Set when this client arrives from a transfer: where it enters. */
    private Arrivals.Arrival arrival;
    /** An ENTER_WORLD that came while the claim ran. */
    private String enterWhenClaimed;
    /** This login took the character from another session of this node, which may still be on the map. */
    private boolean replacedAnother;
    /** The character went back to its map with LOGOUT: the map saves it, the session gives nothing back. */
    private boolean loggedOut;

    SessionLogin(final ClientSession session, final SessionContext context) {
        this.session = session;
        this.context = context;
    }

    void hello(final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
        if (!admit(version, token, tokenOffset, tokenLength, false)) {
            return;
        }
        final ClientSessions.Hello held = context.sessions().hello(session.characterId(), session);
        if (held == ClientSessions.Hello.HELD) {
            session.disconnect(
                    DisconnectReason.DUPLICATE_LOGIN,
                    "this character has a session on this node already; log in again once it has ended");
            return;
        }
        // The closed session this one replaced may not have left its map yet: the join takes the character over.
        replacedAnother = held == ClientSessions.Hello.REPLACED_CLOSED;
        session.transition(SessionState.CLAIMING, "HELLO");
        final long characterId = session.characterId();
        final Arrivals.Arrival expected =
                context.arrivals().peek(characterId, context.epochClock().time());
        // A transfer's token names the epoch the transfer claimed the character at: only it takes the claim.
        final Arrivals.Arrival arrived = expected != null
                        && expected.claim().accountId() == accountId
                        && expected.claim().epoch() == tokenEpoch
                ? context.arrivals().take(expected)
                : null;
        if (arrived != null) {
            // Transferred here: the transfer's claim is this login's.
            arrival = arrived;
            claimed(arrived.claim(), null);
            return;
        }
        if (!context.claims()
                .claim(characterId, accountId, tokenEpoch, session.channel().eventLoop(), this::claimed)) {
            session.disconnect(
                    DisconnectReason.DATABASE_UNAVAILABLE, "too many logins at once on this node; try again");
        }
    }

    /**
     * A second connection of a player whose map moves here: it waits until the character's
     * transfer is claimed on this node, then goes on as the transferred client's HELLO would (and an
     * ENTER_WORLD sent right behind it enters the map at once), so the hand-over needs no reconnect.
     * Nothing is claimed for it: the player plays on at its node meanwhile. It waits until its token
     * expires at most, then is told STANDBY_ENDED.
     */
    void standbyHello(final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
        if (!admit(version, token, tokenOffset, tokenLength, true)) {
            return;
        }
        if (!context.sessions().standBy(session.characterId(), session)) {
            session.disconnect(
                    DisconnectReason.DUPLICATE_LOGIN, "this character stands by on another connection already");
            return;
        }
        session.transition(SessionState.STANDBY, "STANDBY_HELLO");
        context.metrics().standby(ClientMetrics.STANDBY_OPENED);
        session.expireIn(
                Math.min(
                        MAX_STANDBY_MILLIS,
                        tokenExpiresAtMillis - context.epochClock().time()),
                DisconnectReason.STANDBY_ENDED,
                "the character did not come to this node in time; play on where it is");
        // The transfer may have been claimed before this connection came.
        arrive();
    }

    /**
     * Check a HELLO's version and token and give the session its id; false once the session is
     * closed with the reason it was refused.
     */
    private boolean admit(
            final int version,
            final DirectBuffer token,
            final int tokenOffset,
            final int tokenLength,
            final boolean standby) {
        if (session.state() != SessionState.NEW) {
            session.disconnect(DisconnectReason.OUT_OF_ORDER, "HELLO twice");
            return false;
        }
        final HelloVerdict verdict = HelloVerdict.check(
                version,
                token,
                tokenOffset,
                tokenLength,
                standby,
                context.tokens(),
                context.nodeId(),
                context.epochClock(),
                context.metrics());
        if (!verdict.admitted()) {
            session.disconnect(verdict.refusal(), verdict.text());
            return false;
        }
        final long characterId = verdict.claims().characterId();
        if (characterId <= 0 || characterId > CharacterKey.MAX_ID) {
            session.disconnect(
                    DisconnectReason.CHARACTER_UNAVAILABLE, "no character " + characterId + " can play here");
            return false;
        }
        // Identity is (realm, character id): two realm databases issue the same ids.
        final long key = context.claims().realms().key(verdict.claims().realm(), characterId);
        if (key < 0) {
            LOG.info(
                    "login of character {} of realm {} refused: no database of that realm here",
                    characterId,
                    verdict.claims().realm());
            session.disconnect(
                    DisconnectReason.CHARACTER_UNAVAILABLE,
                    RealmTable.noDatabase(verdict.claims().realm()));
            return false;
        }
        final long sessionId = context.sessions().register(session);
        if (sessionId < 0) {
            session.disconnect(DisconnectReason.MAP_FULL, "this node has no room for another session");
            return false;
        }
        accountId = verdict.claims().accountId();
        tokenExpiresAtMillis = verdict.claims().expiresAtMillis();
        tokenInstance = verdict.claims().instanceId();
        tokenEpoch = verdict.claims().epoch();
        standbyToken = standby ? verdict.token() : null;
        session.admitted(sessionId, key);
        return true;
    }

    /** Standing by and the character's transfer was claimed: go on as its transferred client. */
    void arrive() {
        if (session.state() != SessionState.STANDBY) {
            return;
        }
        final long characterId = session.characterId();
        final long now = context.epochClock().time();
        final Arrivals.Arrival expected = context.arrivals().peek(characterId, now);
        if (expected == null || expected.claim().accountId() != accountId) {
            return;
        }
        final SessionToken.Verdict verdict = context.tokens()
                .admitStandby(standbyToken, Ed25519TokenKeys.verifier(expected.standbyKey()), context.nodeId(), now);
        if (!verdict.valid()) {
            // Not the token the character's old node gave its client: that client comes with its transfer's token.
            session.disconnect(
                    verdict.failure() == SessionToken.Failure.REPLAYED
                            ? DisconnectReason.TOKEN_REPLAYED
                            : DisconnectReason.BAD_TOKEN,
                    "standby token refused: not given by the node the character came from");
            return;
        }
        final Arrivals.Arrival arrived = context.arrivals().take(expected);
        if (arrived == null) {
            return;
        }
        context.sessions().releaseStandby(characterId, session);
        context.metrics().standby(ClientMetrics.STANDBY_ENTERED);
        arrival = arrived;
        session.transition(SessionState.CLAIMING, "its transfer was claimed here");
        claimed(arrived.claim(), null);
    }

    /** The character store answered the claim. */
    private void claimed(final ClaimedCharacter character, final ClaimRefused refused) {
        if (session.state() != SessionState.CLAIMING) {
            // The client left while the claim ran: give the character back.
            if (character != null) {
                context.claims().release(character);
            }
            return;
        }
        if (refused != null) {
            LOG.info("login of character {} refused: {}", session.characterId(), refused.getMessage());
            final boolean database = refused.reason() == ClaimRefused.Reason.DATABASE;
            session.disconnect(
                    database ? DisconnectReason.DATABASE_UNAVAILABLE : DisconnectReason.CHARACTER_UNAVAILABLE,
                    database ? "the character database is unavailable; try again" : refused.getMessage());
            return;
        }
        claimed = character;
        session.transition(SessionState.AUTHENTICATED, "character claimed");
        context.metrics().loggedIn();
        final ClientSession replaced = context.sessions().claimCharacter(session.characterId(), session);
        if (replaced != null && replaced != session) {
            replacedAnother = true;
            replaced.kick(DisconnectReason.DUPLICATE_LOGIN, "this character logged in again elsewhere");
        }
        session.welcome(welcomeTickHz());
        if (enterWhenClaimed != null) {
            session.enter(enterWhenClaimed);
        }
    }

    /** The tick rate WELCOME announces: that of the map the client enters, when it is known by then. */
    private int welcomeTickHz() {
        final String instance =
                enterWhenClaimed != null ? enterWhenClaimed : arrival != null ? arrival.instanceId() : null;
        final InstanceHost.Running running =
                instance == null ? null : context.instances().instance(instance);
        return running == null ? LOGIN_TICK_HZ : running.world().settings().tickHz();
    }

    /**
     * Keep an ENTER_WORLD sent right behind HELLO until the claim is done (standing by: until the transfer's);
     * false when this login is not waiting for a claim, or already keeps one.
     */
    boolean enterWhenClaimed(final String instance) {
        final SessionState state = session.state();
        if ((state == SessionState.CLAIMING || state == SessionState.STANDBY) && enterWhenClaimed == null) {
            enterWhenClaimed = instance;
            return true;
        }
        return false;
    }

    /** Whether the token lets this session enter {@code instance}: the one it names, only (true before HELLO: out of order). */
    boolean tokenAllows(final String instance) {
        return tokenInstance == null || tokenInstance.equals(instance);
    }

    String tokenInstance() {
        return tokenInstance;
    }

    /** The character as claimed for this login, or null before. */
    ClaimedCharacter claimed() {
        return claimed;
    }

    /** The transfer this client came with, or null. */
    Arrivals.Arrival arrival() {
        return arrival;
    }

    boolean replacedAnother() {
        return replacedAnother;
    }

    /** The character went back to its map with LOGOUT, which saves it. */
    void loggedOut() {
        loggedOut = true;
    }

    /** The connection is gone and no map has the character (a map would save it as it left): give it back. */
    void giveBack() {
        if (claimed != null && !loggedOut) {
            context.claims().release(claimed);
        }
    }
}
