package io.realmcluster.dataplane.world;

import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.tick.TickSimulation;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.world.Portals;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The simulation of one map instance: players move (at a speed the server checks), creatures live
 * on a grid of cells, wander around their home, aggro on players who come close, fight, die,
 * leave corpses with money to loot, and respawn. Entities are slots in parallel arrays and the
 * id-to-slot index is an open-addressing map, so a tick allocates nothing. Deterministic for a
 * given seed and input sequence.
 *
 * <p>After each tick it tells each player what changed around it (see docs/client-protocol.md,
 * Visibility) through the {@link Outbox}: its own state every tick it changed; every
 * {@code UPDATE_EVERY_TICKS} ticks (players spread over them) the entities within its visibility
 * distance that changed or came into sight since its last update; everything in sight when it
 * enters the map.
 */
public final class MapWorld implements TickSimulation {
    static final byte FREE = 0;
    static final byte PLAYER = 1;
    static final byte CREATURE = 2;

    /** Vanilla run speed, 7 yards per second; walking creatures go at 2.5. */
    static final float RUN_SPEED = 7f;

    static final float WALK_SPEED = 2.5f;
    /** Slack on the server's speed check for jitter in when inputs arrive. */
    static final float SPEED_SLACK = 1.5f;

    static final float AGGRO_RADIUS = 10f;
    static final float LEASH_RADIUS = 40f;
    static final float WANDER_RADIUS = 15f;
    static final float MELEE_RANGE = 5f;
    static final float ATTACK_RANGE = 30f;
    static final float LOOT_RANGE = 5f;
    /** How far a say carries, as in the game: those farther away may see the speaker but do not hear it. */
    static final float SAY_RANGE = 25f;

    static final long CREATURE_ID_BASE = 1L << 48;
    /** Entity updates go to each player every this many ticks (10 Hz at 20 Hz ticks); its own state every tick. */
    static final int UPDATE_EVERY_TICKS = 2;
    /** Players a moving instance freezes for their hand-over per tick: 500 a second at 20 Hz, what the transfer threads keep up with. */
    static final int HAND_OVERS_PER_TICK = 25;
    /**
     * Players a moving instance keeps frozen at once, at most: one tick's worth, so the next players
     * freeze only when those before them are gone (or given back). A freeze is a loading screen; a
     * player not yet frozen plays on. When hand-overs fall behind (a stalled target, a saturated
     * machine), a larger cap only makes more players wait frozen: with 1,000 bots on 2 cores, 3 ticks'
     * worth left 40 to 173 of 1,000 players within 2 ticks of their freeze in a node's first drain,
     * 1 tick's worth 415 to 516 (bench/RESULTS.md, drain).
     */
    static final int MAX_FROZEN_FOR_HAND_OVER = HAND_OVERS_PER_TICK;
    /** A player's part in a transfer away from this map: none, frozen until it commits or fails, or frozen with its client gone. */
    static final byte STAYING = 0;

    static final byte DEPARTING = 1;
    static final byte DEPARTING_CLIENT_GONE = 2;

    private final WorldSettings settings;
    private final int mapId;
    private final SaveLog saves;
    private final int handle;
    private final Outbox outbox;
    private final UnsafeBuffer out;
    private final float spawnX;
    private final float spawnY;
    private final SplittableRandom random;
    private final Grid grid;
    private final RingClaim saveClaim = new RingClaim();
    private final Long2LongHashMap slotById = new Long2LongHashMap(-1);
    private final int[] around = new int[9];
    private final int ticksPerSecond;
    private final int attackIntervalTicks;
    private final int respawnTicks;

    private final long[] id;
    private final byte[] kind;
    private final float[] x;
    private final float[] y;
    private final float[] z;
    private final float[] o;
    private final float[] homeX;
    private final float[] homeY;
    private final float[] goalX;
    private final float[] goalY;
    private final int[] health;
    private final int[] maxHealth;
    private final int[] level;
    private final int[] target;
    /** The entity id {@code target} held when it was set: a slot freed and reused is not the same foe. */
    private final long[] targetId;

    private final long[] nextActionTick;
    private final long[] lastMoveTick;
    private final long[] money;
    private final int[] killer;
    private final boolean[] dead;
    /** The tick an entity last moved or changed health or life: what updates carry. */
    private final long[] changedTick;
    // Per player: its client session, the tick and cell of its last entity update, its own state.
    private final int[] session;
    private final long[] sentTick;
    private final int[] sentCell;
    private final float[] sentX;
    private final float[] sentY;
    private final int[] ackedSequence;
    private final long[] experience;
    private final boolean[] selfDirty;
    /** WORLD_ENTERED did not fit the outbox: sent again before anything else, each tick until it does. */
    private final boolean[] enterUnsent;
    /** Ownership epoch each player was claimed at, and its save sequence: every save is fenced by both. */
    private final long[] epoch;

