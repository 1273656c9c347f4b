package io.realmcluster.dataplane.world;

import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.transfer.Failpoints;

/**
 * What a map puts in the save log: each changed player's snapshot on its turn once a second, and
 * the saves its inputs need at once (loot, logout, departure), each fenced by the player's
 * ownership epoch and next save sequence. A full log refuses a save; it is counted, never waited
 * for. The tick thread only, except {@link #logoutAll()}.
 */
final class Persistence {
    /**
     * Snapshots of a moving player a second: a crash loses what happened since the last one that committed, and
     * a player's progress lost to a crash stays under a second with the commit's own time on top.
     */
    static final int SNAPSHOTS_PER_SECOND = 2;

    private final SaveLog saves;
    private final int handle;
    private final int mapId;
    private final EntityTable entities;
    private final PlayerTable players;
    /** Ticks between two snapshots of one player: half a second's. */
    private final int snapshotTicks;

    private final RingClaim claim = new RingClaim();
    /** A trade's second half, claimed while the first is still open. */
    private final RingClaim secondClaim = new RingClaim();

    private Inventory inventory;
    private long droppedSaves;

    /** Saves tagged with {@code handle}, so that confirmations find their way back to this map. */
    Persistence(
            final SaveLog saves,
            final int handle,
            final int mapId,
            final EntityTable entities,
            final PlayerTable players,
            final int ticksPerSecond) {
        this.saves = saves;
        this.handle = handle;
        this.mapId = mapId;
        this.entities = entities;
        this.players = players;
        this.snapshotTicks = Math.max(1, ticksPerSecond / SNAPSHOTS_PER_SECOND);
    }

    /** Snapshot the player in {@code slot} if it changed and this tick is its turn. */
    void snapshotIfDue(final int slot, final long tick) {
        final int player = players.indexOf(slot);
        // Each player's turn to be saved comes twice a second; a full log keeps it dirty for the next.
        if (players.persistDirty[player]
                && slot % snapshotTicks == (int) (tick % snapshotTicks)
                && save(slot, Saves.SNAPSHOT, 0, 0)) {
            players.persistDirty[player] = false;
        }
    }

    /** Save the player's state as a record of {@code type}; false (and counted) when the log is full. */
    boolean save(final int slot, final int type, final long corpse, final long copper) {
        try (RingClaim claimed = saves.claim(claim, type)) {
            if (!claimed.claimed()) {
                droppedSaves++;
                return false;
            }
            encode(slot, claimed, corpse, copper);
            claimed.commit();
            return true;
        }
    }

    /** Whether the saver says the database takes no saves now: loots, item changes and trades wait for it. */
    boolean unavailable() {
        return saves.unavailable();
    }

    /** The items item records carry (set once, when the map is built). */
    void inventory(final Inventory items) {
        this.inventory = items;
    }

    /**
     * Save the player's state and every item it holds as an item record ({@link Saves#LOOT} or {@link
     * Saves#ITEMS}) of {@code action}; false (and counted) when the log is full. Counts the record as
     * unconfirmed until the saver confirms it.
     */
    boolean saveItems(
            final int slot,
            final int type,
            final int action,
            final long created,
            final long destroyed,
            final int slotA,
            final int slotB,
            final long corpse,
            final long copper) {
        try (RingClaim claimed = saves.claim(claim, type)) {
            if (!claimed.claimed()) {
                droppedSaves++;
                return false;
            }
            encode(slot, claimed, corpse, copper);
            final int player = players.indexOf(slot);
            Saves.change(claimed.buffer(), claimed.index(), action, created, destroyed, slotA, slotB);
            inventory.write(player, claimed.buffer(), claimed.index());
            claimed.commit();
            players.pendingItemSaves[player]++;
            players.persistDirty[player] = false;
            return true;
        }
    }

