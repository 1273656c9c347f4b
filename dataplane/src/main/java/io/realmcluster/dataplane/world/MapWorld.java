package io.realmcluster.dataplane.world;

import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.ItemIds;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.tick.TickSimulation;
import io.realmcluster.dataplane.world.battleground.BattlegroundResult;
import io.realmcluster.dataplane.world.battleground.BattlegroundSettings;
import io.realmcluster.dataplane.world.battleground.BattlegroundView;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.world.Cells;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulation of one map instance: players move (at a speed the server checks), creatures live
 * on a grid of cells, wander around their home, aggro on players who come close, fight, die,
 * leave corpses with money to loot, and respawn. Entities are slots in parallel arrays
 * (an entity table and a player table), so a tick allocates nothing. Deterministic for a
 * given seed and input sequence.
 *
 * <p>This class applies inputs and runs the tick in its order: the hand-over while the instance
 * moves, each creature's and player's turn, the battleground's match on a battleground, then what
 * each player is told (visibility, then the battleground's state) and saved (persistence).
 */
public final class MapWorld implements TickSimulation {
    private static final Logger LOG = LoggerFactory.getLogger(MapWorld.class);
    /** Slack on the server's speed check for jitter in when inputs arrive. */
    static final float SPEED_SLACK = 1.5f;
    /** The most time since a player's last move the speed check credits: standing still banks no distance. */
    static final int MAX_CREDITED_SECONDS = 2;
    /** How fast a falling player may drop, yards per second (vanilla's terminal velocity is about 60). */
    static final float FALL_SPEED = 60f;

    private final WorldSettings settings;
    private final int mapId;
    private final Outbox outbox;
    private final float spawnX;
    private final float spawnY;
    private final int ticksPerSecond;
    private final WorldClock clock = new WorldClock();
    private final EntityTable entities;
    private final PlayerTable players;
    private final Persistence persistence;
    private final Visibility visibility;
    private final Creatures creatures;
    private final Combat combat;
    private final Transfers transfers;
    private final HandOver handOver;
    private final Roster roster;
    private final Inventory inventory;
    private final Trades trades;
    private final ItemActions items;
    private final Match match;
    /** The battleground's match on a battleground's map, else null. */
    private final BattlegroundGame battleground;

    private long rejectedMoves;
    /** Players frozen to cross into a neighbouring cell. */
    private long crossings;
    /** How near a boundary a player's client is told to stand by across it: a few seconds' run ahead. */
    static final float STANDBY_YARDS = 40f;
    /** A standby token lasts a minute: told again after 45 s near the same boundary. */
    private final long standbyRenewTicks;
    /** Where {@link #standBy} writes its one byte (the outbox's scratch). */
    private final org.agrona.MutableDirectBuffer standbyBody;

    private long rejectedInputs;
    /** Whether a malformed input was logged: the first is, the rest only counted (the tick thread must not log a flood). */
    private boolean reportedMalformed;
    /** Stood still and not yet confirmed by the control plane: nobody is saved (see {@link #onHold}). */
    private boolean held;
    /** The part of its continent this map runs: all of it, or one cell. */
    private final CellPart cell;
    /** The neighbouring cells' entities near this cell's boundaries, and this cell's for them. */
    private final Ghosts ghosts;
    /** This cell's batches for its neighbours, written after each tick; null on a whole map. */
    private final GhostOutbox ghostOutbox;
    /** What this cell's players do to its neighbours' creatures, on its way there; null on a whole map. */
    private final CellActions cellActions;

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
        this(settings, mapId, seed, centerX, centerY, saves, handle, outbox, null, ItemIds.NONE);
    }

    /** A map as below that creates no items (loots of an item and splits are refused as busy). */
    public MapWorld(
            final WorldSettings settings,
            final int mapId,
            final long seed,
            final float centerX,
            final float centerY,
            final SaveLog saves,
            final int handle,
            final Outbox outbox,
            final BattlegroundSettings battlegroundSettings) {
        this(settings, mapId, seed, centerX, centerY, saves, handle, outbox, battlegroundSettings, ItemIds.NONE);
    }

    /**
     * A map as above that plays a battleground's match of {@code battlegroundSettings} (for this map), or
     * none when it is null, and names the items it creates with ids from {@code itemIds}.
     */
    public MapWorld(
            final WorldSettings settings,
            final int mapId,
            final long seed,
            final float centerX,
            final float centerY,
            final SaveLog saves,
            final int handle,
            final Outbox outbox,
            final BattlegroundSettings battlegroundSettings,
            final ItemIds itemIds) {
        this(
                settings,
                mapId,
                seed,
                centerX,
                centerY,
                saves,
                handle,
                outbox,
                battlegroundSettings,
                itemIds,
                CellPart.WHOLE);
    }

    /**
     * A map as above that is {@code cell} of a continent split into cells: it runs the creatures whose home is in its
     * strip (the same creatures, with the same ids, that the whole continent of the same seed has there).
     */
    public MapWorld(
            final WorldSettings settings,
            final int mapId,
            final long seed,
            final float centerX,
            final float centerY,
            final SaveLog saves,
            final int handle,
            final Outbox outbox,
            final BattlegroundSettings battlegroundSettings,
            final ItemIds itemIds,
            final CellPart cell) {
        if (battlegroundSettings != null && battlegroundSettings.mapId() != mapId) {
            throw new IllegalArgumentException("map " + mapId + " cannot play the battleground of map "
                    + battlegroundSettings.mapId() + ": give it the settings of its own map");
        }
        this.settings = settings;
        this.mapId = mapId;
        this.outbox = outbox;
        this.spawnX = centerX;
        this.spawnY = centerY;
        this.ticksPerSecond = settings.tickHz();
        final SplittableRandom random = new SplittableRandom(seed);
        final int attackIntervalTicks = 2 * ticksPerSecond;
        // A cell holds the ghosts of its neighbours' entities near its boundaries too.
        final int own = settings.creatures() + settings.maxPlayers();
        final int capacity = cell.whole() ? own : 2 * own;
        final float half = settings.playAreaYards() / 2;
        final Grid grid = new Grid(
                centerX - half, centerY - half, settings.playAreaYards(), settings.visibilityYards(), capacity);
        entities = new EntityTable(capacity, grid);
        players = new PlayerTable(settings.maxPlayers(), capacity);
        persistence = new Persistence(saves, handle, mapId, entities, players, ticksPerSecond);
        inventory = new Inventory(settings.maxPlayers(), entities, players, outbox, clock);
        persistence.inventory(inventory);
        trades = new Trades(settings.maxPlayers(), entities, players, inventory, persistence, outbox, handle);
        items = new ItemActions(entities, players, inventory, persistence, outbox, clock, random, itemIds, trades);
        battleground = battlegroundSettings == null
                ? null
                : new BattlegroundGame(battlegroundSettings, mapId, entities, players, outbox, ticksPerSecond);
        match = battleground == null ? Match.NONE : battleground;
        visibility = new Visibility(outbox, mapId, settings.visibilityYards(), entities, players, clock, match);
        ghosts = new Ghosts(entities, clock, cell, settings.visibilityYards());
        ghostOutbox = cell.whole() ? null : new GhostOutbox();
        standbyRenewTicks = 45L * settings.tickHz();
        standbyBody = outbox.scratch();
        ghosts.onGone(visibility::entityGone);
        creatures = new Creatures(entities, players, clock, random, ticksPerSecond, attackIntervalTicks);
        combat = new Combat(entities, players, clock, random, attackIntervalTicks, 30 * ticksPerSecond, match, items);
        transfers = new Transfers(mapId, entities, players, persistence, outbox, clock, ticksPerSecond, trades);
        handOver = new HandOver(entities, players, transfers, clock);
        roster = new Roster(
                entities, players, persistence, visibility, transfers, outbox, clock, match, inventory, trades);
        if (!cell.whole()) {
            roster.ghosts(ghosts);
        }
        cellActions = cell.whole() ? null : new CellActions();
        combat.cell(ghosts, cellActions);
        items.cell(ghosts, cellActions);
        creatures.cell(ghosts, cellActions);
        this.cell = cell;
        for (int i = 0; i < settings.creatures(); i++) {
            final float x = centerX - half + random.nextFloat() * settings.playAreaYards();
            final float y = centerY - half + random.nextFloat() * settings.playAreaYards();
            if (cell.holds(x)) {
                creatures.spawn(i, x, y, settings.creatureMinLevel(), settings.creatureMaxLevel());
            } else {
                creatures.skip(settings.creatureMinLevel(), settings.creatureMaxLevel());
            }
        }
    }

    @Override
    public void onInput(final int type, final DirectBuffer buffer, final int offset, final int length) {
        if (!Inputs.wellFormed(type, buffer, offset, length)) {
            rejectedInputs++;
            if (!reportedMalformed) {
                reportedMalformed = true;
                LOG.warn(
                        "map {} dropped an input of type {} and {} bytes that has no input's shape (its producer on "
                                + "this node is at fault); later ones are only counted in the map's rejected inputs",
                        mapId,
                        type,
                        length);
            }
            return;
        }
        switch (type) {
            case Inputs.HAND_OVER_START -> startHandOver(buffer.getLong(offset + Inputs.HAND_OVER_EPOCH), false);
            case Inputs.HAND_OVER_TO_CELLS -> startHandOver(buffer.getLong(offset + Inputs.HAND_OVER_EPOCH), true);
            case Inputs.HAND_OVER_STOP -> handOver.stop();
            case Inputs.GHOST_ACTIONS ->
                neighbourActions(buffer, offset + Inputs.GHOSTS_BATCH, length - Inputs.GHOSTS_BATCH);
            case Inputs.GHOSTS -> {
                if (!ghosts.apply(
                        buffer.getByte(offset + Inputs.GHOSTS_SIDE),
                        buffer,
                        offset + Inputs.GHOSTS_BATCH,
                        length - Inputs.GHOSTS_BATCH)) {
                    rejectedInputs++;
                }
            }
            default -> onPlayerInput(type, Inputs.entity(buffer, offset), buffer, offset);
        }
    }

    private void startHandOver(final long moveEpoch, final boolean toCells) {
        if (moveEpoch <= 0) {
            rejectedInputs++;
            return;
        }
        handOver.start(moveEpoch, toCells);
    }

    private void onPlayerInput(final int type, final long entity, final DirectBuffer buffer, final int offset) {
        switch (type) {
            case Inputs.PLAYER_JOIN -> {
                if (!roster.join(entity, buffer, offset)) {
                    rejectedInputs++;
                }
            }
            case Inputs.PLAYER_LEAVE -> roster.leave(entity, buffer.getInt(offset + Inputs.LEAVE_SESSION));
            case Inputs.CHAT -> chat(entity, buffer, offset);
            case Inputs.MOVE -> move(entity, buffer, offset);
            case Inputs.ATTACK -> attack(entity, buffer.getLong(offset + Inputs.TARGET_OFFSET));
            case Inputs.LOOT -> loot(entity, buffer.getLong(offset + Inputs.TARGET_OFFSET));
            case Inputs.ITEM_REQUEST -> itemRequest(entity, buffer, offset);
            case Inputs.ITEMS_CONFIRMED -> itemsConfirmed(entity, buffer, offset);
            case Inputs.TRADE_SETTLED -> tradeSettled(entity, buffer, offset);
            case Inputs.CHARACTER_LOST ->
                // Refused while the map stood still: its node was most likely taken for dead and the character given
                // back, not logged in elsewhere; the client goes after it as after a map that moved.
                roster.lost(
                        entity,
                        buffer.getInt(offset + Inputs.LOST_SESSION),
                        buffer.getLong(offset + Inputs.LOST_EPOCH),
                        held ? DisconnectReason.MAP_CLOSED : DisconnectReason.DUPLICATE_LOGIN,
                        held
                                ? "this node stood still and the character was given back; log in again"
                                : "this character logged in elsewhere");
            case Inputs.TRANSFER_LOST ->
                roster.lost(
                        entity,
                        buffer.getInt(offset + Inputs.LOST_SESSION),
                        buffer.getLong(offset + Inputs.LOST_EPOCH),
                        DisconnectReason.CHARACTER_UNAVAILABLE,
                        "the node this character went to stopped answering; log in again");
            case Inputs.DEPARTED -> departed(entity, buffer, offset);
            case Inputs.ENTER_BATTLEGROUND, Inputs.LEAVE_BATTLEGROUND -> enterBattleground(entity, buffer, offset);
            case Inputs.DEPART_FAILED ->
                departFailed(
                        entity,
                        buffer.getInt(offset + Inputs.FAILED_SESSION),
                        buffer.getLong(offset + Inputs.FAILED_EPOCH));
            default -> rejectedInputs++;
        }
    }

    /**
     * The player accepted its battleground invite, or leaves its battleground for home: freeze it for the
     * transfer there (its departure save is the freeze). A player already frozen, of another session, or on a full save log is left
     * where it is (the invite's accept can be sent again).
     */
    private void enterBattleground(final long entity, final DirectBuffer buffer, final int offset) {
        final int slot = entities.playerSlot(entity);
        if (slot == EntityTable.NONE
                || transfers.frozen(slot)
                || players.session[players.indexOf(slot)] != buffer.getInt(offset + Inputs.ENTER_SESSION)) {
            rejectedInputs++;
            return;
        }
        if (!transfers.freeze(
                slot,
                buffer.getInt(offset + Inputs.ENTER_MAP),
                buffer.getFloat(offset + Inputs.ENTER_X),
                buffer.getFloat(offset + Inputs.ENTER_Y),
                buffer.getFloat(offset + Inputs.ENTER_Z),
                buffer.getFloat(offset + Inputs.ENTER_O))) {
            rejectedInputs++;
        }
    }

    private void move(final long entity, final DirectBuffer buffer, final int offset) {
        final int slot = entities.playerSlot(entity);
        if (slot == EntityTable.NONE) {
            rejectedInputs++;
            return;
        }
        if (transfers.frozen(slot)) {
            return;
        }
        final EntityTable e = entities;
        final int player = players.indexOf(slot);
        final float nx = buffer.getFloat(offset + Inputs.MOVE_X);
        final float ny = buffer.getFloat(offset + Inputs.MOVE_Y);
        final float nz = buffer.getFloat(offset + Inputs.MOVE_Z);
        final long tick = clock.tick();
        if (!plausible(slot, nx, ny, nz, tick - players.lastMoveTick[player])) {
            rejectedMoves++;
            return;
        }
        final float fromX = e.x[slot];
        final float fromY = e.y[slot];
        e.z[slot] = nz;
        e.o[slot] = buffer.getFloat(offset + Inputs.MOVE_O);
        e.changedTick[slot] = clock.inputTick();
        players.lastMoveTick[player] = tick;
        players.ackedSequence[player] = buffer.getInt(offset + Inputs.MOVE_SEQUENCE);
        players.selfDirty[player] = true;
        players.persistDirty[player] = true;
        e.moveTo(slot, nx, ny);
        transfers.crossed(slot, fromX, fromY);
    }

    /**
     * Whether a player at {@code slot} could have reached ({@code nx}, {@code ny}, {@code nz}) running for
     * {@code sinceLastMove} ticks: at most {@link #MAX_CREDITED_SECONDS} of them count (a player who stood
     * still does not bank the distance), climbing counts as running, falling may be faster.
     */
    private boolean plausible(
            final int slot, final float nx, final float ny, final float nz, final long sinceLastMove) {
        if (!Float.isFinite(nx) || !Float.isFinite(ny) || !Float.isFinite(nz)) {
            return false;
        }
        final long credited = Math.max(1, Math.min(sinceLastMove, (long) MAX_CREDITED_SECONDS * ticksPerSecond));
        final float seconds = (float) credited / ticksPerSecond;
        final float allowed = Creatures.RUN_SPEED * seconds * SPEED_SLACK + 0.5f;
        final EntityTable e = entities;
        final float across = EntityTable.distance(e.x[slot], e.y[slot], nx, ny);
        final float dz = nz - e.z[slot];
        if (dz >= 0) {
            return across * across + dz * dz <= allowed * allowed;
        }
        return across <= allowed && -dz <= FALL_SPEED * seconds * SPEED_SLACK + 0.5f;
    }

    private void chat(final long entity, final DirectBuffer buffer, final int offset) {
        final int slot = entities.playerSlot(entity);
        if (slot == EntityTable.NONE) {
            rejectedInputs++;
            return;
        }
        visibility.say(
                slot, buffer, offset + Inputs.CHAT_TEXT, buffer.getByte(offset + Inputs.CHAT_TEXT_LENGTH) & 0xFF);
    }

    private void attack(final long entity, final long creature) {
        final int slot = entities.playerSlot(entity);
        if (slot == EntityTable.NONE || !combat.attack(slot, creature)) {
            rejectedInputs++;
        }
    }

    private void loot(final long entity, final long corpse) {
        final int slot = entities.playerSlot(entity);
        if (slot == EntityTable.NONE) {
            rejectedInputs++;
            return;
        }
        combat.loot(slot, corpse);
    }

    private void itemRequest(final long entity, final DirectBuffer buffer, final int offset) {
        final int slot = entities.playerSlot(entity);
        if (slot == EntityTable.NONE) {
            rejectedInputs++;
            return;
        }
        items.request(slot, buffer, offset);
    }

    /** The saver made an item record durable (a loot's too): the player of that session is shown it. */
    private void itemsConfirmed(final long entity, final DirectBuffer buffer, final int offset) {
        final int slot = entities.playerSlot(entity);
        if (slot != EntityTable.NONE && buffer.getInt(offset + Inputs.ITEMS_SESSION) == roster.session(slot)) {
            items.confirmed(slot, buffer, offset);
        }
    }

    private void tradeSettled(final long entity, final DirectBuffer buffer, final int offset) {
        final int slot = entities.playerSlot(entity);
        if (slot != EntityTable.NONE && buffer.getInt(offset + Inputs.SETTLED_SESSION) == roster.session(slot)) {
            trades.settled(slot, buffer.getLong(offset + Inputs.SETTLED_TRADE));
        }
    }

    private void departed(final long entity, final DirectBuffer buffer, final int offset) {
        final int slot = entities.playerSlot(entity);
        if (slot != EntityTable.NONE && transfers.departed(slot, buffer, offset)) {
            roster.remove(slot);
        }
    }

    private void departFailed(final long entity, final int client, final long newEpoch) {
        final int slot = entities.playerSlot(entity);
        if (slot != EntityTable.NONE && transfers.failed(slot, client, newEpoch)) {
            roster.remove(slot);
        }
    }

    @Override
    public void onHold(final boolean holding) {
        held = holding;
    }

    @Override
    public void tick(final long tickNumber, final long nowNanos) {
        clock.advance(tickNumber, nowNanos);
        if (handOver.running()) {
            handOver.doWork();
        }
        final int capacity = entities.capacity();
        final byte[] kind = entities.kind;
        for (int slot = 0; slot < capacity; slot++) {
            if (kind[slot] == EntityTable.CREATURE) {
                creatures.act(slot);
            } else if (kind[slot] == EntityTable.PLAYER) {
                combat.act(slot);
            }
        }
        if (!cell.whole()) {
            checkCrossings();
        }
        match.tick(nowNanos);
        trades.tick();
        for (int slot = 0; slot < capacity; slot++) {
            if (kind[slot] == EntityTable.PLAYER) {
                visibility.publish(slot);
                inventory.publish(slot);
                if (!held) {
                    persistence.snapshotIfDue(slot, tickNumber);
                }
            }
        }
        if (battleground != null) {
            battleground.publish(clock.tick());
        }
        if (ghostOutbox != null) {
            ghostOutbox.publish(ghosts, Cells.WEST);
            ghostOutbox.publish(ghosts, Cells.EAST);
        }
    }

    /**
     * Each of this cell's players who went far enough past a boundary (see {@link Cells#HYSTERESIS_YARDS}) leaves for
     * the cell its place is in, where it stands: a transfer like a portal's, to the neighbour cell's instance. One
     * whose crossing was called off (the neighbour runs nowhere now) tries again a second later.
     */
    private void checkCrossings() {
        if (handOver.running()) {
            // Merging into the whole continent: every player goes there, none across to a neighbour.
            return;
        }
        final long tick = clock.tick();
        final int capacity = entities.capacity();
        for (int slot = 0; slot < capacity; slot++) {
            if (entities.kind[slot] != EntityTable.PLAYER) {
                continue;
            }
            final int player = players.indexOf(slot);
            if (players.departing[player] != PlayerTable.STAYING) {
                continue;
            }
            standBy(slot, player, tick);
            if (players.locked[player]
                    || players.handOverTick[player] > tick
                    || cell.strips().owner(cell.index(), entities.x[slot]) == cell.index()) {
                continue;
            }
            if (transfers.freeze(
                    slot, Saves.CROSSING, entities.x[slot], entities.y[slot], entities.z[slot], entities.o[slot])) {
                crossings++;
            }
        }
    }

    /**
     * A player within {@link #STANDBY_YARDS} of a boundary has its client told to stand by at the neighbour's node
     * (its session does, on an {@link Outbox#STAND_BY_CELL}): once when it comes near, again when it turns to the
     * other boundary, and again before its standby token runs out while it stays near.
     */
    private void standBy(final int slot, final int player, final long tick) {
        final int near = cell.strips().near(cell.index(), entities.x[slot], STANDBY_YARDS);
        if (near == 0) {
            players.standbySide[player] = 0;
            return;
        }
        // The nearer boundary when both are near (a narrow strip).
        final int side = near != (Cells.WEST | Cells.EAST)
                ? near
                : entities.x[slot] - cell.strips().westEdge(cell.index())
                                < cell.strips().eastEdge(cell.index()) - entities.x[slot]
                        ? Cells.WEST
                        : Cells.EAST;
        if (players.standbySide[player] == side && tick - players.standbyTick[player] < standbyRenewTicks) {
            return;
        }
        standbyBody.putByte(Outbox.BODY_OFFSET, (byte) side);
        if (outbox.send(Outbox.STAND_BY_CELL, players.session[player], entities.id[slot], 1)) {
            players.standbySide[player] = (byte) side;
            players.standbyTick[player] = tick;
        }
    }

    /** Players who left this cell for a neighbour across a boundary. */
    public long crossings() {
        return crossings;
    }

    /** What players of a neighbouring cell did to this cell's creatures, whose ghosts they saw: dealt here. */
    private void neighbourActions(final DirectBuffer buffer, final int offset, final int length) {
        if (cell.whole()) {
            rejectedInputs++;
            return;
        }
        for (int at = offset; at + CellActions.RECORD_LENGTH <= offset + length; at += CellActions.RECORD_LENGTH) {
            final long actorId = CellActions.actor(buffer, at);
            final long targetId = CellActions.target(buffer, at);
            switch (CellActions.kind(buffer, at)) {
                case CellActions.BLOW -> {
                    final int target = entities.slotOf(targetId);
                    if (target != EntityTable.NONE) {
                        combat.blowFromNeighbour(target, ghostPlayer(actorId), actorId, CellActions.amount(buffer, at));
                    }
                }
                case CellActions.KILL -> combat.killedAcross(actorId, CellActions.amount(buffer, at));
                case CellActions.LOOT -> items.lootAsked(entities.slotOf(targetId), ghostPlayer(actorId), actorId);
                case CellActions.GRANT ->
                    items.grantFromNeighbour(
                            actorId,
                            targetId,
                            CellActions.amount(buffer, at),
                            CellActions.a(buffer, at),
                            CellActions.b(buffer, at));
                default -> rejectedInputs++;
            }
        }
    }

    /** The slot of the ghost of the neighbour's player {@code id}, or NONE. */
    private int ghostPlayer(final long id) {
        final int slot = entities.slotOf(id);
        return slot != EntityTable.NONE && entities.kind[slot] == EntityTable.GHOST_PLAYER ? slot : EntityTable.NONE;
    }

    /** What this cell's players do to its neighbours' creatures, for the cell link; null on a whole map. */
    public CellActions cellActions() {
        return cellActions;
    }

    /** Blows this cell's players sent to neighbouring cells' creatures. Tick thread (tests). */
    public long forwardedBlows() {
        return combat.forwardedBlows();
    }

    /** This cell's ghost batches for its neighbours; null on a whole map. Any thread (the cell link's reads it). */
    public GhostOutbox ghostOutbox() {
        return ghostOutbox;
    }

    /** The part of its continent this map runs. */
    public CellPart cell() {
        return cell;
    }

    /**
     * Write the batch of this cell's entities near its boundary with the neighbour on {@code side} ({@code
     * Cells.WEST} or {@code Cells.EAST}) into {@code out} at {@code offset}, for that neighbour's GHOSTS input; its
     * length, 0 when there is no neighbour on that side. After the tick, on the tick thread.
     */
    public int exportGhosts(final int side, final MutableDirectBuffer out, final int offset) {
        return ghosts.export(side, out, offset);
    }

    /** The most bytes {@link #exportGhosts} writes. */
    public int maxGhostBatchLength() {
        return Ghosts.maxBatchLength(entities.capacity());
    }

    /** Ghosts held of the neighbour on {@code side}. Tick thread (tests). */
    public int ghosts(final int side) {
        return ghosts.count(side);
    }

    /**
     * Save every player as it leaves: the map stopped ticking (closed, or moved off this node) and
     * this is the last its players' state is seen here. The thread that stopped it.
     */
    public void logoutAll() {
        persistence.logoutAll();
    }

    /**
     * The move epoch for which this instance has handed over every player, 0 while it has players or
     * keeps them (see {@link Inputs#HAND_OVER_START}). A status: the tick thread alone writes it, the
     * session thread polls it for load reports.
     */
    public long handedOver() {
        return handOver.handedOver();
    }

    /** Players on the map. A status: the tick thread alone writes it, load reports and metrics poll it. */
    public int players() {
        return players.count();
    }

    /** Moves refused by the speed check. Tick thread, read racily (metrics). */
    public long rejectedMoves() {
        return rejectedMoves;
    }

    /** Inputs refused for their shape or for what they asked (unknown entity, out of range). Tick thread. */
    public long rejectedInputs() {
        return rejectedInputs;
    }

    /** Creatures killed by players. Tick thread, read racily. */
    public long kills() {
        return combat.kills();
    }

    /** Players slain by players (on a battleground). Tick thread, read racily. */
    public long playersSlain() {
        return combat.playersSlain();
    }

    /**
     * The battleground's match played on this map, read-only (phase, scores, flags and bases, time
     * left: what its players are to be shown), or null when this map is no battleground. Tick thread.
     */
    public BattlegroundView battleground() {
        return battleground == null ? null : battleground.battleground();
    }

    /**
     * The entity id of the player a battleground's view names by index (a flag's carrier), or -1 when
     * no player has that index. Tick thread.
     */
    public long battlegroundPlayer(final int player) {
        return battleground == null ? -1 : battleground.entityOf(player);
    }

    /**
     * Whether this battleground's match has ended and its players are to go home now (the node
     * sends them). A status: the tick thread alone writes it, any thread polls it.
     */
    public boolean sendsEveryoneHome() {
        return battleground != null && battleground.goHome();
    }

    /**
     * How this battleground's match ended, or null while it is undecided (or this map is no battleground). A
     * status: the tick thread alone writes it, any thread polls it.
     */
    public BattlegroundResult battlegroundResult() {
        return battleground == null ? null : battleground.result();
    }

    /** Items looted from corpses. Tick thread, read racily. */
    public long itemsLooted() {
        return items.itemsLooted();
    }

    /** Item and trade requests refused (each answered ITEM_REFUSED). Tick thread, read racily. */
    public long itemRequestsRefused() {
        return items.refused();
    }

    /** Trades settled (each counted once per side). Tick thread, read racily. */
    public long tradesSettled() {
        return trades.completed();
    }

    /** Players frozen for a transfer: through a portal, or handed over as the instance moved. */
    public long departures() {
        return transfers.departures();
    }

    /** Saves the full save log refused (snapshots retried a second later, loots refused). Tick thread, read racily. */
    public long droppedSaves() {
        return persistence.droppedSaves();
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

    /** Blows this cell's players took from neighbouring cells' creatures. Tick thread (tests). */
    public long blowsTakenAcross() {
        return combat.blowsTakenAcross();
    }

    /** A player's experience, or -1 when not on this map. Tick thread (tests). */
    public long experience(final long entity) {
        final int slot = entities.playerSlot(entity);
        return slot == EntityTable.NONE ? -1 : players.experience[players.indexOf(slot)];
    }

    /** A player's money in copper, or -1 when not on this map. Tick thread (tests). */
    public long money(final long entity) {
        final int slot = entities.playerSlot(entity);
        return slot == EntityTable.NONE ? -1 : entities.money[slot];
    }

    /** The item in a player's slot as {id, template, count}, or null when the player is not here. Tick thread (tests). */
    public long[] item(final long entity, final int inventorySlot) {
        final int slot = entities.playerSlot(entity);
        if (slot == EntityTable.NONE) {
            return null;
        }
        final int i = Inventory.at(players.indexOf(slot), inventorySlot);
        return new long[] {inventory.itemId[i], inventory.template[i], inventory.count[i]};
    }

    /** A player's maximum health, or -1 when not on this map. Tick thread (tests). */
    public int maxHealth(final long entity) {
        final int slot = entities.playerSlot(entity);
        return slot == EntityTable.NONE ? -1 : entities.maxHealth[slot];
    }

    /** The stack a corpse holds for its killer as {template, count}, or null. Tick thread (tests). */
    public int[] corpseLoot(final long entity) {
        final int slot = entities.slotOf(entity);
        return slot == EntityTable.NONE ? null : new int[] {entities.lootTemplate[slot], entities.lootCount[slot]};
    }

    /** Make a corpse hold {@code count} of {@code template} for its killer. Tick thread (tests). */
    void dropOn(final long corpse, final int template, final int count) {
        final int slot = entities.slotOf(corpse);
        entities.lootTemplate[slot] = template;
        entities.lootCount[slot] = count;
    }

    /** Position of an entity as {x, y}, or null. Tick thread (tests). */
    public float[] position(final long entity) {
        final int slot = entities.slotOf(entity);
        return slot == EntityTable.NONE ? null : new float[] {entities.x[slot], entities.y[slot]};
    }

    /** The creature nearest to a position, alive or dead, or -1. Tick thread (tests, bots' scripts). */
    public long creatureNear(final float px, final float py, final float radius) {
        return creatures.nearest(px, py, radius);
    }

    /** Whether the creature is a corpse. Tick thread (tests). */
    public boolean isDead(final long entity) {
        final int slot = entities.slotOf(entity);
        return slot != EntityTable.NONE && entities.dead[slot];
    }
}