    private final long[] saveSeq;
    /** Money the database holds for the player: what its client is shown; a loot adds to it once durable. */
    private final long[] durableMoney;
    /** The player changed since its last snapshot went to the save log. */
    private final boolean[] persistDirty;

    private final byte[] departing;
    /** While the instance hands its players over: the tick from which each may be tried (again). */
    private final long[] handOverTick;

    private final Portals.Portal[] portals;
    private long departures;
    /** Players frozen for a transfer away: not yet gone, nor given back. */
    private int frozen;
    /** The epoch of the move this instance hands its players over for; 0 when it keeps them. Set by the node's session thread. */
    private volatile long handOverEpoch;
    /** The move epoch for which this instance is empty and handing over; 0 otherwise. Set by the tick thread. */
    private volatile long handedOverEpoch;

    private final int[] freeSlots;
    private int freeCount;

    private long tick;
    /** When the last tick started, on its agent's clock: the time a player frozen now is frozen at. */
    private long tickNanos;
    /** Written by the tick thread, read by load reports. */
    private volatile int players;

    private long rejectedMoves;
    private long rejectedInputs;
    private long kills;
    private long droppedSaves;

    /**
     * A map with its creatures spawned around ({@code centerX}, {@code centerY}); {@code saves}
     * takes what must be saved, tagged with {@code handle} so confirmations find their way back.
     */
    public MapWorld(
            final WorldSettings settings,
            final int mapId,
            final long seed,
            final float centerX,
            final float centerY,
            final SaveLog saves,
            final int handle,
            final Outbox outbox) {
        this.settings = settings;
        this.mapId = mapId;
        this.saves = saves;
        this.handle = handle;
        this.outbox = outbox;
        this.out = outbox.scratch();
        this.spawnX = centerX;
        this.spawnY = centerY;
        this.random = new SplittableRandom(seed);
        this.ticksPerSecond = settings.tickHz();
        this.attackIntervalTicks = 2 * ticksPerSecond;
        this.respawnTicks = 30 * ticksPerSecond;
        final int capacity = settings.creatures() + settings.maxPlayers();
        final float half = settings.playAreaYards() / 2;
        this.grid = new Grid(
                centerX - half, centerY - half, settings.playAreaYards(), settings.visibilityYards(), capacity);
        id = new long[capacity];
        kind = new byte[capacity];
        x = new float[capacity];
        y = new float[capacity];
        z = new float[capacity];
        o = new float[capacity];
        homeX = new float[capacity];
        homeY = new float[capacity];
        goalX = new float[capacity];
        goalY = new float[capacity];
        health = new int[capacity];
        maxHealth = new int[capacity];
        level = new int[capacity];
        target = new int[capacity];
        targetId = new long[capacity];
        nextActionTick = new long[capacity];
        lastMoveTick = new long[capacity];
        money = new long[capacity];
        killer = new int[capacity];
        dead = new boolean[capacity];
        changedTick = new long[capacity];
        session = new int[capacity];
        sentTick = new long[capacity];
        sentCell = new int[capacity];
        sentX = new float[capacity];
        sentY = new float[capacity];
        ackedSequence = new int[capacity];
        experience = new long[capacity];
        selfDirty = new boolean[capacity];
        enterUnsent = new boolean[capacity];
        epoch = new long[capacity];
        saveSeq = new long[capacity];
        durableMoney = new long[capacity];
        persistDirty = new boolean[capacity];
        departing = new byte[capacity];
        handOverTick = new long[capacity];
        portals = Portals.on(mapId);
        freeSlots = new int[capacity];
        for (int slot = capacity - 1; slot >= 0; slot--) {
            freeSlots[freeCount++] = slot;
        }
        for (int i = 0; i < settings.creatures(); i++) {
            spawnCreature(
                    i,
                    centerX - half + random.nextFloat() * settings.playAreaYards(),
                    centerY - half + random.nextFloat() * settings.playAreaYards());
        }
    }

    private void spawnCreature(final int index, final float px, final float py) {
        final int slot = freeSlots[--freeCount];
        id[slot] = CREATURE_ID_BASE + index;
        kind[slot] = CREATURE;
        x[slot] = px;
        y[slot] = py;
        homeX[slot] = px;
        homeY[slot] = py;
        goalX[slot] = px;
        goalY[slot] = py;
        level[slot] = settings.creatureMinLevel()
                + random.nextInt(settings.creatureMaxLevel() - settings.creatureMinLevel() + 1);
        maxHealth[slot] = 20 + level[slot] * 12;
        health[slot] = maxHealth[slot];
        target[slot] = Grid.NONE;
        killer[slot] = Grid.NONE;
        nextActionTick[slot] = random.nextInt(100);
        slotById.put(id[slot], slot);
        grid.place(slot, px, py);
    }

