package io.realmcluster.dataplane.world.battleground;

/**
 * A war of attrition: each side starts with the settings' reinforcements (vanilla's 600), loses one
 * per death of its players, and loses at 0.
 */
final class AlteracValley extends Objective {
    AlteracValley(final Battleground match) {
        super(match, 0);
    }

    @Override
    long startingScore() {
        return settings.reinforcements();
    }

    @Override
    void died(final int player, final int side, final float px, final float py, final long now) {
        if (match.addScore(side, -1) <= 0) {
            match.win(Team.enemyOf(side));
        }
    }
}
