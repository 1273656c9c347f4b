package io.realmcluster.dataplane.world.battleground;

import java.util.Arrays;

/**
 * What one battleground is played for, fed by its match while the match runs: players' positions,
 * deaths and departures, and the passing of time. It keeps its objectives' state in flat arrays the
 * match's view reads, and scores and wins through the match. The tick thread only.
 */
abstract class Objective {
    final Battleground match;
    final BattlegroundSettings settings;
    final BattlegroundEvents events;
    final int[] state;
    final int[] team;
    final int[] challenger;
    final int[] carrier;
    final float[] x;
    final float[] y;
    /** When a dropped flag returns or a contested base is taken, in the match's milliseconds. */
    final long[] until;

    Objective(final Battleground match, final int objectives) {
        this.match = match;
        this.settings = match.settings();
        this.events = match.events();
        state = new int[objectives];
        team = new int[objectives];
        challenger = new int[objectives];
        carrier = new int[objectives];
        x = new float[objectives];
        y = new float[objectives];
        until = new long[objectives];
        Arrays.fill(team, Team.NONE);
        Arrays.fill(challenger, Team.NONE);
        Arrays.fill(carrier, Team.NONE);
    }

    /** Whether objective {@code index} waits for {@link #until}: a dropped flag, a contested base. */
    boolean timed(final int index) {
        return false;
    }

    /** Each side's score when the match opens. */
    long startingScore() {
        return 0;
    }

    /** The gates opened at {@code now}. */
    void started(final long now) {}

    /** {@code player} of {@code side} stands at (px, py) while the match runs. */
    void touched(final int player, final int side, final float px, final float py, final long now) {}

    /** {@code player} of {@code side} died at (px, py) while the match runs. */
    void died(final int player, final int side, final float px, final float py, final long now) {}

    /** {@code player} of {@code side} left the map from (px, py), whatever the phase. */
    void left(final int player, final int side, final float px, final float py, final long now) {}

    /** Time passed to {@code now} while the match runs. */
    void advance(final long now) {}

    static boolean near(final float ax, final float ay, final float bx, final float by, final float yards) {
        final float dx = ax - bx;
        final float dy = ay - by;
        return dx * dx + dy * dy <= yards * yards;
    }
}