    @Override
    public void onInput(final int type, final DirectBuffer buffer, final int offset, final int length) {
        if (!Inputs.wellFormed(type, buffer, offset, length)) {
            rejectedInputs++;
            return;
        }
        final long entity = Inputs.entity(buffer, offset);
        switch (type) {
            case Inputs.PLAYER_JOIN -> join(entity, buffer, offset);
            case Inputs.PLAYER_LEAVE -> leave(entity, buffer.getInt(offset + Inputs.LEAVE_SESSION));
            case Inputs.CHAT -> chat(entity, buffer, offset);
            case Inputs.MOVE -> move(entity, buffer, offset);
            case Inputs.ATTACK -> attack(entity, buffer.getLong(offset + Inputs.TARGET_OFFSET));
            case Inputs.LOOT -> loot(entity, buffer.getLong(offset + Inputs.TARGET_OFFSET));
            case Inputs.LOOT_CONFIRMED -> lootConfirmed(entity, buffer, offset);
            case Inputs.CHARACTER_LOST ->
                lost(
                        entity,
                        buffer.getInt(offset + Inputs.LOST_SESSION),
                        buffer.getLong(offset + Inputs.LOST_EPOCH),
                        DisconnectReason.DUPLICATE_LOGIN,
                        "this character logged in elsewhere");
            case Inputs.TRANSFER_LOST ->
                lost(
                        entity,
                        buffer.getInt(offset + Inputs.LOST_SESSION),
                        buffer.getLong(offset + Inputs.LOST_EPOCH),
                        DisconnectReason.CHARACTER_UNAVAILABLE,
                        "the node this character went to stopped answering; log in again");
            case Inputs.DEPARTED -> departed(entity, buffer, offset);
            case Inputs.DEPART_FAILED ->
                departFailed(
                        entity,
                        buffer.getInt(offset + Inputs.FAILED_SESSION),
                        buffer.getLong(offset + Inputs.FAILED_EPOCH));
            default -> rejectedInputs++;
        }
    }

    private void join(final long entity, final DirectBuffer buffer, final int offset) {
        final int client = buffer.getInt(offset + Inputs.JOIN_SESSION);
        if (slotById.get(entity) != -1 || freeCount == 0 || entity >= CREATURE_ID_BASE || entity <= 0) {
            rejectedInputs++;
            final DisconnectReason why = freeCount == 0 ? DisconnectReason.MAP_FULL : DisconnectReason.DUPLICATE_LOGIN;
            outbox.send(
                    Outbox.FRAME_THEN_CLOSE,
                    client,
                    entity,
                    ServerMessages.disconnect(
                            out,
                            Outbox.BODY_OFFSET,
                            why,
                            why == DisconnectReason.MAP_FULL
                                    ? "this map has no room for another player"
                                    : "this character is already in the world"));
            return;
        }
        final int slot = freeSlots[--freeCount];
        id[slot] = entity;
        kind[slot] = PLAYER;
        x[slot] = buffer.getFloat(offset + Inputs.JOIN_X);
        y[slot] = buffer.getFloat(offset + Inputs.JOIN_Y);
        z[slot] = buffer.getFloat(offset + Inputs.JOIN_Z);
        o[slot] = buffer.getFloat(offset + Inputs.JOIN_O);
        level[slot] = buffer.getInt(offset + Inputs.JOIN_LEVEL);
        maxHealth[slot] = Math.max(1, buffer.getInt(offset + Inputs.JOIN_HEALTH));
        health[slot] = maxHealth[slot];
        money[slot] = buffer.getLong(offset + Inputs.JOIN_MONEY);
        durableMoney[slot] = money[slot];
        epoch[slot] = buffer.getLong(offset + Inputs.JOIN_EPOCH);
        saveSeq[slot] = buffer.getLong(offset + Inputs.JOIN_SAVE_SEQ);
        persistDirty[slot] = false;
        departing[slot] = STAYING;
        handOverTick[slot] = 0;
        target[slot] = Grid.NONE;
        dead[slot] = false;
        lastMoveTick[slot] = tick;
        nextActionTick[slot] = tick;
        session[slot] = client;
        sentCell[slot] = Grid.NONE;
        ackedSequence[slot] = 0;
        experience[slot] = buffer.getLong(offset + Inputs.JOIN_EXPERIENCE);
        selfDirty[slot] = true;
        changedTick[slot] = inputTick();
        slotById.put(entity, slot);
        grid.place(slot, x[slot], y[slot]);
        players++;
        sendWorldEntered(slot);
    }

    private void sendWorldEntered(final int slot) {
        enterUnsent[slot] = !outbox.send(
                Outbox.FRAME,
                session[slot],
                id[slot],
                ServerMessages.worldEntered(
                        out,
                        Outbox.BODY_OFFSET,
                        id[slot],
                        mapId,
                        x[slot],
                        y[slot],
                        z[slot],
                        o[slot],
                        settings.visibilityYards()));
    }

