package io.realmcluster.dataplane.world;

import java.util.Arrays;

/**
 * A square grid of cells over a map's play area, each cell a list of entity slots threaded through
 * int arrays (no allocation as entities move). Cells are as wide as the visibility distance, so
 * what an entity can see lies in its cell and the eight around it.
 */
public final class Grid {
    static final int NONE = -1;

    private final float originX;
    private final float originY;
    private final float cellSize;
    private final int cellsPerSide;
    private final int[] head;
    private final int[] next;
    private final int[] prev;
    private final int[] cellOf;

    public Grid(
            final float originX,
            final float originY,
            final float sideYards,
            final float cellSize,
            final int maxEntities) {
        this.originX = originX;
        this.originY = originY;
        this.cellSize = cellSize;
        this.cellsPerSide = Math.max(1, (int) Math.ceil(sideYards / cellSize));
        this.head = new int[cellsPerSide * cellsPerSide];
        this.next = new int[maxEntities];
        this.prev = new int[maxEntities];
        this.cellOf = new int[maxEntities];
        Arrays.fill(head, NONE);
        Arrays.fill(cellOf, NONE);
    }

    /** The cell of a position, clamped to the play area. */
    public int cellAt(final float x, final float y) {
        final int cx = clamp((int) ((x - originX) / cellSize));
        final int cy = clamp((int) ((y - originY) / cellSize));
        return cy * cellsPerSide + cx;
    }

    /** Put {@code slot} in the cell of (x, y), moving it out of its old cell if needed. */
    public void place(final int slot, final float x, final float y) {
        final int cell = cellAt(x, y);
        if (cellOf[slot] == cell) {
            return;
        }
        remove(slot);
        next[slot] = head[cell];
        prev[slot] = NONE;
        if (head[cell] != NONE) {
            prev[head[cell]] = slot;
        }
        head[cell] = slot;
        cellOf[slot] = cell;
    }

    public void remove(final int slot) {
        final int cell = cellOf[slot];
        if (cell == NONE) {
            return;
        }
        if (prev[slot] != NONE) {
            next[prev[slot]] = next[slot];
        } else {
            head[cell] = next[slot];
        }
        if (next[slot] != NONE) {
            prev[next[slot]] = prev[slot];
        }
        cellOf[slot] = NONE;
    }

    /** First slot in {@code cell}, or {@link #NONE}. */
    public int first(final int cell) {
        return head[cell];
    }

    /** The slot after {@code slot} in its cell, or {@link #NONE}. */
    public int next(final int slot) {
        return next[slot];
    }

    public int cellOf(final int slot) {
        return cellOf[slot];
    }

    public int cellsPerSide() {
        return cellsPerSide;
    }

    private int clamp(final int index) {
        return Math.max(0, Math.min(cellsPerSide - 1, index));
    }
}
