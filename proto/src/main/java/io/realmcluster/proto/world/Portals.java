package io.realmcluster.proto.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The game's portals (its area triggers), which nodes and clients both ship, as the game client
 * ships its map data: the entrance of each dungeon on its continent, which leads to the dungeon's
 * entry point, and the exit inside the dungeon, which leads back to just outside the entrance.
 * Positions are the vanilla game's, to within a few yards.
 *
 * <p>A player triggers a portal by moving from outside its radius to inside it, so arriving
 * next to one (or standing in one) does not send anyone back.
 */
public final class Portals {
    /** Yards around a portal's centre that trigger it. */
    public static final float RADIUS = 5f;
    /** How far behind the entry point a dungeon's exit is, and how far from the entrance a player leaving comes out. */
    private static final float STEP_BACK = 12f;

    /** A portal on {@code mapId} at (x, y, z), leading to {@code toMapId} at (toX, toY, toZ) facing {@code toO}. */
    public record Portal(
            int mapId, float x, float y, float z, int toMapId, float toX, float toY, float toZ, float toO) {
        public boolean contains(final float px, final float py) {
            final float dx = px - x;
            final float dy = py - y;
            return dx * dx + dy * dy <= RADIUS * RADIUS;
        }

        /** Whether a move from (fromX, fromY) to (toX, toY) walks into this portal. */
        public boolean entered(final float fromX, final float fromY, final float px, final float py) {
            return contains(px, py) && !contains(fromX, fromY);
        }
    }

    /** A dungeon's entrance on its continent and the point a player enters it at. */
    private record Dungeon(
            int mapId,
            int continent,
            float x,
            float y,
            float z,
            float entryX,
            float entryY,
            float entryZ,
            float entryO) {}

    private static final List<Dungeon> DUNGEONS = List.of(
            new Dungeon(34, 0, -8764.83f, 846.08f, 87.48f, 54.23f, 0.28f, -18.34f, 6.26f), // The Stockade, Stormwind
            new Dungeon(36, 0, -11208.3f, 1672.5f, 24.6f, -16.4f, -383.07f, 61.78f, 1.86f), // The Deadmines, Westfall
            new Dungeon(33, 0, -234.68f, 1561.63f, 76.89f, -229.13f, 2109.18f, 76.89f, 1.27f), // Shadowfang Keep
            new Dungeon(
                    389, 1, 1811.78f, -4410.5f, -18.47f, 3.81f, -14.82f, -17.84f, 4.39f), // Ragefire Chasm, Orgrimmar
            new Dungeon(
                    43, 1, -740.06f, -2214.23f, 16.14f, -163.49f, 132.9f, -73.66f, 5.83f)); // Wailing Caverns, Barrens

    private static final List<Portal> ALL = build();

    private Portals() {}

    private static List<Portal> build() {
        final List<Portal> portals = new ArrayList<>();
        for (final Dungeon d : DUNGEONS) {
            portals.add(entrance(d));
            portals.add(new Portal(
                    d.mapId(),
                    d.entryX() - STEP_BACK,
                    d.entryY(),
                    d.entryZ(),
                    d.continent(),
                    d.x() + STEP_BACK,
                    d.y(),
                    d.z(),
                    0f));
        }
        return List.copyOf(portals);
    }

    private static Portal entrance(final Dungeon d) {
        return new Portal(
                d.continent(), d.x(), d.y(), d.z(), d.mapId(), d.entryX(), d.entryY(), d.entryZ(), d.entryO());
    }

    /** The portals on a map, in a fixed order. */
    public static Portal[] on(final int mapId) {
        return ALL.stream().filter(p -> p.mapId() == mapId).toArray(Portal[]::new);
    }

    /** The first of {@code portals} that a move from (fromX, fromY) to (toX, toY) walks into; null when none. */
    public static Portal enteredBy(
            final Portal[] portals, final float fromX, final float fromY, final float toX, final float toY) {
        for (final Portal portal : portals) {
            if (portal.entered(fromX, fromY, toX, toY)) {
                return portal;
            }
        }
        return null;
    }

    /** The portal on a continent that leads into {@code instanceMapId}. */
    public static Optional<Portal> entranceTo(final int instanceMapId) {
        return DUNGEONS.stream()
                .filter(d -> d.mapId() == instanceMapId)
                .findFirst()
                .map(Portals::entrance);
    }

    /** Where a player enters an instance map: the far side of its entrance; empty when it has none. */
    public static Optional<float[]> entryPoint(final int instanceMapId) {
        return entranceTo(instanceMapId).map(p -> new float[] {p.toX(), p.toY(), p.toZ(), p.toO()});
    }
}