    private void leave(final long entity, final int client) {
        final int slot = playerSlot(entity);
        if (slot == Grid.NONE || (client != Inputs.ANY_SESSION && client != session[slot])) {
            return;
        }
        if (departing[slot] != STAYING) {
            // Its transfer decides where it is saved: the target's claim, or the abort that gives it back here.
            departing[slot] = DEPARTING_CLIENT_GONE;
            return;
        }
        // A full save log leaves the character as its last snapshot saved it: a second of movement at most.
        save(slot, Saves.LOGOUT, 0, 0);
        remove(slot);
    }

    /** The character is owned elsewhere (another login, or a transfer's target): drop it without saving, and close its session. */
    private void lost(
            final long entity,
            final int client,
            final long lostEpoch,
            final DisconnectReason reason,
            final String text) {
        final int slot = playerSlot(entity);
        // A session's index is reused: the player who logged in again since, on the index its last session had,
        // holds a later claim and is not the one lost.
        if (slot == Grid.NONE || client != session[slot] || lostEpoch != epoch[slot]) {
            return;
        }
        outbox.send(
                Outbox.FRAME_THEN_CLOSE,
                session[slot],
                entity,
                ServerMessages.disconnect(out, Outbox.BODY_OFFSET, reason, text));
        remove(slot);
    }

    private void remove(final int slot) {
        final long entity = id[slot];
        final int bodyLength = ServerMessages.entityGone(out, Outbox.BODY_OFFSET, entity);
        final int cells = grid.neighbourhood(grid.cellOf(slot), around);
        for (int c = 0; c < cells; c++) {
            for (int other = grid.first(around[c]); other != Grid.NONE; other = grid.next(other)) {
                if (kind[other] == PLAYER && other != slot) {
                    outbox.send(Outbox.FRAME, session[other], id[other], bodyLength);
                }
            }
        }
        grid.remove(slot);
        slotById.remove(entity);
        if (departing[slot] != STAYING) {
            departing[slot] = STAYING;
            frozen--;
        }
        kind[slot] = FREE;
        freeSlots[freeCount++] = slot;
        players--;
    }

    private void move(final long entity, final DirectBuffer buffer, final int offset) {
        final int slot = playerSlot(entity);
        if (slot == Grid.NONE) {
            rejectedInputs++;
            return;
        }
        if (departing[slot] != STAYING) {
            return;
        }
        final float nx = buffer.getFloat(offset + Inputs.MOVE_X);
        final float ny = buffer.getFloat(offset + Inputs.MOVE_Y);
        final long elapsedTicks = Math.max(1, tick - lastMoveTick[slot]);
        final float allowed = RUN_SPEED * elapsedTicks / ticksPerSecond * SPEED_SLACK + 0.5f;
        if (!Float.isFinite(nx) || !Float.isFinite(ny) || distance(x[slot], y[slot], nx, ny) > allowed) {
            rejectedMoves++;
            return;
        }
        final float fromX = x[slot];
        final float fromY = y[slot];
        x[slot] = nx;
        y[slot] = ny;
        z[slot] = buffer.getFloat(offset + Inputs.MOVE_Z);
        o[slot] = buffer.getFloat(offset + Inputs.MOVE_O);
        lastMoveTick[slot] = tick;
        ackedSequence[slot] = buffer.getInt(offset + Inputs.MOVE_SEQUENCE);
        changedTick[slot] = inputTick();
        selfDirty[slot] = true;
        persistDirty[slot] = true;
        grid.place(slot, nx, ny);
        final Portals.Portal portal = Portals.enteredBy(portals, fromX, fromY, nx, ny);
        if (portal != null) {
            depart(slot, portal);
        }
    }

    /**
     * The player walked into a portal: freeze it and ask the saver to save it IN_TRANSFER, after
     * which the transfer service offers it to the node of the portal's far side. A full save log
     * leaves it here (it can walk in again).
     */
    private void depart(final int slot, final Portals.Portal portal) {
        depart(slot, portal.toMapId(), portal.toX(), portal.toY(), portal.toZ(), portal.toO());
    }

    /** Freeze the player for a transfer to {@code toMap} (or {@link Saves#SAME_INSTANCE}); false when the save log is full. */
    private boolean depart(
            final int slot, final int toMap, final float toX, final float toY, final float toZ, final float toO) {
        try (RingClaim claim = saves.claim(saveClaim, Saves.DEPART)) {
            if (!claim.claimed()) {
                droppedSaves++;
                return false;
            }
            encodeSave(slot, claim, 0, 0);
            Saves.destination(claim.buffer(), claim.index(), toMap, toX, toY, toZ, toO, tickNanos);
            claim.commit();
        }
        departing[slot] = DEPARTING;
        frozen++;
        target[slot] = Grid.NONE;
        persistDirty[slot] = false;
        departures++;
        return true;
    }

