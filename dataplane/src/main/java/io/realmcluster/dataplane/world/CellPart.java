package io.realmcluster.dataplane.world;

import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.world.Cells;

/**
 * The part of its map a map instance runs: the whole map, or cell {@code index} of a continent cut into
 * {@code strips} (see {@link Cells}).
 */
public record CellPart(Cells.Strips strips, int index) {
    /** The whole map. */
    public static final CellPart WHOLE = new CellPart(null, 0);

    /** The part {@code instance}'s assignment names: its cell, or the whole map. */
    public static CellPart of(final MapInstance instance) {
        if (!instance.hasCell() || instance.getCell().getCount() <= 1) {
            return WHOLE;
        }
        return new CellPart(
                Cells.strips(instance.getMapId(), instance.getCell().getCount()),
                instance.getCell().getIndex());
    }

    public boolean whole() {
        return strips == null;
    }

    /** Whether x is in this part's strip (always, for the whole map). */
    public boolean holds(final float x) {
        return strips == null || strips.cellAt(x) == index;
    }
}
