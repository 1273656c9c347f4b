package io.realmcluster.dataplane.world.battleground;

import java.util.concurrent.TimeUnit;

/**
 * What a player takes home from a battleground (see docs/architecture.md, "Home from a battleground"): a
 * win {@link #WIN_HONOR} honor and the battleground's mark, a loss or a draw {@link #LOSS_HONOR}, and a
 * player who leaves before the end (in the preparation too, as vanilla) nothing but Deserter for {@link
 * #DESERTER_MILLIS}. Pure.
 */
public final class BattlegroundRewards {
    /** Three times vanilla's 20 bonus honor of a won match. */
    public static final long WIN_HONOR = 60;
    /** Vanilla's 20 bonus honor for the end of a match, lost or drawn. */
    public static final long LOSS_HONOR = 20;

    public static final long DESERTER_MILLIS = TimeUnit.MINUTES.toMillis(15);
    /** Warsong Gulch Mark of Honor. */
    public static final int WARSONG_GULCH_MARK = 20558;
    /** Arathi Basin Mark of Honor. */
    public static final int ARATHI_BASIN_MARK = 20559;
    /** Alterac Valley Mark of Honor. */
    public static final int ALTERAC_VALLEY_MARK = 20560;

    /** Honor added, the mark's item template (0 for none) and when Deserter runs out (0 for none), wall clock. */
    public record Reward(long honor, int markTemplateId, long deserterUntilMillis) {}

    private BattlegroundRewards() {}

    /** The mark a win on battleground map {@code mapId} gives. */
    public static int markOf(final int mapId) {
        return switch (mapId) {
            case BattlegroundSettings.WARSONG_GULCH -> WARSONG_GULCH_MARK;
            case BattlegroundSettings.ARATHI_BASIN -> ARATHI_BASIN_MARK;
            case BattlegroundSettings.ALTERAC_VALLEY -> ALTERAC_VALLEY_MARK;
            default -> throw new IllegalArgumentException("map " + mapId + " is no battleground");
        };
    }

    /**
     * The reward of a player of {@code team} ({@link Team#ALLIANCE} or {@link Team#HORDE}) going home from
     * battleground map {@code mapId} at {@code nowMillis}: with the match's {@code result}, or, with none (it
     * left before the end), Deserter.
     */
    public static Reward of(final int mapId, final BattlegroundResult result, final int team, final long nowMillis) {
        if (result == null) {
            return new Reward(0, 0, nowMillis + DESERTER_MILLIS);
        }
        return result.won(team) ? new Reward(WIN_HONOR, markOf(mapId), 0) : new Reward(LOSS_HONOR, 0, 0);
    }
}