    /**
     * The instance is moving to another node: freeze a few more of its players each tick for a
     * transfer to its copy there, where they stand (a player whose transfer was called off is tried
     * again a second later). Once none is left, say so for the node's load report.
     */
    private void handOver() {
        final long moveEpoch = handOverEpoch;
        if (moveEpoch == 0) {
            handedOverEpoch = 0;
            return;
        }
        int started = 0;
        for (int slot = 0;
                slot < id.length && started < HAND_OVERS_PER_TICK && frozen < MAX_FROZEN_FOR_HAND_OVER;
                slot++) {
            if (kind[slot] == PLAYER && departing[slot] == STAYING && handOverTick[slot] <= tick) {
                if (!depart(slot, Saves.SAME_INSTANCE, x[slot], y[slot], z[slot], o[slot])) {
                    break;
                }
                started++;
            }
        }
        handedOverEpoch = players == 0 ? moveEpoch : 0;
    }

    /**
     * Hand every player over to the instance's copy on another node, for the move of {@code moveEpoch};
     * 0 stops (the move was called off). Any thread.
     */
    public void handOver(final long moveEpoch) {
        handOverEpoch = moveEpoch;
    }

    /** The move epoch for which this instance has handed over every player, 0 while it has players or keeps them. Any thread. */
    public long handedOver() {
        return handedOverEpoch;
    }

    /** The transfer committed: the client goes to the target node, the character is no longer this map's. */
    private void departed(final long entity, final DirectBuffer buffer, final int offset) {
        final int slot = playerSlot(entity);
        if (slot == Grid.NONE
                || departing[slot] == STAYING
                || buffer.getInt(offset + Inputs.DEPARTED_SESSION) != session[slot]) {
            return;
        }
        final int frameLength = buffer.getShort(offset + Inputs.DEPARTED_FRAME_LENGTH) & 0xFFFF;
        if (departing[slot] == DEPARTING && frameLength > 0) {
            out.putBytes(Outbox.BODY_OFFSET, buffer, offset + Inputs.DEPARTED_FRAME, frameLength);
            outbox.send(Outbox.FRAME_THEN_CLOSE, session[slot], entity, frameLength);
        }
        remove(slot);
    }

    /** The transfer was called off: the character is this map's again, at the epoch the abort gave it. */
    private void departFailed(final long entity, final int client, final long newEpoch) {
        final int slot = playerSlot(entity);
        if (slot == Grid.NONE || departing[slot] == STAYING || client != session[slot]) {
            return;
        }
        final boolean clientGone = departing[slot] == DEPARTING_CLIENT_GONE;
        departing[slot] = STAYING;
        frozen--;
        epoch[slot] = newEpoch;
        handOverTick[slot] = tick + ticksPerSecond;
        selfDirty[slot] = true;
        if (clientGone) {
            save(slot, Saves.LOGOUT, 0, 0);
            remove(slot);
        }
    }

    /** Inputs are applied before the next tick runs: what they change is that tick's news. */
    private long inputTick() {
        return tick + 1;
    }

    private void chat(final long entity, final DirectBuffer buffer, final int offset) {
        final int slot = playerSlot(entity);
        if (slot == Grid.NONE) {
            rejectedInputs++;
            return;
        }
        final int bodyLength = ServerMessages.chat(
                out,
                Outbox.BODY_OFFSET,
                entity,
                buffer,
                offset + Inputs.CHAT_TEXT,
                buffer.getByte(offset + Inputs.CHAT_TEXT_LENGTH) & 0xFF);
        final int cells = grid.neighbourhood(grid.cellOf(slot), around);
        for (int c = 0; c < cells; c++) {
            for (int other = grid.first(around[c]); other != Grid.NONE; other = grid.next(other)) {
                if (kind[other] == PLAYER && distance(x[slot], y[slot], x[other], y[other]) <= SAY_RANGE) {
                    outbox.send(Outbox.FRAME, session[other], id[other], bodyLength);
                }
            }
        }
    }

    private void attack(final long entity, final long targetId) {
        final int slot = playerSlot(entity);
        final long targetSlot = slotById.get(targetId);
        if (slot == Grid.NONE
                || departing[slot] != STAYING
                || targetSlot == -1
                || kind[(int) targetSlot] != CREATURE
                || dead[(int) targetSlot]
                || distance(x[slot], y[slot], x[(int) targetSlot], y[(int) targetSlot]) > ATTACK_RANGE) {
            rejectedInputs++;
            return;
        }
        target[slot] = (int) targetSlot;
    }

    private void loot(final long entity, final long corpseId) {
        final int slot = playerSlot(entity);
        final long corpse = slotById.get(corpseId);
        if (slot == Grid.NONE
                || departing[slot] != STAYING
                || corpse == -1
                || !dead[(int) corpse]
                || killer[(int) corpse] != slot
                || money[(int) corpse] == 0
                || distance(x[slot], y[slot], x[(int) corpse], y[(int) corpse]) > LOOT_RANGE) {
            rejectedInputs++;
            return;
        }
        final long copper = money[(int) corpse];
        money[slot] += copper;
        if (!save(slot, Saves.LOOT, corpseId, copper)) {
            // The loot cannot be made durable now: it did not happen, and the corpse keeps its money.
            money[slot] -= copper;
            return;
        }
        money[(int) corpse] = 0;
        changedTick[(int) corpse] = inputTick();
        persistDirty[slot] = false;
    }

