package io.realmcluster.dataplane.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.store.ClaimRefused;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.client.FrameError;
import io.realmcluster.proto.client.Frames;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.v1.NodeDescriptor;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One game client's TCP session, on its channel's event loop: checks the token in HELLO, puts
 * the character into its map, and turns its frames into inputs on the map's ingress ring. A
 * malformed frame, a flood, a bad token or silence closes the session with a DISCONNECT that says
 * why; nothing a client sends reaches a tick thread unless it decoded cleanly.
 */
final class ClientSession extends ChannelInboundHandlerAdapter implements ClientMessages.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
    static final long HELLO_TIMEOUT_MILLIS = 10_000;
    static final double FRAMES_PER_SECOND = 100;
    static final double FRAME_BURST = 200;
    private static final String CLIENT_CLOSED = "client_closed";
    /** How long a token this node gives a player it sends to another node is good for (a login's, by default). */
    private static final long SENT_ON_TOKEN_MILLIS = 60_000;
    /**
     * How long a LOGOUT waits for its save to be durable before the client is told anyway (a
     * database that does not answer, a save log with no room): the save still lands when it can.
     */
    static final long LOGOUT_WAIT_MILLIS = 5_000;

    /** The longest a standby connection waits for its character, whatever its token says. */
    private static final long MAX_STANDBY_MILLIS = 300_000;

    /**
     * STANDBY: a second connection of a player whose map moves to this node, waiting for the
     * character's transfer to be claimed here (then it goes on as a transferred client's HELLO).
     * LEAVING: logged out, the character handed back to its map, which saves it; DISCONNECT once that save settles.
     */
    private enum State {
        NEW,
        STANDBY,
        CLAIMING,
        AUTHENTICATED,
        IN_WORLD,
        LEAVING,
        CLOSED
    }

    /**
     * What every session of a node shares; {@code storeThreads} run the character store's blocking
     * calls (a bounded queue: a login storm beyond it is refused, not queued without end). Tokens and
     * transfers are dated by {@code epochClock} (other nodes read those dates), rates by {@code nanoClock}.
     */
    record Shared(
            String nodeId,
            SessionToken tokens,
            InstanceHost instances,
            ClientSessions sessions,
            ClientMetrics metrics,
            EpochClock epochClock,
            NanoClock nanoClock,
            CharacterStore store,
            Executor storeThreads,
            Arrivals arrivals) {}

    /** Where a frame that is not one contiguous piece of memory is gathered to be decoded; rare. */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[ClientProtocol.MAX_BODY];
        }
    };

    private final Shared shared;
    private final UnsafeBuffer frame = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[ClientProtocol.LENGTH_PREFIX + 512]);
    /** The event loop's claim on the map's ring, for everything this session puts there but UDP moves. */
    private final RingClaim claim = new RingClaim();

    private volatile State state = State.NEW;
    private volatile long id = -1;
    private volatile long characterId;
    private volatile InstanceHost.Running map;
    private volatile ClaimedCharacter claimed;
    /** Set when this client arrives from a transfer: where it enters. The event loop's. */
    private Arrivals.Arrival arrival;
    /** An ENTER_WORLD that came while the claim ran. The event loop's. */
    private String enterWhenClaimed;

    private final AtomicReference<InetSocketAddress> udpPeer = new AtomicReference<>();
    private byte[] cookie;
    private boolean replacedAnother;
    private Channel channel;
    private ScheduledFuture<?> helloTimeout;
    private final RateLimiter frames;
    /** The same budget for datagrams, kept apart: only the UDP channel's thread touches it. */
    private final RateLimiter datagrams;

    private String closedBecause;
    /** The character went back to its map with LOGOUT: the map saves it, the session gives nothing back. */
    private boolean loggedOut;
    /** The account the token names; a standby session takes only a transfer of that account's character. */
    private long accountId;

    private ScheduledFuture<?> standbyEnd;
    /** The epoch of the last move of this session's map its client was told to stand by for (STANDBY), or 0. */
    private long stoodByForMove;

    private long tokenExpiresAtMillis;

    // The egress thread's: frames gathered for this session since its last write was handed off.
    ByteBuf pending;
    boolean closeAfterPending;
    /**
     * True from the egress thread's hand-off of a write until the event loop runs it: at most one
     * write of a session waits on its loop, so a loop that falls behind gets fewer, larger writes
     * (and its other tasks, a login's claim among them, wait for one pass) instead of a queue that grows.
     */
    private volatile boolean writeWaiting;

    private ByteBuf handedOff;
    private boolean handedOffIsLast;
    private final Runnable writeHandedOff = this::writeHandedOff;

    ClientSession(final Shared shared) {
        this.shared = shared;
        this.frames = new RateLimiter(FRAMES_PER_SECOND, FRAME_BURST, shared.nanoClock());
        this.datagrams = new RateLimiter(FRAMES_PER_SECOND, FRAME_BURST, shared.nanoClock());
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        channel = ctx.channel();
        helloTimeout = ctx.executor()
                .schedule(
                        () -> {
                            if (state == State.NEW) {
                                disconnect(
                                        DisconnectReason.TIMEOUT,
                                        "no HELLO within " + HELLO_TIMEOUT_MILLIS / 1000 + " s");
                            }
                        },
                        HELLO_TIMEOUT_MILLIS,
                        TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (!(msg instanceof ByteBuf body)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (state == State.CLOSED || state == State.LEAVING) {
                return;
            }
            final int length = body.readableBytes();
            shared.metrics().received(length + ClientProtocol.LENGTH_PREFIX);
            if (!frames.tryAcquire()) {
                disconnect(DisconnectReason.FLOOD, "more than " + (int) FRAMES_PER_SECOND + " frames a second");
                return;
            }
            wrap(body, length);
            final FrameError error = ClientMessages.decode(frame, 0, length, this);
            if (error != null) {
                shared.metrics().rejected(error);
                disconnect(DisconnectReason.MALFORMED_FRAME, "malformed frame: " + error.label());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Point {@link #frame} at the body's bytes where they lie, without copying: a session holds no
     * buffer of its own, so a flood of connections costs the node little memory.
     */
    private void wrap(final ByteBuf body, final int length) {
        if (body.hasMemoryAddress()) {
            frame.wrap(body.memoryAddress() + body.readerIndex(), length);
        } else if (body.hasArray()) {
            frame.wrap(body.array(), body.arrayOffset() + body.readerIndex(), length);
        } else {
            final byte[] scratch = SCRATCH.get();
            body.getBytes(body.readerIndex(), scratch, 0, length);
            frame.wrap(scratch, 0, length);
        }
    }

    /** Whether one more datagram fits this session's rate. The UDP channel's thread only. */
    boolean takeDatagramToken() {
        return datagrams.tryAcquire();
    }

    @Override
    public void hello(final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
        if (!admit(version, token, tokenOffset, tokenLength)) {
            return;
        }
        state = State.CLAIMING;
        final long character = characterId;
        final long account = accountId;
        final Arrivals.Arrival arrived =
                shared.arrivals().take(character, shared.epochClock().time());
        if (arrived != null && arrived.claim().accountId() == account) {
            // Transferred here: the transfer's claim is this login's.
            arrival = arrived;
            claimed(arrived.claim(), null);
            return;
        }
        final Channel ch = channel;
        try {
            shared.storeThreads().execute(() -> {
                ClaimedCharacter result = null;
                ClaimRefused refused = null;
                try {
                    result = shared.store().claim(character, account, shared.nodeId());
                } catch (final ClaimRefused e) {
                    refused = e;
                }
                final ClaimedCharacter got = result;
                final ClaimRefused why = refused;
                ch.eventLoop().execute(() -> claimed(got, why));
            });
        } catch (final RejectedExecutionException e) {
            disconnect(DisconnectReason.DATABASE_UNAVAILABLE, "too many logins at once on this node; try again");
        }
    }

    /**
     * A second connection of a player whose map moves here: it waits until the character's
     * transfer is claimed on this node, then goes on as the transferred client's HELLO would (and an
     * ENTER_WORLD sent right behind it enters the map at once), so the hand-over needs no reconnect.
     * Nothing is claimed for it: the player plays on at its node meanwhile. It waits until its token
     * expires at most, then is told STANDBY_ENDED.
     */
    @Override
    public void standbyHello(
            final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
        if (!admit(version, token, tokenOffset, tokenLength)) {
            return;
        }
        state = State.STANDBY;
        shared.metrics().standby(ClientMetrics.STANDBY_OPENED);
        final ClientSession replaced = shared.sessions().standBy(characterId, this);
        if (replaced != null) {
            replaced.kick(DisconnectReason.DUPLICATE_LOGIN, "this character stands by on another connection");
        }
        final long waitMillis = Math.min(
                MAX_STANDBY_MILLIS, tokenExpiresAtMillis - shared.epochClock().time());
        standbyEnd = channel.eventLoop()
                .schedule(
                        () -> {
                            if (state == State.STANDBY) {
                                disconnect(
                                        DisconnectReason.STANDBY_ENDED,
                                        "the character did not come to this node in time; play on where it is");
                            }
                        },
                        waitMillis,
                        TimeUnit.MILLISECONDS);
        // The transfer may have been claimed before this connection came.
        arrive();
    }

    /**
     * Check a HELLO's version and token and give the session its id; false once the session is
     * closed with the reason it was refused.
     */
    private boolean admit(final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
        if (state != State.NEW) {
            disconnect(DisconnectReason.OUT_OF_ORDER, "HELLO twice");
            return false;
        }
        if (version != ClientProtocol.VERSION) {
            shared.metrics().rejected(FrameError.WRONG_VERSION);
            disconnect(
                    DisconnectReason.VERSION_MISMATCH,
                    "this node speaks protocol version " + ClientProtocol.VERSION + ", not " + version);
            return false;
        }
        final byte[] presented = new byte[tokenLength];
        token.getBytes(tokenOffset, presented);
        final SessionToken.Verdict verdict = shared.tokens()
                .verify(presented, shared.nodeId(), shared.epochClock().time());
        if (!verdict.valid()) {
            switch (verdict.failure()) {
                case EXPIRED -> disconnect(DisconnectReason.EXPIRED_TOKEN, "session token expired; log in again");
                case WRONG_NODE -> disconnect(DisconnectReason.WRONG_NODE, "session token is for another node");
                default -> disconnect(DisconnectReason.BAD_TOKEN, "session token refused");
            }
            return false;
        }
        final long sessionId = shared.sessions().register(this);
        if (sessionId < 0) {
            disconnect(DisconnectReason.MAP_FULL, "this node has no room for another session");
            return false;
        }
        id = sessionId;
        characterId = verdict.claims().characterId();
        accountId = verdict.claims().accountId();
        tokenExpiresAtMillis = verdict.claims().expiresAtMillis();
        cookie = shared.sessions().cookie(sessionId);
        return true;
    }

    /** The transfer of this session's character to this node was claimed: a session standing by for it enters. Any thread. */
    void transferClaimed() {
        channel.eventLoop().execute(this::arrive);
    }

    /** Standing by and the character's transfer was claimed: go on as its transferred client. The session's event loop. */
    private void arrive() {
        if (state != State.STANDBY) {
            return;
        }
        final Arrivals.Arrival arrived =
                shared.arrivals().take(characterId, shared.epochClock().time());
        if (arrived == null || arrived.claim().accountId() != accountId) {
            return;
        }
        shared.sessions().releaseStandby(characterId, this);
        standbyEnd.cancel(false);
        shared.metrics().standby(ClientMetrics.STANDBY_ENTERED);
        arrival = arrived;
        state = State.CLAIMING;
        claimed(arrived.claim(), null);
    }

    /** The character store answered the claim. The session's event loop. */
    private void claimed(final ClaimedCharacter character, final ClaimRefused refused) {
        if (state != State.CLAIMING) {
            // The client left while the claim ran: give the character back.
            if (character != null) {
                release(character);
            }
            return;
        }
        if (refused != null) {
            LOG.info("login of character {} refused: {}", characterId, refused.getMessage());
            disconnect(
                    refused.reason() == ClaimRefused.Reason.DATABASE
                            ? DisconnectReason.DATABASE_UNAVAILABLE
                            : DisconnectReason.CHARACTER_UNAVAILABLE,
                    refused.reason() == ClaimRefused.Reason.DATABASE
                            ? "the character database is unavailable; try again"
                            : refused.getMessage());
            return;
        }
        claimed = character;
        state = State.AUTHENTICATED;
        shared.metrics().loggedIn();
        final ClientSession replaced = shared.sessions().claimCharacter(characterId, this);
        if (replaced != null) {
            replacedAnother = true;
            replaced.kick(DisconnectReason.DUPLICATE_LOGIN, "this character logged in again elsewhere");
        }
        write(ServerMessages.welcome(reply, ClientProtocol.LENGTH_PREFIX, id, cookie, 20), null);
        if (enterWhenClaimed != null) {
            enter(enterWhenClaimed);
        }
    }

    private void release(final ClaimedCharacter character) {
        try {
            shared.storeThreads().execute(() -> {
                try {
                    shared.store().release(character.characterId(), character.epoch(), shared.nodeId());
                } catch (final SQLException e) {
                    LOG.warn(
                            "could not give back character {} (it stays claimed until its next login): {}",
                            character.characterId(),
                            e.getMessage());
                }
            });
        } catch (final RejectedExecutionException e) {
            LOG.warn("could not give back character {}: the store threads are saturated", character.characterId());
        }
    }

    @Override
    public void enterWorld(final DirectBuffer instanceId, final int offset, final int length) {
        if ((state == State.CLAIMING || state == State.STANDBY) && enterWhenClaimed == null) {
            // Sent right behind HELLO: it waits for the claim (standing by: for the transfer's).
            enterWhenClaimed = instanceId.getStringWithoutLengthAscii(offset, length);
            return;
        }
        if (state != State.AUTHENTICATED) {
            disconnect(
                    DisconnectReason.OUT_OF_ORDER,
                    state == State.IN_WORLD ? "already in the world" : "ENTER_WORLD before WELCOME");
            return;
        }
        enter(instanceId.getStringWithoutLengthAscii(offset, length));
    }

    private void enter(final String instance) {
        final InstanceHost.Running running = shared.instances().instance(instance);
        if (running == null) {
            disconnect(DisconnectReason.UNKNOWN_MAP, "map instance " + instance + " does not run on this node");
            return;
        }
        final NodeDescriptor movingTo = shared.instances().handingOverTo(running.assignment());
        if (movingTo != null) {
            // The map hands its players over to its copy on another node: one who comes in now goes straight there.
            redirectNow(sentOn(movingTo, instance));
            return;
        }
        final Ingress ingress = running.agent().ingress();
        final long entity = characterId;
        if (replacedAnother) {
            // The session this one replaced may not have left the map yet: take the character over in order.
            offerLeave(ingress, entity, Inputs.ANY_SESSION);
        }
        try (RingClaim claim = ingress.claim(this.claim, Inputs.PLAYER_JOIN, Inputs.JOIN_LENGTH)) {
            if (!claim.claimed()) {
                shared.metrics().droppedInput();
                disconnect(DisconnectReason.MAP_FULL, "the map is too busy to take a player; try again");
                return;
            }
            encodeJoin(claim, running, instance, entity);
            claim.commit();
        }
        if (arrival != null && arrival.frozenAtMillis() > 0) {
            shared.metrics().arrived(shared.epochClock().time() - arrival.frozenAtMillis());
        }
        map = running;
        state = State.IN_WORLD;
        final NodeDescriptor preparing = shared.instances().movingTo(running.assignment());
        if (preparing != null) {
            // Its copy loads there now: stand by there, as the players who were here before it moved did.
            standByNow(preparing, instance, running.assignment().getMove().getEpoch());
        }
    }

    private void encodeJoin(
            final RingClaim claim, final InstanceHost.Running running, final String instance, final long entity) {
        final MutableDirectBuffer buffer = claim.buffer();
        final int index = claim.index();
        final ClaimedCharacter character = claimed;
        if (arrival != null && arrival.instanceId().equals(instance)) {
            // Transferred here: it enters where the transfer put it (a portal's far side).
            Inputs.encodeJoin(
                    buffer,
                    index,
                    entity,
                    arrival.x(),
                    arrival.y(),
                    arrival.z(),
                    arrival.orientation(),
                    character.level(),
                    health(character.level()),
                    character.money(),
                    ClientSessions.index(id));
        } else if (character.mapId() == running.world().mapId()) {
            Inputs.encodeJoin(
                    buffer,
                    index,
                    entity,
                    character.x(),
                    character.y(),
                    character.z(),
                    character.orientation(),
                    character.level(),
                    health(character.level()),
                    character.money(),
                    ClientSessions.index(id));
        } else {
            // Not saved on this map yet: the map's spawn point, spread so that a crowd does not stack.
            final float spread = (float) (Math.floorMod(entity * 2654435761L, 40L) - 20);
            Inputs.encodeJoin(
                    buffer,
                    index,
                    entity,
                    running.world().spawnX() + spread,
                    running.world().spawnY() - spread,
                    0f,
                    0f,
                    character.level(),
                    health(character.level()),
                    character.money(),
                    ClientSessions.index(id));
        }
        Inputs.joinOwnership(buffer, index, character.epoch(), character.saveSeq(), character.experience());
    }

    /** Health at a level, until classes and stats come with the full game. */
    private static int health(final int level) {
        return 80 + 20 * Math.max(1, level);
    }

    @Override
    public void move(final int sequence, final float x, final float y, final float z, final float o, final int flags) {
        final InstanceHost.Running running = inWorld("MOVE");
        if (running != null) {
            offerMove(running, claim, sequence, x, y, z, o, flags);
        }
    }

    /**
     * Put a move on the map's ring; from the TCP or the UDP event loop, each with a claim of its own
     * (the session's for TCP, the datagram handler's for UDP).
     */
    void offerMove(
            final InstanceHost.Running running,
            final RingClaim ownClaim,
            final int sequence,
            final float x,
            final float y,
            final float z,
            final float o,
            final int flags) {
        final Ingress ingress = running.agent().ingress();
        try (RingClaim claim = ingress.claim(ownClaim, Inputs.MOVE, Inputs.MOVE_LENGTH)) {
            if (!claim.claimed()) {
                shared.metrics().droppedInput();
                return;
            }
            Inputs.encodeMove(claim.buffer(), claim.index(), characterId, sequence, x, y, z, o, flags);
            claim.commit();
        }
    }

    @Override
    public void say(final DirectBuffer text, final int offset, final int length) {
        final InstanceHost.Running running = inWorld("CHAT_SAY");
        if (running == null) {
            return;
        }
        final Ingress ingress = running.agent().ingress();
        try (RingClaim claim = ingress.claim(this.claim, Inputs.CHAT, Inputs.CHAT_TEXT + length)) {
            if (!claim.claimed()) {
                shared.metrics().droppedInput();
                return;
            }
            Inputs.encodeChat(claim.buffer(), claim.index(), characterId, text, offset, length);
            claim.commit();
        }
    }

    @Override
    public void attack(final long targetId) {
        target(Inputs.ATTACK, targetId, "ATTACK");
    }

    @Override
    public void loot(final long corpseId) {
        target(Inputs.LOOT, corpseId, "LOOT");
    }

    private void target(final int type, final long targetId, final String what) {
        final InstanceHost.Running running = inWorld(what);
        if (running == null) {
            return;
        }
        final Ingress ingress = running.agent().ingress();
        try (RingClaim claim = ingress.claim(this.claim, type, Inputs.TARGET_LENGTH)) {
            if (!claim.claimed()) {
                shared.metrics().droppedInput();
                return;
            }
            Inputs.encodeTarget(claim.buffer(), claim.index(), characterId, targetId);
            claim.commit();
        }
    }

    /**
     * The character leaves its map, which saves it OFFLINE; the client hears DISCONNECT(LOGOUT) once
     * that save is durable, so a login right after it finds the character as it left. Out of the
     * world there is nothing to save.
     */
    @Override
    public void logout() {
        final InstanceHost.Running running = map;
        if (state != State.IN_WORLD || running == null) {
            disconnect(DisconnectReason.LOGOUT, "logged out");
            return;
        }
        state = State.LEAVING;
        loggedOut = true;
        map = null;
        offerLeave(running.agent().ingress(), characterId, ClientSessions.index(id));
        channel.eventLoop()
                .schedule(
                        () -> disconnect(DisconnectReason.LOGOUT, "logged out"),
                        LOGOUT_WAIT_MILLIS,
                        TimeUnit.MILLISECONDS);
    }

    /** The saver settled this session's logout save: the client may go. Any thread. */
    void logoutSaved() {
        channel.eventLoop().execute(() -> {
            if (state == State.LEAVING) {
                disconnect(DisconnectReason.LOGOUT, "logged out");
            }
        });
    }

    @Override
    public void ping(final long nonce) {
        write(ServerMessages.pong(reply, ClientProtocol.LENGTH_PREFIX, nonce), null);
    }

    private InstanceHost.Running inWorld(final String what) {
        final InstanceHost.Running running = map;
        if (state != State.IN_WORLD || running == null) {
            disconnect(DisconnectReason.OUT_OF_ORDER, what + " before ENTER_WORLD");
            return null;
        }
        return running;
    }

    /**
     * Hand {@code out} (with {@code last}: this session's last frame is in it) to the event loop to
     * write, unless a write handed off before still waits there: false then, and the egress thread
     * keeps gathering. The egress thread's.
     */
    boolean handOff(final ByteBuf out, final boolean last) {
        if (writeWaiting) {
            return false;
        }
        handedOff = out;
        handedOffIsLast = last;
        writeWaiting = true;
        try {
            channel.eventLoop().execute(writeHandedOff);
        } catch (final RejectedExecutionException e) {
            // The node is stopping: the socket goes with it.
            handedOff = null;
            out.release();
        }
        return true;
    }

    private void writeHandedOff() {
        final ByteBuf out = handedOff;
        final boolean last = handedOffIsLast;
        handedOff = null;
        writeWaiting = false;
        if (last) {
            channel.writeAndFlush(out).addListener(LastFrame.THEN_CLOSE);
        } else {
            channel.writeAndFlush(out);
        }
    }

    /** Close with a reason from any thread: the session's event loop does it. */
    void kick(final DisconnectReason reason, final String text) {
        final Channel ch = channel;
        if (ch != null) {
            ch.eventLoop().execute(() -> disconnect(reason, text));
        }
    }

    /**
     * Send a REDIRECT frame body and close: the character went to another node. A client that
     * logged out meanwhile is only told it did (the other node gives the character back when
     * nobody comes). Any thread.
     */
    void redirect(final byte[] body) {
        channel.eventLoop().execute(() -> {
            if (state == State.LEAVING) {
                disconnect(DisconnectReason.LOGOUT, "logged out");
            } else {
                redirectNow(body);
            }
        });
    }

    /**
     * Send the player to {@code target}, where the map {@code instanceId} now takes its players,
     * as if the control plane had routed its login there: the node claims the character by login,
     * which fences this node's claim (given back here when the connection closes, unless that
     * claim came first; a map the player was on saved it as it left). Any thread.
     */
    void sendTo(final NodeDescriptor target, final String instanceId) {
        channel.eventLoop().execute(() -> {
            if (state != State.CLOSED && state != State.LEAVING) {
                redirectNow(sentOn(target, instanceId));
            }
        });
    }

    /**
     * The map this session plays on, {@code instanceId}, moves to {@code target} with its players
     * (move {@code moveEpoch}): tell the client to stand by there (STANDBY), once per move, so that
     * its hand-over needs no reconnect. Any thread.
     */
    void standBy(final NodeDescriptor target, final String instanceId, final long moveEpoch) {
        channel.eventLoop().execute(() -> standByNow(target, instanceId, moveEpoch));
    }

    private void standByNow(final NodeDescriptor target, final String instanceId, final long moveEpoch) {
        final InstanceHost.Running running = map;
        if (state != State.IN_WORLD
                || running == null
                || !running.assignment().getInstanceId().equals(instanceId)
                || stoodByForMove == moveEpoch) {
            return;
        }
        stoodByForMove = moveEpoch;
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[ClientProtocol.MAX_BODY]);
        final int length = ServerMessages.standby(
                frame, 0, target.getClient().getHost(), target.getClient().getPort(), tokenFor(target), instanceId);
        writeBody(frame.byteArray(), length);
    }

    /** A token this session's client shows {@code target} for its character. The session's event loop, once claimed. */
    private byte[] tokenFor(final NodeDescriptor target) {
        final ClaimedCharacter character = claimed;
        return shared.tokens()
                .issue(new SessionToken.Claims(
                        character.accountId(),
                        characterId,
                        character.realm(),
                        target.getNodeId(),
                        shared.epochClock().time() + SENT_ON_TOKEN_MILLIS));
    }

    /** A REDIRECT body to {@code target} with a login token for it. The session's event loop, once claimed. */
    private byte[] sentOn(final NodeDescriptor target, final String instanceId) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[ClientProtocol.MAX_BODY]);
        final int length = ServerMessages.redirect(
                frame, 0, target.getClient().getHost(), target.getClient().getPort(), tokenFor(target), instanceId);
        LOG.info(
                "character {} sent to node {}, where map instance {} takes its players now",
                characterId,
                target.getNodeId(),
                instanceId);
        return Arrays.copyOf(frame.byteArray(), length);
    }

    private void redirectNow(final byte[] body) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closedBecause = "redirect";
        shared.metrics().disconnected(closedBecause);
        writeBody(body, body.length).addListener(LastFrame.THEN_CLOSE);
    }

    /** Write the first {@code length} bytes of {@code body} as one frame (a body built off {@link #reply}, which may be too small). */
    private ChannelFuture writeBody(final byte[] body, final int length) {
        final ByteBuf out = channel.alloc().buffer(ClientProtocol.LENGTH_PREFIX + length);
        out.writeShortLE(length);
        out.writeBytes(body, 0, length);
        shared.metrics().sent(out.readableBytes());
        return channel.writeAndFlush(out);
    }

    /** Send DISCONNECT and close. The session's event loop. */
    void disconnect(final DisconnectReason reason, final String text) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closedBecause = reason.label();
        shared.metrics().disconnected(reason);
        if (reason != DisconnectReason.LOGOUT) {
            LOG.debug(
                    "closing session of character {} from {}: {} ({})",
                    characterId,
                    channel.remoteAddress(),
                    reason.label(),
                    text);
        }
        // A client that broke the protocol, or never showed a valid token, is closed at once: it gets no
        // more of the node's time than its DISCONNECT.
        final boolean atOnce = id < 0 || reason == DisconnectReason.MALFORMED_FRAME || reason == DisconnectReason.FLOOD;
        write(
                ServerMessages.disconnect(reply, ClientProtocol.LENGTH_PREFIX, reason, text),
                atOnce ? ChannelFutureListener.CLOSE : LastFrame.THEN_CLOSE);
    }

    private void write(final int bodyLength, final ChannelFutureListener then) {
        final int frameLength = Frames.prefix(reply, 0, bodyLength);
        final ByteBuf out = channel.alloc().buffer(frameLength);
        out.writeBytes(reply.byteArray(), 0, frameLength);
        shared.metrics().sent(frameLength);
        if (then != null) {
            channel.writeAndFlush(out).addListener(then);
        } else {
            channel.writeAndFlush(out);
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        if (closedBecause == null) {
            shared.metrics().disconnected(CLIENT_CLOSED);
        }
        state = State.CLOSED;
        if (helloTimeout != null) {
            helloTimeout.cancel(false);
        }
        if (standbyEnd != null) {
            standbyEnd.cancel(false);
        }
        final InstanceHost.Running running = map;
        if (running != null) {
            // The map saves the character as it leaves.
            offerLeave(running.agent().ingress(), characterId, ClientSessions.index(id));
        } else if (claimed != null && !loggedOut) {
            release(claimed);
        }
        if (id >= 0) {
            shared.sessions().releaseStandby(characterId, this);
            shared.sessions().releaseCharacter(characterId, this);
            shared.sessions().unregister(id, this);
        }
        ctx.fireChannelInactive();
    }

    private void offerLeave(final Ingress ingress, final long entity, final int session) {
        try (RingClaim claim = ingress.claim(this.claim, Inputs.PLAYER_LEAVE, Inputs.LEAVE_LENGTH)) {
            if (!claim.claimed()) {
                // A leave must not be lost (the character would stay in the world): try again shortly.
                shared.metrics().droppedInput();
                channel.eventLoop().schedule(() -> offerLeave(ingress, entity, session), 1, TimeUnit.MILLISECONDS);
                return;
            }
            Inputs.encodeLeave(claim.buffer(), claim.index(), entity, session);
            claim.commit();
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) {
        if (event instanceof IdleStateEvent) {
            disconnect(DisconnectReason.TIMEOUT, "no frame from the client for too long");
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            shared.metrics().rejected(FrameError.OVERSIZED);
            disconnect(DisconnectReason.MALFORMED_FRAME, "frame longer than " + ClientProtocol.MAX_BODY + " bytes");
        } else {
            LOG.debug("client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    long id() {
        return id;
    }

    long characterId() {
        return characterId;
    }

    Channel channel() {
        return channel;
    }

    InstanceHost.Running map() {
        return map;
    }

    boolean inWorld() {
        return state == State.IN_WORLD;
    }

    byte[] cookie() {
        return cookie;
    }

    /** Bind the session's UDP to the first address that shows the cookie; true when {@code from} is that address. */
    boolean bindUdp(final InetSocketAddress from) {
        return udpPeer.compareAndSet(null, from) || from.equals(udpPeer.get());
    }
}
