package io.realmcluster.tools.bots;

import static io.realmcluster.proto.client.ClientProtocol.LENGTH_PREFIX;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One headless game client: connects to its node with the token from Login, enters the world,
 * then walks, fights, loots and chats, driven by its loop's 20 Hz tick. Everything after Login
 * runs on its loop's thread; the counters are read by the fleet once the loops have stopped.
 *
 * <p>Its life is a {@link State}, changed by {@link #transition} alone; what it does in the world is
 * {@link BotPlay}'s, its connections to nodes are {@link BotConnections}', and {@link BotMessages}
 * decodes what the node sends.
 */
final class Bot {
    private static final Logger LOG = LoggerFactory.getLogger(Bot.class);
    /** From connecting to WORLD_ENTERED. */
    private static final long ENTER_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);
    /**
     * How long a REDIRECT to the node the bot stands by at waits for the standby connection to be let
     * in before it is followed as a reconnect (a REDIRECT that is not the hand-over, say).
     */
    private static final long STANDBY_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Where a bot is in its life; NEW until its Login answered. */
    enum State {
        NEW,
        CONNECTING,
        HANDSHAKE,
        ENTERING,
        IN_WORLD,
        REDIRECTING,
        /** Its node connection broke while in the world: on its way back through Login.Resume. */
        RESUMING,
        LOGGING_OUT,
        DONE
    }

    final int index;
    final String account;
    final String password;
    final String character;
    final BotLoop loop;
    final BotPlay play;
    /** Its battleground life: queues, invites, the objective. */
    final BotBattleground battleground;
    /** The steps of the bot's way into a battleground, timed. */
    final BotEntryPhases entry = new BotEntryPhases();

    private final BotFleet fleet;
    private final BotConnections connections;
    private final BotMessages messages;
    /** Its way back into the world after its node connection broke. */
    final BotResume resume;

    private State state = State.NEW;
    private final int[] entries = new int[State.values().length];
    /**
     * When the bot set out for a node (Login's, a REDIRECT's, or a standby's that took over): the
     * connecting phase's timer; 0 once the bot is in the world or out.
     */
    private long phaseStartedNanos;
    /** A REDIRECT came to the node the bot stands by at: the standby connection carries it, not a reconnect. */
    private boolean redirectAwaitsStandby;
    /** The REDIRECT under way crosses between two cells of a split continent. */
    private boolean redirectCrosses;
    /** When this bot's Login call started, until it enters the world; then 0. */
    private long loginStartedNanos;

    private boolean settled;
    private boolean finished;
    private boolean counted;
    private DisconnectReason disconnectReason;
    private boolean closedForError;

    boolean enteredWorld;
    long redirects;
    /** Redirects that went over a standby connection, opened ahead (STANDBY): no reconnect after the REDIRECT. */
    long standbyTakeovers;
    /** Crossings between cells carried by the standby connection: no REDIRECT followed, no reconnect. */
    long seamlessCrossings;
    /** Whether the bot stands by where a STANDBY says (as a client does), or ignores it (a benchmark's baseline). */
    private boolean standBys = true;

    Bot(
            final int index,
            final String account,
            final String password,
            final String character,
            final BotLoop loop,
            final BotFleet fleet,
            final long chatEveryNanos,
            final float spreadYards,
            final boolean dungeonGoer,
            final long stayNanos) {
        this(
                index,
                account,
                password,
                character,
                loop,
                fleet,
                chatEveryNanos,
                spreadYards,
                dungeonGoer,
                stayNanos,
                false);
    }

    Bot(
            final int index,
            final String account,
            final String password,
            final String character,
            final BotLoop loop,
            final BotFleet fleet,
            final long chatEveryNanos,
            final float spreadYards,
            final boolean dungeonGoer,
            final long stayNanos,
            final boolean battlegroundGoer) {
        this.index = index;
        this.account = account;
        this.password = password;
        this.character = character;
        this.loop = loop;
        this.fleet = fleet;
        this.connections = new BotConnections(this, loop);
        this.play = new BotPlay(
                character,
                loop,
                fleet,
                connections,
                chatEveryNanos,
                spreadYards,
                dungeonGoer,
                stayNanos,
                BotLogins.CLASS);
        this.battleground = new BotBattleground(
                character, battlegroundGoer, fleet.battlegroundLeaveShare(), new BattlegroundActions(), loop.random);
        this.messages = new BotMessages(this, play, loop, fleet);
        this.resume = new BotResume(this, fleet, fleet.realm());
    }

    /** The battleground machine's sends go on the bot's own connection, in the world only. */
    private final class BattlegroundActions implements BotBattleground.Actions {
        @Override
        public void join(final int battleground) {
            if (sendable()) {
                connections.send(
                        ClientMessages.queueRequest(loop.out, LENGTH_PREFIX, ClientProtocol.QUEUE_JOIN, battleground),
                        true);
            }
        }

        @Override
        public void leave(final int battleground) {
            if (sendable()) {
                connections.send(
                        ClientMessages.queueRequest(loop.out, LENGTH_PREFIX, ClientProtocol.QUEUE_LEAVE, battleground),
                        true);
            }
        }

        @Override
        public void answer(final String matchId, final boolean accept) {
            if (sendable()) {
                connections.send(ClientMessages.inviteAnswer(loop.out, LENGTH_PREFIX, matchId, accept), true);
                if (accept) {
                    entry.accepted(System.nanoTime());
                }
            }
        }

        @Override
        public void leaveBattleground() {
            if (sendable()) {
                connections.send(ClientMessages.battlegroundLeave(loop.out, LENGTH_PREFIX), true);
            }
        }

        @Override
        public void goal(final float x, final float y, final float radius) {
            play.goal(x, y, radius);
        }

        @Override
        public void goal(final float x, final float y, final float radius, final boolean fight, final long prey) {
            play.goal(x, y, radius, fight, prey);
        }

        @Override
        public void stay(final float radius) {
            play.stay(radius);
        }

        @Override
        public boolean atGoal() {
            return play.atGoal();
        }

        private boolean sendable() {
            return state == State.IN_WORLD && connections.ownActive();
        }
    }

    /**
     * The one place the bot's state changes: logged at debug and counted, and what belonged to the
     * state left is dropped: the connecting phase's timer once the bot is in the world or out, a
     * REDIRECT's wait for the standby connection once it no longer redirects, and a target or a portal
     * it walked into once it leaves the world. A "change" to the state it is in changes nothing.
     */
    void transition(final State next, final String reason) {
        final State from = state;
        if (next == from) {
            return;
        }
        state = next;
        entries[next.ordinal()]++;
        if (from == State.REDIRECTING) {
            redirectAwaitsStandby = false;
        }
        if (from == State.IN_WORLD) {
            play.leftWorld();
            battleground.leftWorld();
        }
        if (next == State.IN_WORLD || next == State.LOGGING_OUT || next == State.DONE) {
            phaseStartedNanos = 0;
        }
        LOG.debug("bot {}: {} -> {} ({})", character, from, next, reason);
    }

    // ---- connection ----

    /** Login (started at {@code loginStarted}, nano time) answered: connect to the node. On the loop's thread. */
    void connect(
            final InetSocketAddress nodeAddress,
            final byte[] sessionToken,
            final String instance,
            final long loginStarted) {
        if (fleet.stopping()) {
            transition(State.DONE, "the run is ending");
            settle(false);
            finish();
            return;
        }
        connections.aim(nodeAddress, sessionToken, instance);
        this.loginStartedNanos = loginStarted;
        final long now = System.nanoTime();
        transition(State.CONNECTING, "logged in");
        phaseStartedNanos = now;
        connections.open();
    }

    void onActive(final Channel ch) {
        if (connections.isStandby(ch)) {
            connections.standbyHello(ch);
            return;
        }
        if (!connections.isOwn(ch)) {
            return;
        }
        entry.connected(System.nanoTime());
        transition(State.HANDSHAKE, "connected");
        connections.hello();
    }

    void onFrame(final Channel ch, final ByteBuf frame) {
        final byte opcode = frame.readableBytes() > 0 ? frame.getByte(frame.readerIndex()) : 0;
        if (connections.isRetiring(ch)) {
            // The old node's last words: its REDIRECT (or a DISCONNECT). Until the new node's first state, its
            // states are still the world the player sees (a crossing's gap in updates starts after the last).
            if (opcode == ClientProtocol.REDIRECT || opcode == ClientProtocol.DISCONNECT) {
                ch.close();
            } else if (opcode == ClientProtocol.SELF_STATE) {
                play.oldNodeState(System.nanoTime());
            }
            return;
        }
        if (connections.isStandby(ch)) {
            if (opcode == ClientProtocol.DISCONNECT) {
                // Not let in (it waited too long, or the node refused it): the old connection goes on,
                // and nothing more that comes on this one counts.
                standbyClosed();
                ch.close();
                return;
            }
            if (opcode != ClientProtocol.WELCOME) {
                // Only a WELCOME lets a standby connection in: anything else on it is not the bot's yet.
                return;
            }
            takeOver();
        }
        if (!connections.isOwn(ch)) {
            return;
        }
        messages.decode(frame);
    }

    /**
     * The TLS handshake on {@code ch} failed (the node's certificate is not the realm's CA's or does
     * not name the address dialed): the bot's own connection fails the bot; a standby's is let go.
     */
    void tlsFailed(final Channel ch, final Throwable cause) {
        if (connections.isStandby(ch)) {
            fleet.protocolError(this, "standby_tls", rootMessage(cause));
            standbyClosed();
        } else if (connections.isOwn(ch)) {
            fail("tls", "TLS handshake with " + ch.remoteAddress() + " failed: " + rootMessage(cause));
        }
    }

    /** The innermost cause's message: OpenSSL's own says only "General OpenSslEngine problem". */
    private static String rootMessage(final Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    /** The frame decoder gave up (a length prefix past the limit): the stream cannot be trusted any more. */
    void framingError(final Channel ch, final Throwable cause) {
        if (!connections.isOwn(ch)) {
            return;
        }
        fleet.protocolError(this, "framing", cause.getMessage());
        closedForError = true;
        ch.close();
    }

    void onClosed(final Channel ch) {
        if (connections.isRetiring(ch)) {
            connections.retiringClosed();
            return;
        }
        if (connections.isStandby(ch)) {
            standbyClosed();
            return;
        }
        if (!connections.isOwn(ch)) {
            return;
        }
        connections.ownClosed();
        if (state == State.RESUMING) {
            // Closed by the bot itself after a try that did not get it in: the next try is already on its way.
            return;
        }
        if (mayResume()) {
            resumeAfterBreak(
                    disconnectReason != null
                            ? "disconnected before entering the world: " + disconnectReason.label()
                            : "the connection closed");
            return;
        }
        if (state == State.REDIRECTING && !fleet.stopping()) {
            if (!redirectAwaitsStandby) {
                connections.open();
            }
            return;
        }
        if (state != State.LOGGING_OUT
                && state != State.DONE
                && disconnectReason == null
                && !closedForError
                && !fleet.stopping()) {
            fleet.disconnected(this, "connection_lost", true, "the connection closed without DISCONNECT");
        }
        if (!settled) {
            fail(
                    "enter",
                    disconnectReason != null
                            ? "disconnected before entering the world: " + disconnectReason.label()
                            : "connection closed before entering the world");
        }
        // Out for good: a standby connection left open would hold a session on the other node until its token expires.
        closeSideConnections();
        leaveWorld();
        transition(State.DONE, "its connection closed");
        finish();
    }

    /**
     * Whether a broken connection takes the bot back through Resume: it was in the world (the break came
     * without DISCONNECT, or with MAP_CLOSED) or is already on its way back (any end before WORLD_ENTERED),
     * and it holds a credential.
     */
    private boolean mayResume() {
        if (fleet.stopping() || !resume.possible() || closedForError) {
            return false;
        }
        // MAP_CLOSED says "log in again": the map moved or was reloaded elsewhere, and a client goes after it (the
        // disconnect still counts as unexpected: the player saw it). So it does when the map moves away while the
        // bot is still on its way in.
        if (resume.active()) {
            return state != State.LOGGING_OUT && state != State.DONE;
        }
        if (disconnectReason == DisconnectReason.MAP_CLOSED) {
            return state == State.IN_WORLD || state == State.HANDSHAKE || state == State.ENTERING;
        }
        return state == State.IN_WORLD && disconnectReason == null;
    }

    /** Out of the world until Resume gets the bot back in: the dead node's view, queues and trades go. */
    private void resumeAfterBreak(final String why) {
        final long now = System.nanoTime();
        final boolean first = !resume.active();
        if (first) {
            fleet.disconnected(this, "connection_lost", false, "the connection closed without DISCONNECT");
            // Where the node last had it, not where it walked on to since: the progress a crash could take away.
            fleet.events().broke(character, connections.address(), play.mapId(), play.confirmedX(), play.confirmedY());
            play.forgetNode();
            battleground.sessionLost(now);
            closeSideConnections();
            leaveWorld();
        }
        connections.closeDatagrams();
        disconnectReason = null;
        transition(State.RESUMING, why);
        if (first) {
            resume.start(now);
        } else {
            resume.retry(why);
        }
    }

    /** Resume answered: to the node that runs the character's map now. On the loop's thread. */
    void reconnect(final InetSocketAddress nodeAddress, final byte[] sessionToken, final String instance) {
        connect(nodeAddress, sessionToken, instance, 0);
    }

    /** The bot could not get back into the world: lost, as an unexpected disconnect. */
    void resumeGaveUp(final String detail) {
        fleet.disconnected(this, "connection_lost", true, "could not get back: " + detail);
        fail("resume", detail);
    }

    /** The run ended while the bot was on its way back. */
    void resumeStopped() {
        resume.abandon();
        if (state == State.RESUMING) {
            transition(State.DONE, "the run is ending");
            finish();
        }
    }

    /** Its own connection could not be opened: a try of Resume's is tried again, anything else fails the bot. */
    void connectFailed(final String detail) {
        if (mayResume()) {
            resumeAfterBreak(detail);
        } else {
            fail("connect", detail);
        }
    }

    /** The run is over: LOGOUT when in the world, else close. */
    void logout() {
        closeSideConnections();
        if (state == State.RESUMING && !connections.hasOwn()) {
            resume.abandon();
            transition(State.DONE, "the run is over while on its way back");
            finish();
            return;
        }
        if (!connections.hasOwn()) {
            return;
        }
        final boolean inWorld = state == State.IN_WORLD && connections.ownActive();
        transition(State.LOGGING_OUT, "the run is over");
        if (inWorld) {
            connections.send(ClientMessages.logout(loop.out, LENGTH_PREFIX), true);
        } else {
            connections.closeOwn();
        }
    }

    void forceClose() {
        connections.closeDatagrams();
        closeSideConnections();
        if (connections.hasOwn()) {
            if (state != State.DONE) {
                transition(State.LOGGING_OUT, "no answer to LOGOUT");
            }
            connections.closeOwn();
        }
    }

    /** This bot is out: record why, close its connection if it has one. On the loop's thread. */
    void fail(final String step, final String detail) {
        resume.abandon();
        fleet.failure(this, step, detail);
        settle(false);
        leaveWorld();
        transition(State.DONE, step + " failed");
        connections.closeDatagrams();
        closeSideConnections();
        connections.closeOwn();
        finish();
    }

    void internalError(final Throwable cause) {
        fail("internal", cause.toString());
    }

    private void settle(final boolean entered) {
        if (!settled) {
            settled = true;
            fleet.settled(entered);
        }
    }

    private void finish() {
        if (!finished) {
            finished = true;
            fleet.finished();
        }
    }

    private void leaveWorld() {
        if (counted) {
            counted = false;
            fleet.leftWorld();
        }
    }

    /** Stand by where STANDBY says from now on, or not (and close the standby connection open now). */
    void standBys(final boolean standBy) {
        standBys = standBy;
        if (!standBy && state == State.IN_WORLD) {
            connections.closeStandby();
        }
    }

    /** The standby connection closed before it was let in; a REDIRECT that waited for it is followed now. */
    void standbyClosed() {
        connections.standbyGone();
        if (redirectAwaitsStandby) {
            redirectAwaitsStandby = false;
            if (state == State.REDIRECTING && !connections.hasOwn() && !fleet.stopping()) {
                connections.open();
            }
        }
    }

    /**
     * The node the bot stands by at let it in (its first frame, WELCOME): that connection is the bot's
     * from now on. The old one retires: it is closed when the old node sends its REDIRECT.
     */
    private void takeOver() {
        final long now = System.nanoTime();
        final boolean inWorld = state != State.REDIRECTING;
        // After the REDIRECT the bot is aimed at where it goes already: whether that crosses was known then.
        final boolean betweenCells =
                inWorld ? crossing(connections.instanceId(), connections.standbyInstance()) : redirectCrosses;
        if (betweenCells) {
            seamlessCrossings++;
        }
        if (inWorld) {
            // Let in before the old node's REDIRECT came: the gap is timed from its last state, as a redirect's.
            play.crossing(betweenCells);
            leaveForNewNode();
        }
        standbyTakeovers++;
        connections.takeOverStandby(inWorld, now);
        redirectAwaitsStandby = false;
        transition(State.HANDSHAKE, "the standby connection was let in");
        // The new node gets the time a connection of its own would to enter the bot.
        phaseStartedNanos = now;
    }

    /** Whether going from instance {@code from} to {@code to} crosses between two cells of one split continent. */
    static boolean crossing(final String from, final String to) {
        final int a = from == null ? -1 : from.lastIndexOf(".c");
        final int b = to == null ? -1 : to.lastIndexOf(".c");
        return a > 0
                && b > 0
                && from.substring(0, a).equals(to.substring(0, b))
                && !from.equals(to)
                && from.substring(a + 2).chars().allMatch(Character::isDigit)
                && to.substring(b + 2).chars().allMatch(Character::isDigit);
    }

    /** Forget the old node's view of the world: the bot is on its way to another node. */
    private void leaveForNewNode() {
        redirects++;
        play.leftNode();
        connections.closeDatagrams();
    }

    private void closeSideConnections() {
        // Nothing is left to carry a REDIRECT that waited for the standby connection.
        redirectAwaitsStandby = false;
        connections.closeSide();
    }

    // ---- behaviour ----

    /** One 50 ms step. On the loop's thread. */
    void tick(final long now) {
        switch (state) {
            case CONNECTING, HANDSHAKE, ENTERING, REDIRECTING -> {
                if (state == State.REDIRECTING
                        && redirectAwaitsStandby
                        && now - phaseStartedNanos > STANDBY_GRACE_NANOS
                        && connections.hasStandby()) {
                    // Not let in by now: follow the REDIRECT instead (its close reconnects).
                    connections.dropStandby();
                }
                if (now - phaseStartedNanos > ENTER_TIMEOUT_NANOS && resume.active()) {
                    // That node did not let the bot in (yet): close and ask Resume again.
                    resumeAfterBreak("no WORLD_ENTERED within " + TimeUnit.NANOSECONDS.toSeconds(ENTER_TIMEOUT_NANOS)
                            + " s of connecting");
                    connections.closeOwn();
                } else if (now - phaseStartedNanos > ENTER_TIMEOUT_NANOS) {
                    fail(
                            "enter",
                            "no WORLD_ENTERED within " + TimeUnit.NANOSECONDS.toSeconds(ENTER_TIMEOUT_NANOS)
                                    + " s of connecting (stuck in "
                                    + state.name().toLowerCase(Locale.ROOT) + ")");
                }
            }
            case IN_WORLD -> {
                connections.retireIfDue(now);
                battleground.tick(now);
                play.step(now);
            }
            default -> {}
        }
    }

    // ---- what the node says about the session ----

    /** WELCOME: the node let the bot in; it enters the world next. */
    void welcome(final long sessionId, final DirectBuffer cookie, final int cookieOffset) {
        if (state != State.HANDSHAKE) {
            fleet.protocolError(this, "unexpected_welcome", "WELCOME in state " + state);
            return;
        }
        transition(State.ENTERING, "welcome");
        if (resume.active()) {
            resume.welcomed(System.nanoTime());
        }
        connections.welcome(sessionId, cookie, cookieOffset);
    }

    void worldEntered(
            final long entity,
            final int mapId,
            final float ex,
            final float ey,
            final float ez,
            final float eo,
            final float visibilityDistance) {
        if (state != State.ENTERING) {
            fleet.protocolError(this, "unexpected_world_entered", "WORLD_ENTERED in state " + state);
            return;
        }
        final long now = System.nanoTime();
        if (loginStartedNanos != 0) {
            loop.loginToWorld.recordValue(Math.max(0, now - loginStartedNanos) / 1000);
            loginStartedNanos = 0;
        }
        if (resume.active()) {
            final long micros = resume.finish(now) / 1000;
            loop.breakToWorld.recordValue(micros);
            fleet.events().back(character, micros, mapId, ex, ey);
        }
        play.entered(entity, mapId, ex, ey, ez, eo, visibilityDistance, !enteredWorld, now);
        transition(State.IN_WORLD, "entered map " + mapId);
        battleground.self(entity);
        battleground.enteredWorld(mapId, now);
        final long acceptToWorld = battleground.takeAcceptToWorld();
        if (acceptToWorld >= 0) {
            loop.acceptToBattleground.recordValue(acceptToWorld / 1000);
            entry.entered(now, loop.entryPhases);
        }
        if (fleet.movesOverUdp()) {
            connections.openDatagrams();
        }
        if (!counted) {
            counted = true;
            fleet.enteredWorld();
        }
        if (!enteredWorld) {
            enteredWorld = true;
            settle(true);
        }
    }

    /** REDIRECT: the bot's character is another node's now; follow it there with {@code newToken}. */
    void redirect(final String host, final int port, final byte[] newToken, final String instance) {
        // Resolving here blocks the loop; redirects are rare and carry addresses, not names, in practice.
        final InetSocketAddress target = new InetSocketAddress(host, port);
        if (target.isUnresolved()) {
            fail("redirect", "cannot resolve redirect host " + host);
            return;
        }
        if (connections.hasStandby() && !connections.standingByAt(target)) {
            connections.dropStandby();
        }
        // Standing by there: that connection carries the bot on; the REDIRECT's token is the fallback.
        final boolean awaitStandby = connections.hasStandby();
        redirectCrosses = crossing(connections.instanceId(), instance);
        play.crossing(redirectCrosses);
        leaveForNewNode();
        connections.aim(target, newToken, instance);
        final long now = System.nanoTime();
        entry.redirected(now);
        transition(State.REDIRECTING, "redirected to " + instance);
        redirectAwaitsStandby = awaitStandby;
        phaseStartedNanos = now;
        connections.closeOwn();
    }

    /** STANDBY: the bot's map moves to {@code host:port}; connect there ahead of the REDIRECT. */
    void standby(
            final String host,
            final int port,
            final DirectBuffer standbyTokenBuffer,
            final int tokenOffset,
            final int tokenLength,
            final String instance) {
        final InetSocketAddress target = new InetSocketAddress(host, port);
        // Between WELCOME and WORLD_ENTERED the session is already this node's: a cell tells a player who entered
        // near its boundary to stand by across it at once, and that STANDBY may come before WORLD_ENTERED.
        if ((state != State.IN_WORLD && state != State.ENTERING) || target.isUnresolved() || !standBys) {
            return;
        }
        final byte[] standbyToken = new byte[tokenLength];
        standbyTokenBuffer.getBytes(tokenOffset, standbyToken);
        if (connections.standingByAt(target)) {
            // Already there (a cell's neighbour, whose node its continent now merges onto): that connection waits
            // for the character wherever it comes on that node; it enters this instance now.
            connections.standByFor(standbyToken, instance);
            return;
        }
        // Still standing by for an earlier move, which went elsewhere or was called off.
        connections.closeStandby();
        connections.standBy(target, standbyToken, instance);
    }

    void disconnect(final DisconnectReason reason, final String text) {
        disconnectReason = reason;
        // On the way back, a node that does not let the bot in yet is one more try of Resume's.
        final boolean expected = (reason == DisconnectReason.LOGOUT && state == State.LOGGING_OUT) || resume.active();
        fleet.disconnected(this, reason.label(), !expected, text);
    }

    /** The node the bot's game connection is (or was last) aimed at; null before the first. */
    InetSocketAddress nodeAddress() {
        return connections.address();
    }

    // ---- for the report and tests ----

    State state() {
        return state;
    }

    /** How often this bot entered {@code state}. */
    int entries(final State entered) {
        return entries[entered.ordinal()];
    }

    long phaseStartedNanos() {
        return phaseStartedNanos;
    }
}