    /** The saver made a loot durable: now the player is told, and shown the money. */
    private void lootConfirmed(final long entity, final DirectBuffer buffer, final int offset) {
        final int slot = playerSlot(entity);
        if (slot == Grid.NONE || buffer.getInt(offset + Inputs.CONFIRMED_SESSION) != session[slot]) {
            return;
        }
        final long moneyAfter = buffer.getLong(offset + Inputs.CONFIRMED_MONEY);
        durableMoney[slot] = Math.max(durableMoney[slot], moneyAfter);
        selfDirty[slot] = true;
        outbox.send(
                Outbox.FRAME,
                session[slot],
                entity,
                ServerMessages.looted(
                        out,
                        Outbox.BODY_OFFSET,
                        buffer.getLong(offset + Inputs.CONFIRMED_CORPSE),
                        buffer.getLong(offset + Inputs.CONFIRMED_COPPER),
                        moneyAfter));
    }

    /**
     * Put the player's state into the save log, fenced by its epoch and the next save sequence;
     * false (and counted) when the log is full.
     */
    private boolean save(final int slot, final int type, final long corpse, final long copper) {
        try (RingClaim claim = saves.claim(saveClaim, type)) {
            if (!claim.claimed()) {
                droppedSaves++;
                return false;
            }
            encodeSave(slot, claim, corpse, copper);
            claim.commit();
            return true;
        }
    }

    private void encodeSave(final int slot, final RingClaim claim, final long corpse, final long copper) {
        Saves.encode(
                claim.buffer(),
                claim.index(),
                id[slot],
                epoch[slot],
                ++saveSeq[slot],
                handle,
                session[slot],
                level[slot],
                mapId,
                experience[slot],
                money[slot],
                x[slot],
                y[slot],
                z[slot],
                o[slot],
                corpse,
                copper);
    }

    /**
     * Save every player as it leaves: the map stopped ticking (closed, or moved off this node) and
     * this is the last its players' state is seen here. The thread that stopped it.
     */
    public void logoutAll() {
        for (int slot = 0; slot < id.length; slot++) {
            if (kind[slot] == PLAYER && departing[slot] == STAYING) {
                save(slot, Saves.LOGOUT, 0, 0);
            }
        }
    }

    @Override
    public void tick(final long tickNumber, final long nowNanos) {
        tick = tickNumber;
        tickNanos = nowNanos;
        handOver();
        for (int slot = 0; slot < id.length; slot++) {
            if (kind[slot] == CREATURE) {
                creature(slot);
            } else if (kind[slot] == PLAYER) {
                player(slot);
            }
        }
        final int due = (int) (tick % ticksPerSecond);
        for (int slot = 0; slot < id.length; slot++) {
            if (kind[slot] == PLAYER) {
                publish(slot);
                // Each player's turn to be saved comes once a second; a full log keeps it dirty for the next.
                if (persistDirty[slot] && slot % ticksPerSecond == due && save(slot, Saves.SNAPSHOT, 0, 0)) {
                    persistDirty[slot] = false;
                }
            }
        }
    }

    private void creature(final int slot) {
        if (dead[slot]) {
            if (tick >= nextActionTick[slot]) {
                respawn(slot);
            }
            return;
        }
        final int victim = target[slot];
        if (victim != Grid.NONE) {
            if (kind[victim] != PLAYER
                    || id[victim] != targetId[slot]
                    || distance(homeX[slot], homeY[slot], x[victim], y[victim]) > LEASH_RADIUS) {
                target[slot] = Grid.NONE;
                goalX[slot] = homeX[slot];
                goalY[slot] = homeY[slot];
                return;
            }
            if (distance(x[slot], y[slot], x[victim], y[victim]) > MELEE_RANGE) {
                step(slot, x[victim], y[victim], RUN_SPEED);
            } else if (tick >= nextActionTick[slot]) {
                nextActionTick[slot] = tick + attackIntervalTicks;
                health[victim] -= 2 + level[slot];
                changedTick[victim] = tick;
                selfDirty[victim] = true;
                if (health[victim] <= 0) {
                    // A fallen player gets up at once here; death and corpse runs come with the full game.
                    health[victim] = maxHealth[victim];
                    target[slot] = Grid.NONE;
                }
            }
            return;
        }
        if ((tick + slot) % 10 == 0) {
            final int player = nearestPlayer(slot, AGGRO_RADIUS);
            if (player != Grid.NONE) {
                target[slot] = player;
                targetId[slot] = id[player];
                return;
            }
        }
        if (tick >= nextActionTick[slot]) {
            goalX[slot] = homeX[slot] + (random.nextFloat() * 2 - 1) * WANDER_RADIUS;
            goalY[slot] = homeY[slot] + (random.nextFloat() * 2 - 1) * WANDER_RADIUS;
            nextActionTick[slot] = tick + 5L * ticksPerSecond + random.nextInt(10 * ticksPerSecond);
        }
        step(slot, goalX[slot], goalY[slot], WALK_SPEED);
    }

