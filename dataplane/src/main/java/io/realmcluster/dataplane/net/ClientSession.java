package io.realmcluster.dataplane.net;

import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.transfer.BattlegroundTrips;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.dataplane.world.battleground.BattlegroundMaps;
import io.realmcluster.dataplane.world.battleground.Team;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.client.FrameError;
import io.realmcluster.proto.client.Frames;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.v1.AnswerInviteResponse;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.NodeDescriptor;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One game client's TCP session, on its channel's event loop: checks the token in HELLO, puts
 * the character into its map, and turns its frames into inputs on the map's ingress ring. A
 * malformed frame, a flood, a bad token or silence closes the session with a DISCONNECT that says
 * why; nothing a client sends reaches a tick thread unless it decoded cleanly.
 *
 * <p>Its state changes in {@link #transition} only, which ends the old state's timer. Its fields, by the
 * thread that writes them: here and in {@link SessionLogin} (HELLO to WELCOME), the event loop's, the
 * volatile ones read by other threads too; in {@link SessionEgress}, the egress thread's; in {@link
 * SessionDatagrams}, the UDP thread's.
 */
final class ClientSession extends ChannelInboundHandlerAdapter implements ClientMessages.Handler, HomeTraveller {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
    static final long HELLO_TIMEOUT_MILLIS = 10_000;
    static final double FRAMES_PER_SECOND = 100;
    static final double FRAME_BURST = 200;
    /** Chat lines a player may say a second on average, in bursts of {@link #CHAT_BURST}; past it a line is refused. */
    static final double CHAT_PER_SECOND = 2;

    static final double CHAT_BURST = 5;
    /**
     * How long a LOGOUT waits for its save to be durable before the client is told anyway (a
     * database that does not answer, a save log with no room): the save still lands when it can.
     */
    static final long LOGOUT_WAIT_MILLIS = 5_000;

    private static final String CLIENT_CLOSED = "client_closed";

