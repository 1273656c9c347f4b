package io.realmcluster.tools.bots;

import io.realmcluster.proto.world.Cells;

/**
 * A crosser's walk (see {@link BotConfig#withCrossers}): to and fro across the middle of the continent it is on,
 * {@link #YARDS} past it each way, which is the boundary of a continent split in two; or, told so, the same walk
 * turned along it where it stands (as many moves, nothing crossed). Its way is kept across crossings, so the bot goes
 * on the way it went. The bot loop's thread.
 */
final class BotPatrol {
    /**
     * How far a crosser walks past the middle of its continent each way: past the boundary of a continent split in
     * two and its hysteresis ({@link Cells#HYSTERESIS_YARDS}), so that each leg is a crossing.
     */
    static final float YARDS = 16f;

    private boolean crosser;
    /** East (across) or north (along) now. */
    private boolean forward;

    private boolean across = true;
    /** Where a walk along the middle turns back: this far north or south of where it began. */
    private float anchorY = Float.NaN;

    /** This bot is a crosser, or not; a crosser sets out east or west as {@code east} says. */
    void crosser(final boolean walks, final boolean east) {
        crosser = walks;
        forward = east;
    }

    /** Whether the bot patrols on map {@code mapId} (and does nothing else there). */
    boolean walks(final int mapId) {
        return crosser && Cells.continent(mapId);
    }

    /** Across the middle from now on, or along it where the bot stands. */
    void across(final boolean acrossTheMiddle) {
        across = acrossTheMiddle;
        anchorY = Float.NaN;
    }

    /** The heading of the next step from (x, y) on continent {@code mapId}, turning at the ends of the walk. */
    float heading(final int mapId, final float x, final float y) {
        if (!across) {
            if (Float.isNaN(anchorY)) {
                anchorY = y;
            }
            forward = turn(forward, y, anchorY);
            return (float) (forward ? Math.PI / 2 : -Math.PI / 2);
        }
        forward = turn(forward, x, Cells.center(mapId)[0]);
        return forward ? 0f : (float) Math.PI;
    }

    /** The way to go at {@code at} on a walk of {@link #YARDS} each side of {@code middle}. */
    private static boolean turn(final boolean forward, final float at, final float middle) {
        if (at >= middle + YARDS) {
            return false;
        }
        return at <= middle - YARDS || forward;
    }
}