    private void player(final int slot) {
        final int foe = target[slot];
        if (foe == Grid.NONE || tick < nextActionTick[slot]) {
            return;
        }
        if (kind[foe] != CREATURE || dead[foe] || distance(x[slot], y[slot], x[foe], y[foe]) > ATTACK_RANGE) {
            target[slot] = Grid.NONE;
            return;
        }
        nextActionTick[slot] = tick + attackIntervalTicks;
        if (target[foe] == Grid.NONE) {
            target[foe] = slot;
            targetId[foe] = id[slot];
        }
        health[foe] -= 10 + level[slot] * 3;
        changedTick[foe] = tick;
        if (health[foe] <= 0) {
            die(foe, slot);
        }
    }

    private void die(final int creature, final int by) {
        dead[creature] = true;
        health[creature] = 0;
        target[creature] = Grid.NONE;
        killer[creature] = by;
        money[creature] = 1 + level[creature] * 7L + random.nextInt(level[creature] * 5 + 1);
        changedTick[creature] = tick;
        nextActionTick[creature] = tick + respawnTicks;
        target[by] = Grid.NONE;
        kills++;
        final int gained = level[creature] * 5 + 45;
        experience[by] += gained;
        selfDirty[by] = true;
        persistDirty[by] = true;
    }

    private void respawn(final int slot) {
        dead[slot] = false;
        health[slot] = maxHealth[slot];
        killer[slot] = Grid.NONE;
        money[slot] = 0;
        x[slot] = homeX[slot];
        y[slot] = homeY[slot];
        goalX[slot] = homeX[slot];
        goalY[slot] = homeY[slot];
        changedTick[slot] = tick;
        grid.place(slot, x[slot], y[slot]);
    }

    private void step(final int slot, final float toX, final float toY, final float speed) {
        final float dx = toX - x[slot];
        final float dy = toY - y[slot];
        final float length = (float) Math.sqrt(dx * dx + dy * dy);
        if (length < 0.01f) {
            return;
        }
        final float reach = Math.min(length, speed / ticksPerSecond);
        x[slot] += dx / length * reach;
        y[slot] += dy / length * reach;
        o[slot] = (float) Math.atan2(dy, dx);
        changedTick[slot] = tick;
        grid.place(slot, x[slot], y[slot]);
    }

    /** Tell one player what changed: its own state, and (when due) the entities in sight. */
    private void publish(final int slot) {
        if (enterUnsent[slot]) {
            // Its client knows nothing of this map until WORLD_ENTERED: nothing else goes before it.
            sendWorldEntered(slot);
            if (enterUnsent[slot]) {
                return;
            }
        }
        if (selfDirty[slot]) {
            selfDirty[slot] = false;
            outbox.send(
                    Outbox.FRAME,
                    session[slot],
                    id[slot],
                    ServerMessages.selfState(
                            out,
                            Outbox.BODY_OFFSET,
                            ackedSequence[slot],
                            x[slot],
                            y[slot],
                            z[slot],
                            o[slot],
                            health[slot],
                            maxHealth[slot],
                            level[slot],
                            durableMoney[slot],
                            experience[slot]));
        }
        final int cell = grid.cellOf(slot);
        final boolean reset = sentCell[slot] == Grid.NONE;
        if (!reset && (tick + slot) % UPDATE_EVERY_TICKS != 0) {
            return;
        }
        final long since = sentTick[slot];
        final float range = settings.visibilityYards() * settings.visibilityYards();
        int flags = reset ? ClientProtocol.UPDATES_FLAG_RESET : 0;
        int count = 0;
        ServerMessages.updatesHeader(out, Outbox.BODY_OFFSET, (int) tick, flags);
        final int cells = grid.neighbourhood(cell, around);
        for (int c = 0; c < cells; c++) {
            for (int other = grid.first(around[c]); other != Grid.NONE; other = grid.next(other)) {
                // In sight now, and news: it changed, or it was out of sight from where the player last was.
                if (other == slot
                        || squared(x[slot], y[slot], x[other], y[other]) > range
                        || (!reset
                                && changedTick[other] <= since
                                && squared(sentX[slot], sentY[slot], x[other], y[other]) <= range)) {
                    continue;
                }
                if (count == ClientProtocol.MAX_RECORDS) {
                    outbox.send(
                            Outbox.FRAME,
                            session[slot],
                            id[slot],
                            ServerMessages.updatesCount(out, Outbox.BODY_OFFSET, count));
                    flags = 0;
                    count = 0;
                    ServerMessages.updatesHeader(out, Outbox.BODY_OFFSET, (int) tick, flags);
                }
                record(
                        other,
                        slot,
                        Outbox.BODY_OFFSET + ClientProtocol.UPDATES_RECORDS + count * ClientProtocol.RECORD_LENGTH);
                count++;
            }
        }
        if (count > 0 || flags != 0) {
            outbox.send(
                    Outbox.FRAME, session[slot], id[slot], ServerMessages.updatesCount(out, Outbox.BODY_OFFSET, count));
        }
        sentTick[slot] = tick;
        sentCell[slot] = cell;
        sentX[slot] = x[slot];
        sentY[slot] = y[slot];
    }

