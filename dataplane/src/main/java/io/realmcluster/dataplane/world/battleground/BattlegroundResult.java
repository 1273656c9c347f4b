package io.realmcluster.dataplane.world.battleground;

/**
 * How a battleground's match ended: the winning side ({@link Team#ALLIANCE}, {@link Team#HORDE}, or
 * {@link Team#DRAW}) and each side's score. Immutable: published once by the tick thread, read by any.
 */
public record BattlegroundResult(int winner, long allianceScore, long hordeScore) {
    /** Whether {@code team} won. */
    public boolean won(final int team) {
        return winner != Team.DRAW && winner == team;
    }
}
