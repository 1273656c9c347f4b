package io.realmcluster.tools.bots;

import static io.realmcluster.proto.client.ClientProtocol.KIND_PLAYER;
import static io.realmcluster.proto.client.ClientProtocol.LENGTH_PREFIX;
import static io.realmcluster.proto.client.ClientProtocol.RECORD_LENGTH;
import static io.realmcluster.proto.client.ClientProtocol.UPDATES_FLAG_RESET;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.client.FrameError;
import io.realmcluster.proto.client.Frames;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.client.ServerMessages.Record;
import io.realmcluster.proto.world.Portals;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One headless game client: connects to its node with the token from Login, enters the world,
 * then walks, fights, loots and chats, driven by its loop's 20 Hz tick. Everything after Login
 * runs on its loop's thread; the counters are read by the fleet once the loops have stopped.
 */
final class Bot implements ServerMessages.Handler {
    /** Yards per second; the node allows 7. */
    static final float SPEED = 6f;

    static final float ATTACK_RANGE = 30f;
    static final float MELEE_DISTANCE = 4f;
    static final float LOOT_DISTANCE = 3f;
    static final float WANDER_RADIUS = 60f;
    /** A target farther than this (it fled, or the bot was knocked away) is given up. */
    static final float LEASH = 45f;
    /** A sent position this far from where the node says the bot is means the move was refused. */
    static final float CORRECTION = 2f;