    private void record(final int entity, final int viewer, final int at) {
        int flags = 0;
        if (dead[entity]) {
            flags |= ClientProtocol.RECORD_FLAG_DEAD;
            if (killer[entity] == viewer && money[entity] > 0) {
                flags |= ClientProtocol.RECORD_FLAG_LOOTABLE;
            }
        }
        ServerMessages.Record.write(
                out,
                at,
                id[entity],
                kind[entity] == PLAYER ? ClientProtocol.KIND_PLAYER : ClientProtocol.KIND_CREATURE,
                flags,
                x[entity],
                y[entity],
                z[entity],
                o[entity],
                health[entity],
                maxHealth[entity]);
    }

    private int nearestPlayer(final int slot, final float radius) {
        final int cells = grid.neighbourhood(grid.cellOf(slot), around);
        int best = Grid.NONE;
        float bestDistance = radius;
        for (int c = 0; c < cells; c++) {
            for (int other = grid.first(around[c]); other != Grid.NONE; other = grid.next(other)) {
                if (kind[other] == PLAYER) {
                    final float d = distance(x[slot], y[slot], x[other], y[other]);
                    if (d <= bestDistance) {
                        best = other;
                        bestDistance = d;
                    }
                }
            }
        }
        return best;
    }

    private int playerSlot(final long entity) {
        final long slot = slotById.get(entity);
        return slot == -1 || kind[(int) slot] != PLAYER ? Grid.NONE : (int) slot;
    }

    private static float squared(final float ax, final float ay, final float bx, final float by) {
        final float dx = ax - bx;
        final float dy = ay - by;
        return dx * dx + dy * dy;
    }

    private static float distance(final float ax, final float ay, final float bx, final float by) {
        final float dx = ax - bx;
        final float dy = ay - by;
        return (float) Math.sqrt(dx * dx + dy * dy);
    }

    public int players() {
        return players;
    }

    /** Moves refused by the speed check. Tick thread. */
    public long rejectedMoves() {
        return rejectedMoves;
    }

    /** Inputs refused for their shape or for what they asked (unknown entity, out of range). Tick thread. */
    public long rejectedInputs() {
        return rejectedInputs;
    }

    public long kills() {
        return kills;
    }

    /** Saves the full save log refused (snapshots retried a second later, loots refused). Tick thread, read racily. */
    /** Players frozen for a transfer: through a portal, or handed over as the instance moved. */
    public long departures() {
        return departures;
    }

    public long droppedSaves() {
        return droppedSaves;
    }

    public int mapId() {
        return mapId;
    }

    public WorldSettings settings() {
        return settings;
    }

    /** Where players without a saved position appear: the middle of the play area. Any thread. */
    public float spawnX() {
        return spawnX;
    }

    public float spawnY() {
        return spawnY;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** A player's money in copper, or -1 when not on this map. Tick thread (tests). */
    public long money(final long entity) {
        final int slot = playerSlot(entity);
        return slot == Grid.NONE ? -1 : money[slot];
    }

    /** Position of an entity as {x, y}, or null. Tick thread (tests). */
    public float[] position(final long entity) {
        final long slot = slotById.get(entity);
        return slot == -1 ? null : new float[] {x[(int) slot], y[(int) slot]};
    }

    /** The creature nearest to a position, alive or dead, or -1. Tick thread (tests, bots' scripts). */
    public long creatureNear(final float px, final float py, final float radius) {
        final int cells = grid.neighbourhood(grid.cellAt(px, py), around);
        long best = -1;
        float bestDistance = radius;
        for (int c = 0; c < cells; c++) {
            for (int other = grid.first(around[c]); other != Grid.NONE; other = grid.next(other)) {
                if (kind[other] == CREATURE) {
                    final float d = distance(px, py, x[other], y[other]);
                    if (d <= bestDistance) {
                        best = id[other];
                        bestDistance = d;
                    }
                }
            }
        }
        return best;
    }

    /** Whether the creature is a corpse. Tick thread (tests). */
    public boolean isDead(final long entity) {
        final long slot = slotById.get(entity);
        return slot != -1 && dead[(int) slot];
    }
}
