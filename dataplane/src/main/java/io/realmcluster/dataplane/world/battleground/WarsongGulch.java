package io.realmcluster.dataplane.world.battleground;

import java.util.Arrays;

/**
 * Capture the flag: a player who touches the enemy's flag at its base takes it; its carrier scores
 * by touching its own base while its own flag is at home. A carrier who dies or leaves drops the
 * flag where he was; the flag's side touching it returns it home, the carrier's side takes it up
 * again (not the one who dropped it), and it returns by itself after a while. Three captures win.
 * Objective {@code i} is the flag of side {@code i}.
 */
final class WarsongGulch extends Objective {
    /** How close a player comes to a flag or a base to touch it; height is not checked. */
    static final float TOUCH_YARDS = 5f;

    /** The flag each player carries, by player index, or {@link Team#NONE}. */
    private final int[] carrying;
    /** The player who dropped each flag lying on the ground: he may not take it up again himself. */
    private final int[] droppedBy = {Team.NONE, Team.NONE};

    WarsongGulch(final Battleground match, final int maxPlayers) {
        super(match, 2);
        carrying = new int[maxPlayers];
        Arrays.fill(carrying, Team.NONE);
        for (int flag = 0; flag < 2; flag++) {
            team[flag] = flag;
            home(flag);
        }
    }

    @Override
    boolean timed(final int index) {
        return state[index] == BattlegroundView.FLAG_DROPPED;
    }

    @Override
    void touched(final int player, final int side, final float px, final float py, final long now) {
        final int enemy = Team.enemyOf(side);
        if (carrying[player] == enemy) {
            x[enemy] = px;
            y[enemy] = py;
        }
        if (carrying[player] == Team.NONE && reaches(enemy, px, py) && droppedBy[enemy] != player) {
            if (state[enemy] == BattlegroundView.FLAG_AT_BASE || state[enemy] == BattlegroundView.FLAG_DROPPED) {
                take(enemy, player, px, py);
            }
        }
        if (state[side] == BattlegroundView.FLAG_DROPPED && reaches(side, px, py)) {
            home(side);
            match.changed();
            events.flagReturned(side, player);
        }
        if (carrying[player] == enemy
                && state[side] == BattlegroundView.FLAG_AT_BASE
                && near(
                        px,
                        py,
                        BattlegroundMaps.WSG_FLAGS[side][0],
                        BattlegroundMaps.WSG_FLAGS[side][1],
                        TOUCH_YARDS)) {
            capture(enemy, player, side);
        }
    }

    private boolean reaches(final int flag, final float px, final float py) {
        return state[flag] != BattlegroundView.FLAG_CARRIED && near(px, py, x[flag], y[flag], TOUCH_YARDS);
    }

    private void take(final int flag, final int player, final float px, final float py) {
        state[flag] = BattlegroundView.FLAG_CARRIED;
        carrier[flag] = player;
        carrying[player] = flag;
        droppedBy[flag] = Team.NONE;
        until[flag] = 0;
        x[flag] = px;
        y[flag] = py;
        match.changed();
        events.flagTaken(flag, player);
    }

    private void capture(final int flag, final int player, final int side) {
        carrying[player] = Team.NONE;
        home(flag);
        events.flagCaptured(flag, player);
        if (match.addScore(side, 1) >= settings.capturesToWin()) {
            match.win(side);
        }
    }

    @Override
    void died(final int player, final int side, final float px, final float py, final long now) {
        drop(player, px, py, now);
    }

    @Override
    void left(final int player, final int side, final float px, final float py, final long now) {
        drop(player, px, py, now);
    }

    private void drop(final int player, final float px, final float py, final long now) {
        final int flag = carrying[player];
        if (flag == Team.NONE) {
            return;
        }
        carrying[player] = Team.NONE;
        state[flag] = BattlegroundView.FLAG_DROPPED;
        carrier[flag] = Team.NONE;
        droppedBy[flag] = player;
        x[flag] = px;
        y[flag] = py;
        until[flag] = now + settings.flagReturnMillis();
        match.changed();
        events.flagDropped(flag, player);
    }

    @Override
    void advance(final long now) {
        for (int flag = 0; flag < 2; flag++) {
            if (state[flag] == BattlegroundView.FLAG_DROPPED && now >= until[flag]) {
                home(flag);
                match.changed();
                events.flagReturned(flag, Team.NONE);
            }
        }
    }

    private void home(final int flag) {
        state[flag] = BattlegroundView.FLAG_AT_BASE;
        carrier[flag] = Team.NONE;
        droppedBy[flag] = Team.NONE;
        until[flag] = 0;
        x[flag] = BattlegroundMaps.WSG_FLAGS[flag][0];
        y[flag] = BattlegroundMaps.WSG_FLAGS[flag][1];
    }
}