    private static final long ATTACK_REPEAT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** A bot without a target looks for one this often, not every tick: a look goes over everything it sees. */
    private static final long LOOK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /**
     * The players in one update of this many are noted for the summary's count of distinct players
     * seen (and every reset's): noting all would cost the bots more than the rest of an update.
     */
    private static final int NOTE_PLAYERS_EVERY_UPDATES = 32;
    /** How long a dead target may take to show the LOOTABLE flag before the bot moves on. */
    private static final long LOOTABLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** From connecting to WORLD_ENTERED. */
    private static final long ENTER_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** Moves without a newer acknowledgement after which the bot takes the node's last position. */
    private static final int UNACKED_MOVES_BEFORE_RESYNC = 40;
    /** How long a bot stands in a portal waiting for its redirect before it gives up on it. */
    private static final long PORTAL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);
    /**
     * How long a REDIRECT to the node the bot stands by at waits for the standby connection to be let
     * in before it is followed as a reconnect (a REDIRECT that is not the hand-over, say).
     */
    private static final long STANDBY_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long the old node's connection may stay open after a standby took over. */
    private static final long RETIRING_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final Portals.Portal[] NO_PORTALS = {};
    private static final double MAX_STEP_SECONDS = 0.1;
    private static final double TWO_PI = 2 * Math.PI;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** Where a bot is in its life; NEW until its Login answered. */
    enum State {
        NEW,
        CONNECTING,
        HANDSHAKE,
        ENTERING,
        IN_WORLD,
        REDIRECTING,
        LOGGING_OUT,
        DONE
    }

    final int index;
    final String account;
    final String password;
    final String character;
    final BotLoop loop;
    private final BotFleet fleet;
    private final long chatEveryNanos;
    /** How far from the entry point this bot's home may be. */
    private final float spreadYards;

    private final VisibleEntities entities = new VisibleEntities();
    private final LatencyRing ring = new LatencyRing();
    private final UnsafeBuffer view = new UnsafeBuffer();

    private State state = State.NEW;
    private InetSocketAddress address;
    private byte[] token;
    private String instanceId;
    private Channel channel;
    /** This session's id and UDP cookie (from WELCOME), and the socket its moves go out on when they go as datagrams. */
    private long sessionId;

    private final byte[] cookie = new byte[ClientProtocol.COOKIE_BYTES];
    private Channel datagrams;
    /** A second connection to the node this bot's map moves to (STANDBY), until it takes over or ends. */
    private Channel standby;

    private InetSocketAddress standbyAddress;
    private byte[] standbyToken;
    private String standbyInstance;
    /** A REDIRECT came to the node the bot stands by at: the standby connection carries it, not a reconnect. */
    private boolean redirectAwaitsStandby;
    /** The old node's connection after a standby took over, until that node closes it (after its REDIRECT). */
    private Channel retiring;

    private long retiringSinceNanos;
    private long phaseStartedNanos;
    /** When this bot's Login call started, until it enters the world; then 0. */
    private long loginStartedNanos;

    private boolean settled;
    private boolean finished;
    private boolean counted;
    private DisconnectReason disconnectReason;
    private boolean closedForError;

    private long entityId;
    private float x;
    private float y;
    private float z;
    private float orientation;
    private float spawnX;
    private float spawnY;
    private float visibility = 100f;
    private int health = 1;
    private boolean nodePositionKnown;
    private float nodeX;
    private float nodeY;
    private int sequence;
    private long lastMoveNanos;
    private float heading;
    private long nextTurnNanos;
    private long targetId;
    private long lastAttackNanos;
    private long targetDeadSinceNanos;
    private long nextLookNanos;
    private int updates;
    private long nextChatNanos;
    private int ticks;
    private boolean experienceKnown;
    private long experience;

    boolean enteredWorld;
    boolean sawOthers;
    long kills;
    long lootedCorpses;
    long lootedCopper;
    long chatHeard;
    long money;
    long maxMoney;
    long moveCorrections;
    long redirects;
    /** Redirects that went over a standby connection, opened ahead (STANDBY): no reconnect after the REDIRECT. */
    long standbyTakeovers;
    /** When the last SELF_STATE came; at a redirect, kept until the first one from the new node measures the gap. */
    private long lastSelfStateNanos;

    private long redirectedAfterStateNanos;
    /** Portals walked into that did not lead anywhere within {@link #PORTAL_WAIT_NANOS}. */
    long portalsRefused;
    /** Times this bot entered a dungeon, raid or battleground. */
    long instancesEntered;
    /** Whether this bot goes through portals (dungeons and back), and how long it stays on a map before it does. */
    private final boolean dungeonGoer;

    private final long stayNanos;
    private Portals.Portal[] portalsHere = NO_PORTALS;
    private Portals.Portal portalGoal;
    private long portalAfterNanos;
    private long portalWaitSinceNanos;

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
        this.spreadYards = spreadYards;
        this.dungeonGoer = dungeonGoer;
        this.stayNanos = stayNanos;
        this.index = index;
        this.account = account;
        this.password = password;
        this.character = character;
        this.loop = loop;
        this.fleet = fleet;
        this.chatEveryNanos = chatEveryNanos;
    }

    // ---- connection ----

    /** Login (started at {@code loginStarted}, nano time) answered: connect to the node. On the loop's thread. */
    void connect(
            final InetSocketAddress nodeAddress,
            final byte[] sessionToken,
            final String instance,
            final long loginStarted) {
        if (fleet.stopping()) {
            state = State.DONE;
            settle(false);
            finish();
            return;
        }
        this.address = nodeAddress;
        this.token = sessionToken;
        this.instanceId = instance;
        this.loginStartedNanos = loginStarted;
        state = State.CONNECTING;
        phaseStartedNanos = System.nanoTime();
        open();
    }

    private void open() {
        connectTo(address, false);
    }

    /**
     * A new connection to {@code to}, the bot's own or ({@code asStandby}) its standby; this bot's
     * handler hears of it. The bot fails when its own cannot connect.
     */
    private void connectTo(final InetSocketAddress to, final boolean asStandby) {
        final ChannelFuture connect = loop.bootstrap
                .clone()
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        new LengthFieldBasedFrameDecoder(
                                                ByteOrder.LITTLE_ENDIAN,
                                                LENGTH_PREFIX + ClientProtocol.MAX_BODY,
                                                0,
                                                LENGTH_PREFIX,
                                                0,
                                                LENGTH_PREFIX,
                                                true),
                                        new BotChannelHandler(Bot.this));
                    }
                })
                .connect(to);
        if (asStandby) {
            standby = connect.channel();
        } else {
            channel = connect.channel();
        }
        connect.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess()) {
                return;
            }
            if (done.channel() == standby) {
                // Standing by is an optimization: without it, the REDIRECT is followed as a reconnect.
                standbyClosed();
            } else if (done.channel() == channel) {
                channel = null;
                final Throwable cause = done.cause();
                fail(
                        "connect",
                        "cannot connect to " + to + ": "
                                + (cause == null
                                        ? "cancelled"
                                        : cause.getMessage() == null ? cause.toString() : cause.getMessage()));
            }
        });
    }

    void onActive(final Channel ch) {
        if (ch == standby) {
            send(ch, ClientMessages.standbyHello(loop.out, LENGTH_PREFIX, ClientProtocol.VERSION, standbyToken), false);
            send(ch, ClientMessages.enterWorld(loop.out, LENGTH_PREFIX, standbyInstance), true);
            return;
        }
        if (ch != channel) {
            return;
        }
        state = State.HANDSHAKE;
        send(ClientMessages.hello(loop.out, LENGTH_PREFIX, ClientProtocol.VERSION, token), false);
        // Right behind HELLO: the node enters it once the login's claim is done, a round trip sooner than after
        // WELCOME.
        send(ClientMessages.enterWorld(loop.out, LENGTH_PREFIX, instanceId), true);
    }

    void onFrame(final Channel ch, final ByteBuf frame) {
        final int length = frame.readableBytes();
        final byte opcode = length > 0 ? frame.getByte(frame.readerIndex()) : 0;
        if (ch == retiring) {
            // The old node's last words: its REDIRECT (or a DISCONNECT); the rest is stale.
            if (opcode == ClientProtocol.REDIRECT || opcode == ClientProtocol.DISCONNECT) {
                ch.close();
            }
            return;
        }
        if (ch == standby) {
            if (opcode == ClientProtocol.DISCONNECT) {
                // Not let in (it waited too long, or the node refused it): the old connection goes on,
                // and nothing more that comes on this one counts.
                standbyClosed();
                ch.close();
                return;
            }
            takeOver();
        }
        if (ch != channel) {
            return;
        }
        if (frame.hasMemoryAddress()) {
            view.wrap(frame.memoryAddress() + frame.readerIndex(), length);
        } else if (frame.hasArray()) {
            view.wrap(frame.array(), frame.arrayOffset() + frame.readerIndex(), length);
        } else {
            frame.getBytes(frame.readerIndex(), loop.in, 0, length);
            view.wrap(loop.in, 0, length);
        }
        final FrameError error = ServerMessages.decode(view, 0, length, this);
        if (error != null) {
            fleet.protocolError(
                    this,
                    error.label(),
                    "frame of " + length + " bytes with opcode "
                            + (length > 0 ? String.format("0x%02X", view.getByte(0)) : "none"));
        }
    }

    /** The frame decoder gave up (a length prefix past the limit): the stream cannot be trusted any more. */
    void framingError(final Channel ch, final Throwable cause) {
        if (ch != channel) {
            return;
        }
        fleet.protocolError(this, "framing", cause.getMessage());
        closedForError = true;
        ch.close();
    }

    void onClosed(final Channel ch) {
        if (ch == retiring) {
            retiring = null;
            return;
        }
        if (ch == standby) {
            standbyClosed();
            return;
        }
        if (ch != channel) {
            return;
        }
        channel = null;
        closeDatagrams();
        if (state == State.REDIRECTING && !fleet.stopping()) {
            if (!redirectAwaitsStandby) {
                open();
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
        state = State.DONE;
        finish();
    }

    /** The run is over: LOGOUT when in the world, else close. */
    void logout() {
        closeSideConnections();
        if (channel == null) {
            return;
        }
        if (state == State.IN_WORLD && channel.isActive()) {
            state = State.LOGGING_OUT;
            send(ClientMessages.logout(loop.out, LENGTH_PREFIX), true);
        } else {
            state = State.LOGGING_OUT;
            channel.close();
        }
    }

    void forceClose() {
        closeDatagrams();
        closeSideConnections();
        if (channel != null) {
            if (state != State.DONE) {
                state = State.LOGGING_OUT;
            }
            channel.close();
        }
    }

    /** This bot is out: record why, close its connection if it has one. On the loop's thread. */
    void fail(final String step, final String detail) {
        fleet.failure(this, step, detail);
        settle(false);
        leaveWorld();
        state = State.DONE;
        closeDatagrams();
        closeSideConnections();
        if (channel != null) {
            channel.close();
        }
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

    /**
     * A UDP socket to the node, from a port of its own: the node binds a session's datagrams to the
     * first address they come from. Moves go over TCP until it is connected.
     */
    private void openDatagrams() {
        closeDatagrams();
        final ChannelFuture connect = loop.datagrams.connect(address);
        final Channel opened = connect.channel();
        datagrams = opened;
        connect.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess() && datagrams == opened) {
                datagrams = null;
                final Throwable cause = done.cause();
                fail(
                        "udp",
                        "cannot open a UDP socket to " + address + ": "
                                + (cause == null
                                        ? "cancelled"
                                        : cause.getMessage() == null ? cause.toString() : cause.getMessage()));
            }
        });
    }

    private void closeDatagrams() {
        if (datagrams != null) {
            datagrams.close();
            datagrams = null;
        }
    }

    /** The datagram whose body (at {@link ClientProtocol#DATAGRAM_BODY} of the loop's buffer) is {@code bodyLength} long. */
    private void sendDatagram(final int bodyLength) {
        loop.out.putLong(ClientProtocol.DATAGRAM_SESSION, sessionId, LE);
        loop.out.putBytes(ClientProtocol.DATAGRAM_COOKIE, cookie);
        final int length = ClientProtocol.DATAGRAM_BODY + bodyLength;
        final ByteBuf buf = datagrams.alloc().directBuffer(length);
        buf.writeBytes(loop.out.byteArray(), 0, length);
        datagrams.writeAndFlush(buf, datagrams.voidPromise());
    }

    private void send(final int bodyLength, final boolean flush) {
        send(channel, bodyLength, flush);
    }

    private void send(final Channel channel, final int bodyLength, final boolean flush) {
        final int frameLength = Frames.prefix(loop.out, 0, bodyLength);
        final ByteBuf buf = channel.alloc().directBuffer(frameLength);
        buf.writeBytes(loop.out.byteArray(), 0, frameLength);
        if (flush) {
            channel.writeAndFlush(buf, channel.voidPromise());
        } else {
            channel.write(buf, channel.voidPromise());
        }
    }

    // ---- behaviour ----

    /** One 50 ms step. On the loop's thread. */
    void tick(final long now) {
        switch (state) {
            case CONNECTING, HANDSHAKE, ENTERING, REDIRECTING -> {
                if (state == State.REDIRECTING
                        && redirectAwaitsStandby
                        && now - phaseStartedNanos > STANDBY_GRACE_NANOS
                        && standby != null) {
                    // Not let in by now: follow the REDIRECT instead (its close reconnects).
                    standby.close();
                }
                if (now - phaseStartedNanos > ENTER_TIMEOUT_NANOS) {
                    fail(
                            "enter",
                            "no WORLD_ENTERED within " + TimeUnit.NANOSECONDS.toSeconds(ENTER_TIMEOUT_NANOS)
                                    + " s of connecting (stuck in "
                                    + state.name().toLowerCase(Locale.ROOT) + ")");
                }
            }
            case IN_WORLD -> behave(now);
            default -> {}
        }
    }

    private void behave(final long now) {
        if (retiring != null && now - retiringSinceNanos > RETIRING_NANOS) {
            retiring.close();
        }
        if (channel == null || !channel.isWritable()) {
            lastMoveNanos = now;
            return;
        }
        final float step = (float) (SPEED * Math.min((now - lastMoveNanos) / 1e9, MAX_STEP_SECONDS));
        lastMoveNanos = now;
        if ((++ticks & 7) == 0) {
            entities.forgetFartherThan(x, y, visibility);
        }
        if (nodePositionKnown && sequence - ring.lastAcked() > UNACKED_MOVES_BEFORE_RESYNC) {
            // Moves are neither acknowledged nor applied: start again from where the node has the bot.
            x = nodeX;
            y = nodeY;
            moveCorrections++;
            nodePositionKnown = false;
        }

        if (portalsHere.length > 0 && dungeonGoer && now - portalAfterNanos >= 0) {
            if (!towardPortal(now, step)) {
                // In the portal, frozen until the node redirects: no moves to send.
                channel.flush();
                return;
            }
        } else {
            final float fromX = x;
            final float fromY = y;
            fightOrWander(now, step);
            if (Portals.enteredBy(portalsHere, fromX, fromY, x, y) != null) {
                // Not on its way out: it keeps clear of portals, as a player who means to stay would.
                x = fromX;
                y = fromY;
                heading += (float) Math.PI;
                nextTurnNanos = now + turnDelay();
            }
        }
        orientation = (float) (((heading % TWO_PI) + TWO_PI) % TWO_PI);

        sequence++;
        if (sequence == 0) {
            sequence = 1;
        }
        ring.sent(sequence, now, x, y);
        if (datagrams != null && datagrams.isActive()) {
            sendDatagram(
                    ClientMessages.move(loop.out, ClientProtocol.DATAGRAM_BODY, sequence, x, y, z, orientation, 0));
        } else {
            send(ClientMessages.move(loop.out, LENGTH_PREFIX, sequence, x, y, z, orientation, 0), false);
        }
        fleet.moveSent();

        if (now - nextChatNanos >= 0) {
            nextChatNanos = now + chatEveryNanos;
            send(ClientMessages.say(loop.out, LENGTH_PREFIX, "hello from " + character), false);
        }
        channel.flush();
    }

    private void fightOrWander(final long now, final float step) {
        VisibleEntities.Entity target = targetId != 0 ? entities.get(targetId) : null;
        if (target != null) {
            final float d = VisibleEntities.distance(target, x, y);
            if (target.dead()) {
                if (target.lootable()) {
                    if (d <= LOOT_DISTANCE) {
                        send(ClientMessages.loot(loop.out, LENGTH_PREFIX, target.id), false);
                        target = null;
                    }
                } else if (targetDeadSinceNanos == 0) {
                    targetDeadSinceNanos = now;
                } else if (now - targetDeadSinceNanos > LOOTABLE_WAIT_NANOS) {
                    target = null;
                }
            } else if (d > LEASH) {
                target = null;
            } else if (d <= ATTACK_RANGE && now - lastAttackNanos >= ATTACK_REPEAT_NANOS) {
                send(ClientMessages.attack(loop.out, LENGTH_PREFIX, target.id), false);
                lastAttackNanos = now;
            }
        }
        if (target == null) {
            targetId = 0;
            targetDeadSinceNanos = 0;
            if (health > 0 && now - nextLookNanos >= 0) {
                nextLookNanos = now + LOOK_EVERY_NANOS;
                target = entities.pickTarget(x, y, ATTACK_RANGE);
                if (target != null) {
                    targetId = target.id;
                    send(ClientMessages.attack(loop.out, LENGTH_PREFIX, target.id), false);
                    lastAttackNanos = now;
                }
            }
        }

        if (target != null) {
            final float stop = target.dead() ? LOOT_DISTANCE - 0.5f : MELEE_DISTANCE - 0.5f;
            final float dx = target.x - x;
            final float dy = target.y - y;
            final float d = (float) Math.sqrt(dx * dx + dy * dy);
            if (d > 0.01f) {
                heading = (float) Math.atan2(dy, dx);
            }
            if (d > stop) {
                final float move = Math.min(step, d - stop);
                x += dx / d * move;
                y += dy / d * move;
            }
        } else {
            wander(now, step);
        }
    }

    /**
     * Walk to the nearest portal of this map and into it. False once inside: the node froze the bot
     * for its transfer and will redirect it; after {@link #PORTAL_WAIT_NANOS} without a redirect the
     * bot gives up and tries again after its stay.
     */
    private boolean towardPortal(final long now, final float step) {
        if (portalGoal == null) {
            float best = Float.MAX_VALUE;
            for (final Portals.Portal portal : portalsHere) {
                final float d = (portal.x() - x) * (portal.x() - x) + (portal.y() - y) * (portal.y() - y);
                if (d < best) {
                    best = d;
                    portalGoal = portal;
                }
            }
            targetId = 0;
        }
        if (portalGoal.contains(x, y)) {
            if (portalWaitSinceNanos == 0) {
                portalWaitSinceNanos = now;
            } else if (now - portalWaitSinceNanos > PORTAL_WAIT_NANOS) {
                portalsRefused++;
                portalGoal = null;
                portalWaitSinceNanos = 0;
                portalAfterNanos = now + stayNanos;
                return true;
            }
            return false;
        }
        final float dx = portalGoal.x() - x;
        final float dy = portalGoal.y() - y;
        final float d = (float) Math.sqrt(dx * dx + dy * dy);
        heading = (float) Math.atan2(dy, dx);
        final float move = Math.min(step, d);
        x += dx / d * move;
        y += dy / d * move;
        return true;
    }

    private void wander(final long now, final float step) {
        final float awayX = x - spawnX;
        final float awayY = y - spawnY;
        final boolean outward = awayX * Math.cos(heading) + awayY * Math.sin(heading) > 0;
        if (awayX * awayX + awayY * awayY > WANDER_RADIUS * WANDER_RADIUS * 4) {
            // Far from home (just entered, or chased a creature away): head straight back.
            heading = (float) Math.atan2(-awayY, -awayX);
        } else if (outward && awayX * awayX + awayY * awayY > (WANDER_RADIUS - 5) * (WANDER_RADIUS - 5)) {
            heading = (float) (Math.atan2(-awayY, -awayX) + (loop.random.nextDouble() - 0.5));
            nextTurnNanos = now + turnDelay();
        } else if (now - nextTurnNanos >= 0) {
            heading = (float) (loop.random.nextDouble() * TWO_PI);
            nextTurnNanos = now + turnDelay();
        }
        x += (float) Math.cos(heading) * step;
        y += (float) Math.sin(heading) * step;
    }

    private long turnDelay() {
        return TimeUnit.MILLISECONDS.toNanos(2000 + loop.random.nextInt(3000));
    }

    // ---- what the node sends ----

    @Override
    public void welcome(
            final int version,
            final long sessionId,
            final DirectBuffer cookie,
            final int cookieOffset,
            final int tickHz) {
        if (state != State.HANDSHAKE) {
            fleet.protocolError(this, "unexpected_welcome", "WELCOME in state " + state);
            return;
        }
        state = State.ENTERING;
        this.sessionId = sessionId;
        cookie.getBytes(cookieOffset, this.cookie);
    }

    @Override
    public void worldEntered(
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
        entityId = entity;
        x = ex;
        y = ey;
        z = ez;
        orientation = eo;
        heading = eo;
        // Home: somewhere in the zone around the entry point, uniformly over a disc of the spread's radius.
        final double distance = spreadYards * Math.sqrt(loop.random.nextDouble());
        final double angle = loop.random.nextDouble() * TWO_PI;
        spawnX = ex + (float) (Math.cos(angle) * distance);
        spawnY = ey + (float) (Math.sin(angle) * distance);
        if (visibilityDistance > 0 && Float.isFinite(visibilityDistance)) {
            visibility = visibilityDistance;
        }
        entities.clear();
        targetId = 0;
        nodePositionKnown = false;
        lastMoveNanos = now;
        nextTurnNanos = now + turnDelay();
        nextChatNanos = now + (long) (loop.random.nextDouble() * chatEveryNanos);
        final boolean firstEntry = !enteredWorld;
        portalsHere = Portals.on(mapId);
        portalGoal = null;
        portalWaitSinceNanos = 0;
        // Off to a dungeon at once on first entering the world; after a stay on every map since.
        portalAfterNanos = firstEntry ? now : now + stayNanos;
        if (Portals.entryPoint(mapId).isPresent()) {
            instancesEntered++;
        }
        state = State.IN_WORLD;
        if (fleet.movesOverUdp()) {
            openDatagrams();
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

    @Override
    public void selfState(
            final int ackedSequence,
            final float sx,
            final float sy,
            final float sz,
            final float so,
            final int selfHealth,
            final int maxHealth,
            final int level,
            final long selfMoney,
            final long selfExperience) {
        final long now = System.nanoTime();
        if (redirectedAfterStateNanos != 0) {
            loop.redirectGaps.recordValue(Math.max(0, now - redirectedAfterStateNanos) / 1000);
            redirectedAfterStateNanos = 0;
        }
        lastSelfStateNanos = now;
        final long latency = ring.acked(ackedSequence, now);
        if (latency >= 0) {
            loop.latency.recordValue(latency / 1000);
            if (Math.abs(ring.sentX(ackedSequence) - sx) > CORRECTION
                    || Math.abs(ring.sentY(ackedSequence) - sy) > CORRECTION) {
                // The node refused a move (or moved the bot itself): continue from where it has the bot.
                x = sx;
                y = sy;
                moveCorrections++;
            }
        }
        nodePositionKnown = true;
        nodeX = sx;
        nodeY = sy;
        z = sz;
        health = selfHealth;
        if (experienceKnown && selfExperience > experience) {
            kills++;
            fleet.kill();
        }
        experienceKnown = true;
        experience = selfExperience;
        money = selfMoney;
        maxMoney = Math.max(maxMoney, selfMoney);
    }

    @Override
    public void entityUpdates(
            final int tick, final int flags, final int count, final DirectBuffer buffer, final int recordsOffset) {
        final boolean reset = (flags & UPDATES_FLAG_RESET) != 0;
        if (reset) {
            entities.clear();
        }
        final boolean notePlayers = reset || ++updates % NOTE_PLAYERS_EVERY_UPDATES == 0;
        for (int i = 0; i < count; i++) {
            final int at = recordsOffset + i * RECORD_LENGTH;
            if (Record.kind(buffer, at) == KIND_PLAYER) {
                final long id = Record.id(buffer, at);
                if (id != entityId) {
                    sawOthers = true;
                    if (notePlayers) {
                        loop.playersSeen.add(id);
                    }
                }
            } else {
                entities.put(buffer, at);
            }
        }
    }

    @Override
    public void entityGone(final int count, final DirectBuffer buffer, final int idsOffset) {
        for (int i = 0; i < count; i++) {
            entities.remove(buffer.getLong(idsOffset + i * 8, LE));
        }
    }

    @Override
    public void chat(final long fromEntity, final DirectBuffer text, final int offset, final int length) {
        if (fromEntity != entityId) {
            chatHeard++;
        }
    }

    @Override
    public void looted(final long corpseId, final long copper, final long moneyNow) {
        lootedCorpses++;
        lootedCopper += copper;
        money = moneyNow;
        maxMoney = Math.max(maxMoney, moneyNow);
    }

    @Override
    public void redirect(
            final String host,
            final int port,
            final DirectBuffer redirectToken,
            final int tokenOffset,
            final int tokenLength,
            final String instance) {
        final byte[] newToken = new byte[tokenLength];
        redirectToken.getBytes(tokenOffset, newToken);
        // Resolving here blocks the loop; redirects are rare and carry addresses, not names, in practice.
        final InetSocketAddress target = new InetSocketAddress(host, port);
        if (target.isUnresolved()) {
            fail("redirect", "cannot resolve redirect host " + host);
            return;
        }
        if (standby != null && !target.equals(standbyAddress)) {
            standby.close();
        }
        // Standing by there: that connection carries the bot on; the REDIRECT's token is the fallback.
        redirectAwaitsStandby = standby != null;
        leaveForNewNode();
        address = target;
        token = newToken;
        instanceId = instance;
        state = State.REDIRECTING;
        phaseStartedNanos = System.nanoTime();
        channel.close();
    }

    /** Forget the old node's view of the world: the bot is on its way to another node. */
    private void leaveForNewNode() {
        redirects++;
        redirectedAfterStateNanos = lastSelfStateNanos != 0 ? lastSelfStateNanos : System.nanoTime();
        entities.clear();
        ring.reset();
        targetId = 0;
        nodePositionKnown = false;
        closeDatagrams();
    }

    @Override
    public void standby(
            final String host,
            final int port,
            final DirectBuffer standbyTokenBuffer,
            final int tokenOffset,
            final int tokenLength,
            final String instance) {
        final InetSocketAddress target = new InetSocketAddress(host, port);
        if (state != State.IN_WORLD || target.isUnresolved() || standby != null && target.equals(standbyAddress)) {
            return;
        }
        if (standby != null) {
            // Still standing by for an earlier move, which went elsewhere or was called off.
            final Channel earlier = standby;
            standby = null;
            earlier.close();
        }
        standbyToken = new byte[tokenLength];
        standbyTokenBuffer.getBytes(tokenOffset, standbyToken);
        standbyAddress = target;
        standbyInstance = instance;
        connectTo(target, true);
    }

    /**
     * The node the bot stands by at let it in (its first frame, WELCOME): that connection is the bot's
     * from now on. The old one retires: it is closed when the old node sends its REDIRECT.
     */
    private void takeOver() {
        if (state != State.REDIRECTING) {
            leaveForNewNode();
            retiring = channel;
            retiringSinceNanos = System.nanoTime();
        }
        standbyTakeovers++;
        channel = standby;
        standby = null;
        redirectAwaitsStandby = false;
        address = standbyAddress;
        token = standbyToken;
        instanceId = standbyInstance;
        state = State.HANDSHAKE;
        phaseStartedNanos = System.nanoTime();
    }

    /** The standby connection closed before it was let in; a REDIRECT that waited for it is followed now. */
    private void standbyClosed() {
        standby = null;
        if (redirectAwaitsStandby) {
            redirectAwaitsStandby = false;
            if (state == State.REDIRECTING && channel == null && !fleet.stopping()) {
                open();
            }
        }
    }

    private void closeSideConnections() {
        if (standby != null) {
            final Channel closing = standby;
            redirectAwaitsStandby = false;
            standby = null;
            closing.close();
        }
        if (retiring != null) {
            retiring.close();
        }
    }

    @Override
    public void disconnect(final DisconnectReason reason, final String text) {
        disconnectReason = reason;
        final boolean expected = reason == DisconnectReason.LOGOUT && state == State.LOGGING_OUT;
        fleet.disconnected(this, reason.label(), !expected, text);
    }

    @Override
    public void pong(final long nonce) {
        // The bots send no PING; a PONG is harmless.
    }

    // ---- for tests ----

    State state() {
        return state;
    }
}