    /**
     * Write a trade's two halves, both or neither: {@code trade} says what each side gave and received.
     * False (counted) when the log has no room for both; then nothing was written. The first half is
     * committed before the second is encoded (the failpoint between them is a crash there).
     */
    boolean saveTrade(final Trades trade, final int index, final long tradeSeq) {
        final int slotA = trade.playerSlot(index, 0);
        final int slotB = trade.playerSlot(index, 1);
        try (RingClaim first = saves.claim(claim, Saves.TRADE);
                RingClaim second = saves.claim(secondClaim, Saves.TRADE)) {
            if (!first.claimed() || !second.claimed()) {
                droppedSaves++;
                return false;
            }
            tradeHalf(first, slotA, trade, index, 0, tradeSeq, entities.id[slotB]);
            first.commit();
            Failpoints.reach(Failpoints.TRADE_BETWEEN_HALVES);
            tradeHalf(second, slotB, trade, index, 1, tradeSeq, entities.id[slotA]);
            second.commit();
            return true;
        }
    }

    private void tradeHalf(
            final RingClaim claimed,
            final int slot,
            final Trades trade,
            final int index,
            final int side,
            final long tradeSeq,
            final long partner) {
        final int player = players.indexOf(slot);
        encode(slot, claimed, 0, trade.moneyGained(index, side));
        final int at = claimed.index();
        final org.agrona.MutableDirectBuffer buffer = claimed.buffer();
        Saves.change(buffer, at, Saves.ACTION_TRADE, 0, 0, -1, -1);
        buffer.putLong(at + Saves.TRADE_SEQ, tradeSeq);
        buffer.putLong(at + Saves.PARTNER, partner);
        buffer.putInt(at + Saves.GIVEN_COUNT, trade.writeItems(index, side, buffer, at + Saves.GIVEN));
        buffer.putInt(at + Saves.RECEIVED_COUNT, trade.writeItems(index, 1 - side, buffer, at + Saves.RECEIVED));
        inventory.write(player, buffer, at);
        players.persistDirty[player] = false;
    }

    /**
     * Save the player as it departs to {@code toMap} (or {@link Saves#SAME_INSTANCE}), frozen at
     * {@code frozenAtNanos}; false (and counted) when the log is full.
     */
    boolean saveDeparture(
            final int slot,
            final int toMap,
            final float toX,
            final float toY,
            final float toZ,
            final float toO,
            final long frozenAtNanos) {
        try (RingClaim claimed = saves.claim(claim, Saves.DEPART)) {
            if (!claimed.claimed()) {
                droppedSaves++;
                return false;
            }
            encode(slot, claimed, 0, 0);
            Saves.destination(claimed.buffer(), claimed.index(), toMap, toX, toY, toZ, toO, frozenAtNanos);
            claimed.commit();
            return true;
        }
    }

    private void encode(final int slot, final RingClaim claimed, final long corpse, final long copper) {
        final int player = players.indexOf(slot);
        Saves.encode(
                claimed.buffer(),
                claimed.index(),
                entities.id[slot],
                players.epoch[player],
                ++players.saveSeq[player],
                handle,
                players.session[player],
                entities.level[slot],
                mapId,
                players.experience[player],
                entities.money[slot],
                entities.x[slot],
                entities.y[slot],
                entities.z[slot],
                entities.o[slot],
                corpse,
                copper);
    }

    /**
     * Save every player as it leaves, except those a transfer decides about: the map stopped
     * ticking, and this is the last its players' state is seen here. The thread that stopped it.
     */
    void logoutAll() {
        for (int slot = 0; slot < entities.capacity(); slot++) {
            if (entities.kind[slot] == EntityTable.PLAYER
                    && players.departing[players.indexOf(slot)] == PlayerTable.STAYING) {
                save(slot, Saves.LOGOUT, 0, 0);
            }
        }
    }

    /** Saves the full save log refused (snapshots retried a second later, loots refused). */
    long droppedSaves() {
        return droppedSaves;
    }
}
