package io.realmcluster.dataplane.world;

import org.agrona.collections.Long2LongHashMap;

/**
 * The entities of one map, creatures and players alike, as slots in parallel arrays: what every
 * entity has (id, kind, position, health, target, corpse state), the free slots, the id-to-slot
 * index and each slot's place in the {@link Grid}. Allocates nothing once built. The tick thread
 * only.
 */
final class EntityTable {
    static final int NONE = Grid.NONE;
    static final byte FREE = 0;
    static final byte PLAYER = 1;
    static final byte CREATURE = 2;
    /** A player of a neighbouring cell near the boundary, mirrored here read-only (see {@link Ghosts}). */
    static final byte GHOST_PLAYER = 3;
    /** A creature of a neighbouring cell near the boundary, mirrored here read-only. */
    static final byte GHOST_CREATURE = 4;

    /** What a walk over the entities near a point does with each one; implemented once per use, never per walk. */
    @FunctionalInterface
    interface Visitor {
        void visit(int slot);
    }

    final long[] id;
    final byte[] kind;
    final float[] x;
    final float[] y;
    final float[] z;
    final float[] o;
    final int[] health;
    final int[] maxHealth;
    final int[] level;
    final int[] target;
    /** The entity id {@code target} held when it was set: a slot freed and reused is not the same foe. */
    final long[] targetId;

    final long[] nextActionTick;
    /** A player's money, or the money a corpse holds for its killer to loot. */
    final long[] money;

    /** The stack a corpse holds for its killer to loot: template (0 none) and count. */
    final int[] lootTemplate;

    final int[] lootCount;
    final int[] killer;
    /**
     * The id of a corpse's killer (0 none): on a cell of a split continent, the killer of a creature may be a player of
     * the neighbouring cell (here only its ghost, whose slot goes with it), and a corpse's ghost names its killer so.
     */
    final long[] killerId;

    final boolean[] dead;
    /** The tick an entity last moved or changed health or life: what updates carry. */
    final long[] changedTick;

    private final Grid grid;
    private final Long2LongHashMap slotById = new Long2LongHashMap(NONE);
    private final int[] freeSlots;
    private int freeCount;

    /** Room for {@code capacity} entities on {@code grid}, which must hold as many. */
    EntityTable(final int capacity, final Grid grid) {
        this.grid = grid;
        id = new long[capacity];
        kind = new byte[capacity];
        x = new float[capacity];
        y = new float[capacity];
        z = new float[capacity];
        o = new float[capacity];
        health = new int[capacity];
        maxHealth = new int[capacity];
        level = new int[capacity];
        target = new int[capacity];
        targetId = new long[capacity];
        nextActionTick = new long[capacity];
        money = new long[capacity];
        killer = new int[capacity];
        killerId = new long[capacity];
        lootTemplate = new int[capacity];
        lootCount = new int[capacity];
        dead = new boolean[capacity];
        changedTick = new long[capacity];
        freeSlots = new int[capacity];
        for (int slot = capacity - 1; slot >= 0; slot--) {
            freeSlots[freeCount++] = slot;
        }
    }

    int capacity() {
        return id.length;
    }

    boolean full() {
        return freeCount == 0;
    }

    /** Take a free slot for entity {@code entityId} of {@code entityKind} at (px, py), indexed and placed on the grid. */
    int add(final long entityId, final byte entityKind, final float px, final float py) {
        final int slot = freeSlots[--freeCount];
        id[slot] = entityId;
        kind[slot] = entityKind;
        x[slot] = px;
        y[slot] = py;
        slotById.put(entityId, slot);
        grid.place(slot, px, py);
        return slot;
    }

    /** Free the slot; its other fields keep their values until the slot is taken again. */
    void remove(final int slot) {
        grid.remove(slot);
        slotById.remove(id[slot]);
        kind[slot] = FREE;
        freeSlots[freeCount++] = slot;
    }

    /** The slot of an entity, or {@link #NONE}. */
    int slotOf(final long entityId) {
        return (int) slotById.get(entityId);
    }

    /** The slot of a player, or {@link #NONE} when the entity is not a player on this map. */
    int playerSlot(final long entityId) {
        final int slot = slotOf(entityId);
        return slot == NONE || kind[slot] != PLAYER ? NONE : slot;
    }

    /** Move an entity to (px, py), in the grid too. */
    void moveTo(final int slot, final float px, final float py) {
        x[slot] = px;
        y[slot] = py;
        grid.place(slot, px, py);
    }

    int cellOf(final int slot) {
        return grid.cellOf(slot);
    }

    /** {@link #forEachNear(float, float, float, Visitor)} around an entity, itself included. */
    void forEachNear(final int slot, final float radius, final Visitor visitor) {
        forEachNear(grid.cellOf(slot), x[slot], y[slot], radius, visitor);
    }

    /**
     * Visit every entity within {@code radius} of (px, py), in grid order. A radius wider than a
     * cell (the visibility distance) reaches no farther than the cells around the point; an
     * infinite one visits everything in them. Visitors may walk again (it keeps no state).
     */
    void forEachNear(final float px, final float py, final float radius, final Visitor visitor) {
        forEachNear(grid.cellAt(px, py), px, py, radius, visitor);
    }

    private void forEachNear(
            final int cell, final float px, final float py, final float radius, final Visitor visitor) {
        final float reach = radius * radius;
        final int side = grid.cellsPerSide();
        final int cx = cell % side;
        final int cy = cell / side;
        final int lastY = Math.min(side - 1, cy + 1);
        final int lastX = Math.min(side - 1, cx + 1);
        for (int gy = Math.max(0, cy - 1); gy <= lastY; gy++) {
            for (int gx = Math.max(0, cx - 1); gx <= lastX; gx++) {
                for (int other = grid.first(gy * side + gx); other != NONE; other = grid.next(other)) {
                    if (squared(px, py, x[other], y[other]) <= reach) {
                        visitor.visit(other);
                    }
                }
            }
        }
    }

    /** Whether players see the entity in {@code slot} as a player (one of this map's, or a ghost of one). */
    boolean seenAsPlayer(final int slot) {
        return kind[slot] == PLAYER || kind[slot] == GHOST_PLAYER;
    }

    float distance(final int a, final int b) {
        return distance(x[a], y[a], x[b], y[b]);
    }

    static float squared(final float ax, final float ay, final float bx, final float by) {
        final float dx = ax - bx;
        final float dy = ay - by;
        return dx * dx + dy * dy;
    }

    static float distance(final float ax, final float ay, final float bx, final float by) {
        final float dx = ax - bx;
        final float dy = ay - by;
        return (float) Math.sqrt(dx * dx + dy * dy);
    }
}
