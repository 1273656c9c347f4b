package io.realmcluster.dataplane.world.battleground;

/**
 * Where things are on the battlegrounds' maps, approximately as in vanilla: each side's start, the
 * flags of Warsong Gulch, the five bases of Arathi Basin, and the middle a map instance is laid out
 * around. Positions are {x, y, z}; the objective only looks at x and y.
 */
public final class BattlegroundMaps {
    /** Warsong Gulch's flags, at each side's base, indexed by {@link Team}. */
    static final float[][] WSG_FLAGS = {{1540.4f, 1481.3f, 351.8f}, {916.0f, 1434.4f, 346.0f}};

    /** Arathi Basin's bases: Stables, Blacksmith, Farm, Lumber Mill, Gold Mine. */
    static final float[][] AB_BASES = {
        {1166.8f, 1200.1f, -56.7f},
        {977.0f, 1046.6f, -44.8f},
        {806.2f, 874.3f, -56.0f},
        {856.1f, 1148.9f, 11.2f},
        {1146.9f, 848.2f, -110.9f}
    };

    static final String[] AB_BASE_NAMES = {"Stables", "Blacksmith", "Farm", "Lumber Mill", "Gold Mine"};

    private static final float[][] WSG_STARTS = {{1523.8f, 1481.8f, 352.0f}, {933.3f, 1433.7f, 345.5f}};
    private static final float[][] AB_STARTS = {{1286.1f, 1282.5f, -49.5f}, {686.0f, 682.9f, -60.0f}};
    private static final float[][] AV_STARTS = {{873.0f, -491.3f, 96.5f}, {-1437.7f, -610.1f, 51.2f}};

    private BattlegroundMaps() {}

    /** Where {@code team} starts on battleground {@code mapId}, as {x, y, z}; a fresh array. */
    public static float[] start(final int mapId, final int team) {
        return starts(mapId)[team].clone();
    }

    /** The middle of battleground {@code mapId}, between the two starts, as {x, y}: what its instance is laid out around. */
    public static float[] center(final int mapId) {
        final float[][] starts = starts(mapId);
        return new float[] {(starts[0][0] + starts[1][0]) / 2, (starts[0][1] + starts[1][1]) / 2};
    }

    /** Where the flag of {@code team} stands at home in Warsong Gulch, as {x, y, z}; a fresh array. */
    public static float[] flag(final int team) {
        return WSG_FLAGS[team].clone();
    }

    /** Where Arathi Basin's base {@code index} (0 Stables to 4 Gold Mine) stands, as {x, y, z}; a fresh array. */
    public static float[] base(final int index) {
        return AB_BASES[index].clone();
    }

    /** The name of Arathi Basin's base {@code index}. */
    public static String baseName(final int index) {
        return AB_BASE_NAMES[index];
    }

    private static float[][] starts(final int mapId) {
        return switch (mapId) {
            case BattlegroundSettings.WARSONG_GULCH -> WSG_STARTS;
            case BattlegroundSettings.ARATHI_BASIN -> AB_STARTS;
            case BattlegroundSettings.ALTERAC_VALLEY -> AV_STARTS;
            default -> throw new IllegalArgumentException("map " + mapId + " is no battleground");
        };
    }
}
