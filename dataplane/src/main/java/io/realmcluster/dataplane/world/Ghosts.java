package io.realmcluster.dataplane.world;

import io.realmcluster.proto.world.Cells;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The entities of a split continent's cell near a boundary, mirrored on the neighbour across it
 * (BigWorld's ghosts). Each tick a cell writes, for each neighbour, every entity of its own within
 * the visibility distance of their boundary ({@link #export}): the whole band, not what changed, so
 * a lost or late batch costs nothing but a tick. The neighbour applies each batch ({@link #apply}):
 * a ghost per entity, read-only (it neither acts nor is saved; what happens to it happens on its own
 * cell), updated in place, and gone once a batch no longer has it. Players see ghosts as they see
 * every entity in sight. The tick thread only; allocates nothing once built.
 *
 * <p>A batch: {@code u16 count}, then per entity {@link #RECORD_LENGTH} bytes: {@code i64 id, u8 kind
 * (PLAYER or CREATURE), u8 flags (1: dead, 2: a corpse with loot), u16 level, f32 x, y, z, o, i32 health, maxHealth,
 * i64 killer} (a corpse's killer's id, 0 for none: the neighbour's player it names sees the ghost lootable).
 */
final class Ghosts {
    static final int RECORD_LENGTH = 44;
    static final int HEADER_LENGTH = 2;
    private static final int FLAG_DEAD = 1;
    private static final int FLAG_LOOT = 2;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final EntityTable entities;
    private final WorldClock clock;
    private final CellPart cell;
    private final float distance;
    /** Per side ({@link Cells#WEST}, {@link Cells#EAST}: index side - 1), the ghost slots it holds. */
    private final int[][] slots = new int[2][];

    private final int[] counts = new int[2];
    /** The batch each ghost slot was last seen in; a ghost missing from its side's latest batch goes. */
    private final long[] seenIn;
    /** The side each ghost slot holds a ghost of. */
    private final byte[] sideOf;

    private long batches;
    /** Batches cut short for want of room. */
    private long cut;

    Ghosts(final EntityTable entities, final WorldClock clock, final CellPart cell, final float distance) {
        this.entities = entities;
        this.clock = clock;
        this.cell = cell;
        this.distance = distance;
        this.seenIn = new long[entities.capacity()];
        this.sideOf = new byte[entities.capacity()];
        slots[0] = new int[entities.capacity()];
        slots[1] = new int[entities.capacity()];
    }

    /** The most bytes a batch of a map with {@code capacity} entity slots takes. */
    static int maxBatchLength(final int capacity) {
        return HEADER_LENGTH + capacity * RECORD_LENGTH;
    }

    /**
     * Write into {@code out} at {@code offset} the batch for the neighbour on {@code side}: every entity of this
     * cell (not a ghost) within the visibility distance of their boundary. Returns its length; 0 when this map has
     * no neighbour there.
     */
    int export(final int side, final MutableDirectBuffer out, final int offset) {
        return export(side, out, offset, Integer.MAX_VALUE);
    }

    /** The same, in at most {@code limit} bytes: a band with more entities is cut there (they lack ghosts a while). */
    int export(final int side, final MutableDirectBuffer out, final int offset, final int limit) {
        if (cell.whole() || !hasNeighbour(side)) {
            return 0;
        }
        int count = 0;
        int at = offset + HEADER_LENGTH;
        final int capacity = entities.capacity();
        final byte[] kind = entities.kind;
        for (int slot = 0; slot < capacity; slot++) {
            final byte k = kind[slot];
            if ((k == EntityTable.PLAYER || k == EntityTable.CREATURE)
                    && (cell.strips().near(cell.index(), entities.x[slot], distance) & side) != 0) {
                if (at + RECORD_LENGTH - offset > limit) {
                    cut++;
                    break;
                }
                out.putLong(at, entities.id[slot], ORDER);
                out.putByte(at + 8, k);
                final boolean dead = entities.dead[slot];
                final boolean loot = dead && (entities.money[slot] > 0 || entities.lootTemplate[slot] != 0);
                out.putByte(at + 9, (byte) ((dead ? FLAG_DEAD : 0) | (loot ? FLAG_LOOT : 0)));
                out.putShort(at + 10, (short) entities.level[slot], ORDER);
                out.putFloat(at + 12, entities.x[slot], ORDER);
                out.putFloat(at + 16, entities.y[slot], ORDER);
                out.putFloat(at + 20, entities.z[slot], ORDER);
                out.putFloat(at + 24, entities.o[slot], ORDER);
                out.putInt(at + 28, entities.health[slot], ORDER);
                out.putInt(at + 32, entities.maxHealth[slot], ORDER);
                out.putLong(at + 36, dead ? entities.killerId[slot] : 0, ORDER);
                at += RECORD_LENGTH;
                count++;
            }
        }
        out.putShort(offset, (short) count, ORDER);
        return at - offset;
    }

    /**
     * Apply the batch from the neighbour on {@code side} (as this cell sees it): each record's ghost added or
     * updated, and that side's ghosts missing from it removed. A malformed batch changes nothing and returns false.
     */
    boolean apply(final int side, final DirectBuffer batch, final int offset, final int length) {
        if (cell.whole() || !hasNeighbour(side) || length < HEADER_LENGTH) {
            return false;
        }
        final int count = batch.getShort(offset, ORDER) & 0xFFFF;
        if (length != HEADER_LENGTH + count * RECORD_LENGTH) {
            return false;
        }
        final long seen = ++batches;
        final int[] held = slots[side - 1];
        // Applied between ticks: a change shows in the next tick's updates.
        final long tick = clock.inputTick();
        for (int i = 0, at = offset + HEADER_LENGTH; i < count; i++, at += RECORD_LENGTH) {
            final long id = batch.getLong(at, ORDER);
            final byte k = batch.getByte(at + 8);
            final float x = batch.getFloat(at + 12, ORDER);
            final float y = batch.getFloat(at + 16, ORDER);
            if ((k != EntityTable.PLAYER && k != EntityTable.CREATURE) || !Float.isFinite(x) || !Float.isFinite(y)) {
                continue;
            }
            final byte ghostKind = k == EntityTable.PLAYER ? EntityTable.GHOST_PLAYER : EntityTable.GHOST_CREATURE;
            int slot = entities.slotOf(id);
            if (slot == EntityTable.NONE) {
                if (entities.full()) {
                    continue;
                }
                slot = entities.add(id, ghostKind, x, y);
                sideOf[slot] = (byte) side;
                held[counts[side - 1]++] = slot;
                entities.changedTick[slot] = tick;
            } else if (entities.kind[slot] != ghostKind) {
                // One of this cell's own (it crossed over and its ghost is late): the cell's own copy counts.
                continue;
            }
            final byte flags = batch.getByte(at + 9);
            final boolean dead = (flags & FLAG_DEAD) != 0;
            final boolean loot = dead && (flags & FLAG_LOOT) != 0;
            final long killerId = batch.getLong(at + 36, ORDER);
            final int health = batch.getInt(at + 28, ORDER);
            if (entities.x[slot] != x
                    || entities.y[slot] != y
                    || entities.health[slot] != health
                    || entities.dead[slot] != dead
                    || (entities.money[slot] > 0) != loot) {
                entities.changedTick[slot] = tick;
            }
            entities.moveTo(slot, x, y);
            entities.z[slot] = batch.getFloat(at + 20, ORDER);
            entities.o[slot] = batch.getFloat(at + 24, ORDER);
            entities.health[slot] = health;
            entities.maxHealth[slot] = batch.getInt(at + 32, ORDER);
            entities.level[slot] = batch.getShort(at + 10, ORDER) & 0xFFFF;
            entities.dead[slot] = dead;
            // A corpse killed by one of this cell's players: lootable to him (its loot is asked of its own cell).
            final int killer = killerId == 0 ? EntityTable.NONE : entities.slotOf(killerId);
            entities.killer[slot] = killer != EntityTable.NONE && entities.kind[killer] == EntityTable.PLAYER
                    ? killer
                    : EntityTable.NONE;
            entities.killerId[slot] = killerId;
            entities.money[slot] = loot ? 1 : 0;
            entities.lootTemplate[slot] = 0;
            seenIn[slot] = seen;
        }
        sweep(side - 1, seen);
        return true;
    }

    /** Batches cut short for want of room so far. */
    long cut() {
        return cut;
    }

    /**
     * The ghost in {@code slot} is gone without a word to the players around: its entity crossed over and joins
     * this cell as its own, in a slot of its own.
     */
    void forget(final int slot) {
        for (int s = 0; s < 2; s++) {
            final int[] held = slots[s];
            for (int i = 0; i < counts[s]; i++) {
                if (held[i] == slot) {
                    held[i] = held[--counts[s]];
                    entities.remove(slot);
                    return;
                }
            }
        }
    }

    /** The side ({@link Cells#WEST} or {@link Cells#EAST}) of the cell that owns the ghost in {@code slot}. */
    int sideOf(final int slot) {
        return sideOf[slot];
    }

    /** Ghosts held for {@code side}, now. */
    int count(final int side) {
        return counts[side - 1];
    }

    /** Drop the ghosts of side index {@code s} that the batch {@code seen} did not have. */
    private void sweep(final int s, final long seen) {
        final int[] held = slots[s];
        int kept = 0;
        for (int i = 0; i < counts[s]; i++) {
            final int slot = held[i];
            if (seenIn[slot] == seen) {
                held[kept++] = slot;
            } else {
                gone.gone(slot);
                entities.remove(slot);
            }
        }
        counts[s] = kept;
    }

    /** Told of each ghost as it goes, before its slot is reused: the players around are told it left. */
    @FunctionalInterface
    interface Gone {
        void gone(int slot);
    }

    private Gone gone = slot -> {};

    void onGone(final Gone listener) {
        this.gone = listener;
    }

    private boolean hasNeighbour(final int side) {
        return side == Cells.WEST
                ? cell.index() > 0
                : side == Cells.EAST && cell.index() < cell.strips().count() - 1;
    }
}
