package io.realmcluster.dataplane.world.battleground;

/**
 * Five bases: a player standing at a base his side does not hold (or is not already assaulting)
 * assaults it; after the contest's time it is his side's, and an enemy's assault contests it again.
 * A contested base gives nobody resources. Every {@link #RESOURCE_TICK_MILLIS} each side gains
 * resources by how many bases it holds ({@link #RESOURCES_PER_TICK}, a simplification of 1.12's
 * table: 5 bases give 30 a second as there, fewer bases about as much as there); the first to the
 * settings' resources to win (vanilla's 2,000) wins, both at once the one ahead, level a draw.
 */
final class ArathiBasin extends Objective {
    static final float ASSAULT_YARDS = 10f;
    static final long RESOURCE_TICK_MILLIS = 2_000;
    /** Resources a side gains each tick by the bases it holds, 0 to 5. */
    static final int[] RESOURCES_PER_TICK = {0, 2, 3, 4, 7, 60};

    private static final int BASES = 5;
    private final long resourcesToWin;
    private long nextResourcesAt;

    ArathiBasin(final Battleground match) {
        super(match, BASES);
        resourcesToWin = settings.resourcesToWin();
        for (int base = 0; base < BASES; base++) {
            x[base] = BattlegroundMaps.AB_BASES[base][0];
            y[base] = BattlegroundMaps.AB_BASES[base][1];
        }
    }

    @Override
    boolean timed(final int index) {
        return state[index] == BattlegroundView.BASE_CONTESTED;
    }

    @Override
    void started(final long now) {
        nextResourcesAt = now + RESOURCE_TICK_MILLIS;
    }

    @Override
    void touched(final int player, final int side, final float px, final float py, final long now) {
        for (int base = 0; base < BASES; base++) {
            if (near(px, py, x[base], y[base], ASSAULT_YARDS)
                    && challenger[base] != side
                    && (challenger[base] != Team.NONE || team[base] != side)) {
                challenger[base] = side;
                state[base] = BattlegroundView.BASE_CONTESTED;
                until[base] = now + settings.contestMillis();
                match.changed();
                events.baseAssaulted(base, side, player);
            }
        }
    }

    @Override
    void advance(final long now) {
        // Resources first: a base taken at this instant pays from the next interval on.
        if (now >= nextResourcesAt) {
            // Intervals a stalled tick missed are skipped, not paid at once.
            nextResourcesAt += RESOURCE_TICK_MILLIS * ((now - nextResourcesAt) / RESOURCE_TICK_MILLIS + 1);
            payResources();
        }
        for (int base = 0; base < BASES && match.phase() == Phase.RUNNING; base++) {
            if (state[base] == BattlegroundView.BASE_CONTESTED && now >= until[base]) {
                team[base] = challenger[base];
                challenger[base] = Team.NONE;
                state[base] = BattlegroundView.BASE_CONTROLLED;
                until[base] = 0;
                match.changed();
                events.baseTaken(base, team[base]);
            }
        }
    }

    private void payResources() {
        final long alliance = pay(Team.ALLIANCE);
        final long horde = pay(Team.HORDE);
        if (alliance >= resourcesToWin || horde >= resourcesToWin) {
            match.win(alliance == horde ? Team.DRAW : alliance > horde ? Team.ALLIANCE : Team.HORDE);
        }
    }

    private long pay(final int side) {
        int held = 0;
        for (int base = 0; base < BASES; base++) {
            if (state[base] == BattlegroundView.BASE_CONTROLLED && team[base] == side) {
                held++;
            }
        }
        final long score = match.score(side);
        final long gained = Math.min(RESOURCES_PER_TICK[held], resourcesToWin - score);
        return gained == 0 ? score : match.addScore(side, gained);
    }
}
