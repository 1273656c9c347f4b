package io.realmcluster.proto.world;

import java.util.Map;

/**
 * How a continent splits into cells, which nodes and the control plane both apply: each continent is
 * played on a square around its centre, and a continent of {@code count} cells is cut across x into
 * {@code count} strips of equal width, cell 0 the westmost. The first cell also owns everything west of
 * the square and the last everything east of it, so every position has exactly one cell.
 *
 * <p>A player belongs to the cell its position is in, with hysteresis: it changes cell only once it is
 * {@link #HYSTERESIS_YARDS} past the boundary, so walking along a boundary does not flap between cells.
 * Everything within the visibility distance of a boundary is mirrored on the neighbour (its ghost).
 */
public final class Cells {
    /** The side of the square a continent is played on, yards. */
    public static final float CONTINENT_SIDE_YARDS = 4000f;
    /** How far past a boundary a player goes before it changes cell. */
    public static final float HYSTERESIS_YARDS = 8f;
    /** The most cells a continent splits into. */
    public static final int MAX_CELLS = 8;

    private static final Map<Integer, float[]> CENTERS = Map.of(
            0, new float[] {-8913.23f, 554.63f},
            1, new float[] {600f, -4300f});

    private Cells() {}

    /** The centre of continent {@code mapId}'s square (x, y): where its creatures live and a new player starts. */
    public static float[] center(final int mapId) {
        final float[] center = CENTERS.get(mapId);
        return center == null ? new float[] {0f, 0f} : center.clone();
    }

    /** Whether map {@code mapId} is a continent, the only maps that split into cells. */
    public static boolean continent(final int mapId) {
        return CENTERS.containsKey(mapId);
    }

    /** The strips of continent {@code mapId} cut into {@code count} cells. */
    public static Strips strips(final int mapId, final int count) {
        if (count < 1 || count > MAX_CELLS) {
            throw new IllegalArgumentException("a continent splits into 1 to " + MAX_CELLS + " cells, not " + count);
        }
        return new Strips(center(mapId)[0] - CONTINENT_SIDE_YARDS / 2, CONTINENT_SIDE_YARDS / count, count);
    }

    /** {@code count} strips of {@code width} yards from {@code west}, the outer two open-ended. */
    public record Strips(float west, float width, int count) {
        /** The cell whose strip holds {@code x}. */
        public int cellAt(final float x) {
            final int index = (int) Math.floor((x - west) / width);
            return Math.max(0, Math.min(count - 1, index));
        }

        /** The x where cell {@code index} begins (its boundary with the cell west of it); -infinity for cell 0. */
        public float westEdge(final int index) {
            return index == 0 ? Float.NEGATIVE_INFINITY : west + index * width;
        }

        /** The x where cell {@code index} ends (its boundary with the cell east of it); +infinity for the last. */
        public float eastEdge(final int index) {
            return index == count - 1 ? Float.POSITIVE_INFINITY : west + (index + 1) * width;
        }

        /**
         * The cell a player of cell {@code index} at {@code x} moves to: a neighbour once the player is more than
         * {@link #HYSTERESIS_YARDS} past the boundary with it, else {@code index} (it stays).
         */
        public int owner(final int index, final float x) {
            if (x >= eastEdge(index) + HYSTERESIS_YARDS) {
                return cellAt(x);
            }
            if (x < westEdge(index) - HYSTERESIS_YARDS) {
                return cellAt(x);
            }
            return index;
        }

        /**
         * The neighbours of cell {@code index} within {@code distance} of {@code x} (a bit set: bit 0 the cell west,
         * bit 1 the cell east): where an entity of this cell at {@code x} is mirrored, and where a player near the
         * boundary stands by.
         */
        public int near(final int index, final float x, final float distance) {
            int near = 0;
            if (index > 0 && x - westEdge(index) < distance) {
                near |= WEST;
            }
            if (index < count - 1 && eastEdge(index) - x < distance) {
                near |= EAST;
            }
            return near;
        }
    }

    /** {@link Strips#near}'s bit for the cell west of one. */
    public static final int WEST = 1;
    /** {@link Strips#near}'s bit for the cell east of one. */
    public static final int EAST = 2;
}