    private final SessionContext context;
    private final Channel channel;
    private final FrameView frame = new FrameView();
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[ClientProtocol.LENGTH_PREFIX + 512]);
    /** Everything this session puts on its map's ring but UDP moves, through a claim of its own. */
    private final PlayerInputs inputs;

    private final RateLimiter frames;
    private final RateLimiter chat;
    private final SessionLogin login;
    private final SessionEgress egress;
    private final SessionDatagrams datagrams;
    private final SessionQueues queues;
    /** Why a session closed when its character went to another node. */
    private static final String REDIRECTED = "REDIRECT";

    // The event loop writes these; the egress thread, the UDP thread and the node's wiring read them.
    private volatile SessionState state = SessionState.NEW;
    private volatile long id = -1;
    private volatile long characterId;
    private volatile InstanceHost.Running map;
    /** The current state's timer (HELLO's, a standby's end, a logout's wait), or null. */
    private ScheduledFuture<?> stateTimer;
    /** The match of the battleground instance this session's character entered, or null. The event loop's. */
    private String battlegroundMatch;
    /**
     * A login into a battleground's instance: the side of its seat, from the control plane (0 while it is asked;
     * {@link #REJOIN_ASKED} once asked). The event loop's.
     */
    private byte rejoinTeam;

    private static final byte REJOIN_ASKED = -1;
    /** A new login of the character on this node replaced this session. The event loop's. */
    private boolean replacedByLogin;
    /** The epoch of the last move of this session's map its client was told to stand by for (STANDBY), or 0. */
    private long stoodByForMove;

    ClientSession(final SessionContext context, final Channel channel) {
        this.context = context;
        this.channel = channel;
        this.inputs = new PlayerInputs(context.metrics());
        this.login = new SessionLogin(this, context);
        this.frames = new RateLimiter(FRAMES_PER_SECOND, FRAME_BURST, context.nanoClock());
        this.chat = new RateLimiter(CHAT_PER_SECOND, CHAT_BURST, context.nanoClock());
        this.egress = new SessionEgress(channel);
        this.datagrams = new SessionDatagrams(new RateLimiter(FRAMES_PER_SECOND, FRAME_BURST, context.nanoClock()));
        this.queues = new SessionQueues(
                this,
                context.queues(),
                new RateLimiter(SessionQueues.REQUESTS_PER_SECOND, SessionQueues.REQUEST_BURST, context.nanoClock()),
                this::enterBattleground);
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        expireIn(
                HELLO_TIMEOUT_MILLIS,
                DisconnectReason.TIMEOUT,
                "no HELLO within " + HELLO_TIMEOUT_MILLIS / 1000 + " s");
        ctx.fireChannelActive();
    }

    /**
     * The one place the session's state changes: logged, counted, and the old state's timer cancelled, since
     * a timer belongs to the state that set it. The event loop's.
     */
    void transition(final SessionState next, final String reason) {
        final SessionState from = state;
        if (from == next) {
            return;
        }
        if (stateTimer != null) {
            stateTimer.cancel(false);
            stateTimer = null;
        }
        state = next;
        if (from == SessionState.NEW) {
            // HELLO said (or the connection ends): no longer one of the connections the port holds few of.
            ConnectionGate.helloed(channel);
        }
        context.metrics().transition(from, next);
        if (next == SessionState.CLOSED
                && (from == SessionState.IN_WORLD || from == SessionState.LEAVING)
                && !REDIRECTED.equals(reason)) {
            // The player left the game (not for another node): its queue places wait for it a while.
            queues.away(login.claimed(), true);
            if (battlegroundMatch != null && !replacedByLogin) {
                // Out of a battleground's match without going home: its seat waits for it the disconnect grace.
                // (Replaced by a new login here: that login takes the seat back, and must not race a report.)
                queues.disconnected(
                        login.claimed(),
                        battlegroundMatch,
                        true,
                        context.epochClock().time());
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "session {} of character {} from {}: {} -> {} ({})",
                    id,
                    characterId,
                    channel.remoteAddress(),
                    from,
                    next,
                    reason);
        }
    }

    /** Close the session with {@code reason} unless its state changes within {@code millis}. */
    void expireIn(final long millis, final DisconnectReason reason, final String text) {
        final SessionState owner = state;
        stateTimer = channel.eventLoop()
                .schedule(
                        () -> {
                            if (state == owner) {
                                disconnect(reason, text);
                            }
                        },
                        millis,
                        TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (!(msg instanceof ByteBuf body)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (state == SessionState.CLOSED || state == SessionState.LEAVING) {
                return;
            }
            final int length = body.readableBytes();
            context.metrics().received(length + ClientProtocol.LENGTH_PREFIX);
            if (!frames.tryAcquire()) {
                if (context.instances().stoodStill(context.nanoClock().nanoTime())) {
                    // The node stood still: what the player sent meanwhile arrives at once, stale; not a flood.
                    context.metrics().rejected(FrameError.AFTER_STALL);
                    return;
                }
                disconnect(DisconnectReason.FLOOD, "more than " + (int) FRAMES_PER_SECOND + " frames a second");
                return;
            }
            final FrameError error = ClientMessages.decode(frame.wrap(body, length), 0, length, this);
            if (error != null) {
                context.metrics().rejected(error);
                disconnect(DisconnectReason.MALFORMED_FRAME, "malformed frame: " + error.label());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void hello(final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
        login.hello(version, token, tokenOffset, tokenLength);
    }

    @Override
    public void standbyHello(
            final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
        login.standbyHello(version, token, tokenOffset, tokenLength);
    }

    /** HELLO's token was good and the session has an id: other threads may find it from now on. For its login. */
    void admitted(final long sessionId, final long character) {
        id = sessionId;
        characterId = character;
        datagrams.cookie(context.sessions().cookie(sessionId));
    }

    /** The transfer of this session's character to this node was claimed: a session standing by for it enters. Any thread. */
    void transferClaimed() {
        channel.eventLoop().execute(login::arrive);
    }

    /** Tell the client its login is done. For its login. */
    void welcome(final int tickHz) {
        write(ServerMessages.welcome(reply, ClientProtocol.LENGTH_PREFIX, id, datagrams.cookie(), tickHz), null);
    }

    @Override
    public void enterWorld(final DirectBuffer instanceId, final int offset, final int length) {
        final String instance = instanceId.getStringWithoutLengthAscii(offset, length);
        if (!login.tokenAllows(instance)) {
            disconnect(
                    DisconnectReason.WRONG_INSTANCE,
                    "the session token is for map instance " + login.tokenInstance() + ", not " + instance);
            return;
        }
        if (login.enterWhenClaimed(instance)) {
            return;
        }
        if (state != SessionState.AUTHENTICATED) {
            disconnect(
                    DisconnectReason.OUT_OF_ORDER,
                    state == SessionState.IN_WORLD ? "already in the world" : "ENTER_WORLD before WELCOME");
            return;
        }
        enter(instance);
    }

    /** Put the claimed character on the map {@code instance}, or send it where that map hands its players. */
    void enter(final String instance) {
        final InstanceHost.Running running = context.instances().instance(instance);
        if (running == null) {
            disconnect(DisconnectReason.UNKNOWN_MAP, "map instance " + instance + " does not run on this node");
            return;
        }
        if (context.instances().handingOverTo(running.assignment()) != null) {
            // The map hands its players over to its copy on another node, where only a token of the control plane or
            // of that node lets one in: a login now goes there.
            disconnect(
                    DisconnectReason.MAP_CLOSED,
                    "map instance " + instance + " is moving to another node; log in again");
            return;
        }
        final Arrivals.Arrival arrival = login.arrival();
        final boolean battleground = running.assignment().getKind() == MapKind.MAP_KIND_BATTLEGROUND;
        final boolean rejoin =
                battleground && (arrival == null || !arrival.instanceId().equals(instance));
        if (rejoin && rejoinTeam <= 0) {
            // A login into a battleground (back from a disconnect): on the side of its seat, if it still holds one.
            askRejoin(running, instance);
            return;
        }
        final Ingress ingress = running.agent().ingress();
        if (login.replacedAnother()) {
            // The session this one replaced may not have left the map yet: take the character over in order.
            offerLeave(ingress, characterId, Inputs.ANY_SESSION);
        }
        final boolean joined = rejoin
                ? inputs.join(
                        ingress,
                        running,
                        instance,
                        characterId,
                        login.claimed(),
                        arrival,
                        ClientSessions.index(id),
                        rejoinTeam)
                : inputs.join(
                        ingress, running, instance, characterId, login.claimed(), arrival, ClientSessions.index(id));
        if (!joined) {
            disconnect(DisconnectReason.MAP_FULL, "the map is too busy to take a player; try again");
            return;
        }
        if (battleground) {
            battlegroundMatch = running.assignment().getOwner();
        }
        if (rejoin) {
            // Back at this time on this node's clock, which ordered its disconnect report too: a late one is stale.
            queues.disconnected(
                    login.claimed(),
                    battlegroundMatch,
                    false,
                    context.epochClock().time());
        }
        if (arrival != null && arrival.frozenAtMillis() > 0) {
            context.metrics().arrived(context.epochClock().time() - arrival.frozenAtMillis());
        }
        map = running;
        transition(SessionState.IN_WORLD, "ENTER_WORLD");
        // Invites that came while the player was not in the world here are told now.
        context.sessions().enteredWorld(characterId);
        if (arrival == null) {
            // A login, not an arrival from another node: queue places it left waiting are its again.
            queues.away(login.claimed(), false);
        }
        final NodeDescriptor preparing = context.instances().movingTo(running.assignment());
        if (preparing != null) {
            // Its copy loads there now: stand by there, as the players who were here before it moved did.
            final String entering = running.assignment().getMove().getToInstanceId();
            standByNow(
                    preparing,
                    instance,
                    entering.isEmpty() ? instance : entering,
                    running.assignment().getMove().getEpoch());
        }
    }

    /**
     * Ask the control plane for the side of this login's seat in the match {@code running} is bound to, then
     * enter; a login without an entered seat there (it left, the grace ran out, the match ended) is sent away to
     * log in again, which takes it home. The event loop's.
     */
    private void askRejoin(final InstanceHost.Running running, final String instance) {
        if (rejoinTeam == REJOIN_ASKED) {
            return;
        }
        rejoinTeam = REJOIN_ASKED;
        final String matchId = running.assignment().getOwner();
        queues.rejoin(login.claimed(), matchId, instance, (team, error) -> {
            if (state != SessionState.AUTHENTICATED) {
                return;
            }
            if (error != null) {
                rejoinTeam = 0;
                final Status status = Status.fromThrowable(error);
                LOG.info(
                        "character {} not taken back into match {}: {}", characterId, matchId, status.getDescription());
                disconnect(
                        DisconnectReason.CHARACTER_UNAVAILABLE,
                        status.getCode() == Status.Code.FAILED_PRECONDITION
                                ? "no seat in this battleground's match any more; log in again to go home"
                                : "cannot reach the control plane to rejoin the battleground; try again");
                return;
            }
            rejoinTeam = team == Faction.FACTION_ALLIANCE_VALUE ? Inputs.TEAM_ALLIANCE : Inputs.TEAM_HORDE;
            enter(instance);
        });
    }

    /**
     * The player's accept was taken: plan its trip (the saver writes the entry point with its departure save,
     * the transfer goes to the match's instance) and ask its map to freeze it for the transfer, at its team's
     * start. The event loop's.
     */
    private void enterBattleground(final ClaimedCharacter character, final AnswerInviteResponse where) {
        final InstanceHost.Running running = map;
        if (state != SessionState.IN_WORLD
                || running == null
                || character.key() != characterId
                || running.assignment().getKind() == MapKind.MAP_KIND_BATTLEGROUND) {
            // Not in the world, or in a battleground already (an accept again from inside answers the same).
            return;
        }
        if (where.getInstanceId().isEmpty() || !where.hasNode() || where.getMapId() == 0) {
            LOG.warn(
                    "the accept of {} into match {} names no instance and node yet; not entering",
                    character.nameWithRealm(),
                    where.getMatchId());
            return;
        }
        final int team = where.getTeam() == Faction.FACTION_ALLIANCE ? Team.ALLIANCE : Team.HORDE;
        final float[] start = BattlegroundMaps.start(where.getMapId(), team);
        context.trips()
                .planned(
                        characterId,
                        new BattlegroundTrips.Trip(
                                where.getMatchId(),
                                where.getInstanceId(),
                                where.getNode(),
                                where.getMapId(),
                                where.getTeamValue()));
        if (!inputs.enterBattleground(
                running.agent().ingress(),
                characterId,
                ClientSessions.index(id),
                where.getMapId(),
                start[0],
                start[1],
                start[2],
                0f)) {
            LOG.info(
                    "the map of {} had no room for its entry into match {}",
                    character.nameWithRealm(),
                    where.getMatchId());
        }
    }

    @Override
    public void battlegroundLeave() {
        final InstanceHost.Running running = inWorld("BATTLEGROUND_LEAVE");
        if (running == null) {
            return;
        }
        final BattlegroundExits exits = context.sessions().exits();
        if (running.assignment().getKind() != MapKind.MAP_KIND_BATTLEGROUND || exits == null) {
            // Not in a battleground: nothing to leave.
            return;
        }
        exits.leave(this, login.claimed(), running, battlegroundTeam(running));
    }

    /** The match sends everyone home: this player too, unless it is on its way already. Any thread. */
    void sendHome() {
        onEventLoop(() -> {
            final InstanceHost.Running running = map;
            final BattlegroundExits exits = context.sessions().exits();
            if (state == SessionState.IN_WORLD
                    && running != null
                    && exits != null
                    && running.assignment().getKind() == MapKind.MAP_KIND_BATTLEGROUND) {
                exits.leave(this, login.claimed(), running, battlegroundTeam(running));
            }
        });
    }

    /**
     * The player's trip home is planned: ask its map to freeze it for the transfer to its entry point. Gives the
     * trip up when the player is no longer in that battleground or its map has no room. Any thread.
     */
    @Override
    public void travelHome(final BattlegroundTrips.Homeward trip, final ClaimedCharacter.BattlegroundEntry entry) {
        final long key = characterId;
        channel.eventLoop().execute(() -> {
            final InstanceHost.Running running = map;
            final BattlegroundExits exits = context.sessions().exits();
            if (state != SessionState.IN_WORLD
                    || running == null
                    || running.assignment().getKind() != MapKind.MAP_KIND_BATTLEGROUND
                    || !inputs.leaveBattleground(
                            running.agent().ingress(),
                            characterId,
                            ClientSessions.index(id),
                            entry.mapId(),
                            entry.x(),
                            entry.y(),
                            entry.z(),
                            entry.orientation())) {
                LOG.info("the trip home of character {} is given up: it left its battleground or its map is busy", key);
                if (exits != null) {
                    exits.dropped(key, trip);
                }
            }
        });
    }

    /** The player's side on battleground {@code running}: its entry's, else its race's ({@link Team}). The event loop's. */
    private int battlegroundTeam(final InstanceHost.Running running) {
        final Arrivals.Arrival arrival = login.arrival();
        final byte team = arrival != null
                        && arrival.instanceId().equals(running.assignment().getInstanceId())
                ? arrival.team()
                : Inputs.TEAM_BY_RACE;
        return switch (team) {
            case Inputs.TEAM_ALLIANCE -> Team.ALLIANCE;
            case Inputs.TEAM_HORDE -> Team.HORDE;
            default -> Team.ofRace(login.claimed().race());
        };
    }

    @Override
    public void move(final int sequence, final float x, final float y, final float z, final float o, final int flags) {
        final InstanceHost.Running running = inWorld("MOVE");
        if (running != null) {
            inputs.move(running.agent().ingress(), characterId, sequence, x, y, z, o, flags);
        }
    }

    @Override
    public void say(final DirectBuffer text, final int offset, final int length) {
        final InstanceHost.Running running = inWorld("CHAT_SAY");
        if (running == null) {
            return;
        }
        if (!chat.tryAcquire()) {
            // Said too fast: the line reaches nobody, and the flood costs the map nothing.
            context.metrics().chatRefused();
            return;
        }
        inputs.chat(running.agent().ingress(), characterId, text, offset, length);
    }

    @Override
    public void attack(final long targetId) {
        target(Inputs.ATTACK, targetId, "ATTACK");
    }

    @Override
    public void loot(final long corpseId) {
        target(Inputs.LOOT, corpseId, "LOOT");
    }

    @Override
    public void itemMove(final int fromSlot, final int toSlot) {
        itemRequest(ClientProtocol.ITEM_MOVE, fromSlot, toSlot, 0, 0, "ITEM_MOVE");
    }

    @Override
    public void itemSplit(final int fromSlot, final int toSlot, final int count) {
        itemRequest(ClientProtocol.ITEM_SPLIT, fromSlot, toSlot, count, 0, "ITEM_SPLIT");
    }

    @Override
    public void itemDestroy(final int slot) {
        itemRequest(ClientProtocol.ITEM_DESTROY, slot, 0, 0, 0, "ITEM_DESTROY");
    }

    @Override
    public void tradeOpen(final long targetEntity) {
        itemRequest(ClientProtocol.TRADE_OPEN, 0, 0, 0, targetEntity, "TRADE_OPEN");
    }

    @Override
    public void tradePut(final int place, final int bagSlot) {
        itemRequest(ClientProtocol.TRADE_PUT, place, bagSlot, 0, 0, "TRADE_PUT");
    }

    @Override
    public void tradeMoney(final long copper) {
        itemRequest(ClientProtocol.TRADE_MONEY, 0, 0, 0, copper, "TRADE_MONEY");
    }

    @Override
    public void tradeAccept(final int version) {
        itemRequest(ClientProtocol.TRADE_ACCEPT, 0, 0, version, 0, "TRADE_ACCEPT");
    }

    @Override
    public void tradeCancel() {
        itemRequest(ClientProtocol.TRADE_CANCEL, 0, 0, 0, 0, "TRADE_CANCEL");
    }

    private void itemRequest(
            final byte opcode, final int a, final int b, final int count, final long value, final String what) {
        final InstanceHost.Running running = inWorld(what);
        if (running != null) {
            inputs.itemRequest(running.agent().ingress(), characterId, opcode, a, b, count, value);
        }
    }

    private void target(final int type, final long targetId, final String what) {
        final InstanceHost.Running running = inWorld(what);
        if (running != null) {
            inputs.target(running.agent().ingress(), type, characterId, targetId);
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
        if (state != SessionState.IN_WORLD || running == null) {
            disconnect(DisconnectReason.LOGOUT, "logged out");
            return;
        }
        transition(SessionState.LEAVING, "LOGOUT");
        login.loggedOut();
        map = null;
        offerLeave(running.agent().ingress(), characterId, ClientSessions.index(id));
        expireIn(LOGOUT_WAIT_MILLIS, DisconnectReason.LOGOUT, "logged out");
    }

    /** The saver settled this session's logout save: the client may go. Any thread. */
    void logoutSaved() {
        channel.eventLoop().execute(() -> {
            if (state == SessionState.LEAVING) {
                disconnect(DisconnectReason.LOGOUT, "logged out");
            }
        });
    }

    @Override
    public void ping(final long nonce) {
        write(ServerMessages.pong(reply, ClientProtocol.LENGTH_PREFIX, nonce), null);
    }

    @Override
    public void queueJoin(final int battleground) {
        if (inWorld("QUEUE_JOIN") != null) {
            queues.join(login.claimed(), battleground);
        }
    }

    @Override
    public void queueLeave(final int battleground) {
        if (inWorld("QUEUE_LEAVE") != null) {
            queues.leave(login.claimed(), battleground);
        }
    }

    @Override
    public void queueStatusRequest() {
        if (inWorld("QUEUE_STATUS_REQUEST") != null) {
            queues.status(login.claimed());
        }
    }

    @Override
    public void inviteAnswer(final String matchId, final boolean accept) {
        if (inWorld(accept ? "INVITE_ACCEPT" : "INVITE_DECLINE") != null) {
            queues.answer(login.claimed(), matchId, accept);
        }
    }

    /** Tell the player in the world here of its invite; {@code realm} its character's (null: any). Any thread. */
    void invited(final String realm, final int battleground, final int secondsLeft, final String matchId) {
        onEventLoop(() -> {
            if (playing(realm)) {
                queues.invited(battleground, secondsLeft, matchId);
            }
        });
    }

    /** Tell the player its invite is gone; {@code realm} its character's (null: any). Any thread. */
    void inviteGone(final String realm, final int battleground, final String matchId) {
        onEventLoop(() -> {
            if (playing(realm)) {
                queues.inviteGone(battleground, matchId);
            }
        });
    }

    /** In the world with a character of {@code realm} (null: any). The event loop's. */
    private boolean playing(final String realm) {
        final ClaimedCharacter character = login.claimed();
        return state == SessionState.IN_WORLD
                && character != null
                && (realm == null || realm.equals(character.realm()));
    }

    /** Run {@code task} on this session's event loop, unless the session has closed by then. Any thread. */
    void onEventLoop(final Runnable task) {
        channel.eventLoop().execute(() -> {
            if (state != SessionState.CLOSED) {
                task.run();
            }
        });
    }

    /** Send the body of {@code bodyLength} bytes at {@link ClientProtocol#LENGTH_PREFIX} of {@code buffer} as one frame. The event loop's. */
    void send(final UnsafeBuffer buffer, final int bodyLength) {
        final int frameLength = Frames.prefix(buffer, 0, bodyLength);
        final ByteBuf out = channel.alloc().buffer(frameLength);
        out.writeBytes(buffer.byteArray(), 0, frameLength);
        context.metrics().sent(frameLength);
        channel.writeAndFlush(out);
    }

    private InstanceHost.Running inWorld(final String what) {
        final InstanceHost.Running running = map;
        if (state != SessionState.IN_WORLD || running == null) {
            disconnect(DisconnectReason.OUT_OF_ORDER, what + " before ENTER_WORLD");
            return null;
        }
        return running;
    }

    /** Close with a reason from any thread: the session's event loop does it. */
    void kick(final DisconnectReason reason, final String text) {
        channel.eventLoop().execute(() -> {
            // Another login of the character took over here: it is not away from its match.
            replacedByLogin |= reason == DisconnectReason.DUPLICATE_LOGIN;
            disconnect(reason, text);
        });
    }

    /**
     * Send a REDIRECT frame body and close: the character went to another node. A client that
     * logged out meanwhile is only told it did (the other node gives the character back when
     * nobody comes). Any thread.
     */
    void redirect(final byte[] body) {
        channel.eventLoop().execute(() -> {
            if (state == SessionState.LEAVING) {
                disconnect(DisconnectReason.LOGOUT, "logged out");
            } else {
                redirectNow(body);
            }
        });
    }

    /**
     * The map this session plays on, {@code instanceId}, moves to {@code target} with its players
     * (move {@code moveEpoch}): tell the client to stand by there (STANDBY), once per move, so that
     * its hand-over needs no reconnect. Any thread.
     */
    void standBy(final NodeDescriptor target, final String instanceId, final long moveEpoch) {
        standBy(target, instanceId, instanceId, moveEpoch);
    }

    /** The same, where the players of {@code instanceId} enter {@code entering} there (a merge's whole continent). */
    void standBy(final NodeDescriptor target, final String instanceId, final String entering, final long moveEpoch) {
        channel.eventLoop().execute(() -> standByNow(target, instanceId, entering, moveEpoch));
    }

    private void standByNow(
            final NodeDescriptor target, final String instanceId, final String entering, final long moveEpoch) {
        final InstanceHost.Running running = map;
        if (state != SessionState.IN_WORLD
                || running == null
                || !running.assignment().getInstanceId().equals(instanceId)
                || stoodByForMove == moveEpoch) {
            return;
        }
        stoodByForMove = moveEpoch;
        final byte[] body = context.handover().standby(login.claimed(), target, entering);
        writeBody(body, body.length);
    }

    /**
     * The player nears the boundary of its cell with the neighbour on {@code side}: its client stands by on that
     * cell's node (a STANDBY for the neighbour's instance), so that crossing over is a hand-over on a connection
     * already open, not a reconnect. Any thread.
     */
    void standByCell(final int side) {
        channel.eventLoop().execute(() -> {
            final InstanceHost.Running running = map;
            if (state != SessionState.IN_WORLD || running == null) {
                return;
            }
            final io.realmcluster.proto.v1.InstanceRoute across =
                    context.sessions().cells().across(running, side);
            if (across == null || across.getNode().getNodeId().equals(context.nodeId())) {
                // No neighbour, or one on this node (two cells share it while the cluster has one continent node):
                // the crossing hands the player over here, a REDIRECT to this node, with nothing to stand by at.
                return;
            }
            final byte[] body = context.handover()
                    .standby(
                            login.claimed(),
                            across.getNode(),
                            across.getInstance().getInstanceId());
            writeBody(body, body.length);
        });
    }

    private void redirectNow(final byte[] body) {
        if (state == SessionState.CLOSED) {
            return;
        }
        transition(SessionState.CLOSED, REDIRECTED);
        context.metrics().disconnected("redirect");
        writeBody(body, body.length).addListener(LastFrame.THEN_CLOSE);
    }

    /** Write the first {@code length} bytes of {@code body} as one frame (a body built off {@link #reply}, which may be too small). */
    private ChannelFuture writeBody(final byte[] body, final int length) {
        final ByteBuf out = channel.alloc().buffer(ClientProtocol.LENGTH_PREFIX + length);
        out.writeShortLE(length);
        out.writeBytes(body, 0, length);
        context.metrics().sent(out.readableBytes());
        return channel.writeAndFlush(out);
    }

    /** Send DISCONNECT and close. The session's event loop. */
    void disconnect(final DisconnectReason reason, final String text) {
        if (state == SessionState.CLOSED) {
            return;
        }
        transition(SessionState.CLOSED, reason.label() + ": " + text);
        context.metrics().disconnected(reason);
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
        context.metrics().sent(frameLength);
        if (then != null) {
            channel.writeAndFlush(out).addListener(then);
        } else {
            channel.writeAndFlush(out);
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        if (state != SessionState.CLOSED) {
            // Neither a DISCONNECT nor a REDIRECT ended it: the client did.
            context.metrics().disconnected(CLIENT_CLOSED);
            transition(SessionState.CLOSED, "the connection closed");
        }
        final InstanceHost.Running running = map;
        if (running != null) {
            // The map saves the character as it leaves.
            offerLeave(running.agent().ingress(), characterId, ClientSessions.index(id));
        } else {
            login.giveBack();
        }
        if (id >= 0) {
            context.sessions().releaseStandby(characterId, this);
            context.sessions().releaseCharacter(characterId, this);
            context.sessions().unregister(id, this);
        }
        ctx.fireChannelInactive();
    }

    private void offerLeave(final Ingress ingress, final long entity, final int session) {
        if (!inputs.leave(ingress, entity, session)) {
            // A leave must not be lost (the character would stay in the world): try again shortly.
            channel.eventLoop().schedule(() -> offerLeave(ingress, entity, session), 1, TimeUnit.MILLISECONDS);
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
            context.metrics().rejected(FrameError.OVERSIZED);
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

    @Override
    public InstanceHost.Running map() {
        return map;
    }

    SessionState state() {
        return state;
    }

    @Override
    public boolean inWorld() {
        return state == SessionState.IN_WORLD;
    }

    SessionEgress egress() {
        return egress;
    }

    SessionDatagrams datagrams() {
        return datagrams;
    }
}
