package io.realmcluster.dataplane.world.battleground;

/**
 * What ends each battleground's match by its objective: Warsong Gulch's captures to win, Arathi Basin's resources to
 * win, Alterac Valley's reinforcements a side. {@link #VANILLA} is the realm's; smaller ones are for demonstrations
 * (the local cluster) and tests.
 */
public record ScoresToEnd(long warsongGulchCaptures, long arathiBasinResources, long alteracValleyReinforcements) {
    /** Vanilla's: three captures, 2,000 resources, 600 reinforcements. */
    public static final ScoresToEnd VANILLA = new ScoresToEnd(
            BattlegroundSettings.CAPTURES_TO_WIN,
            BattlegroundSettings.RESOURCES_TO_WIN,
            BattlegroundSettings.REINFORCEMENTS);

    public ScoresToEnd {
        if (warsongGulchCaptures <= 0 || arathiBasinResources <= 0 || alteracValleyReinforcements <= 0) {
            throw new IllegalArgumentException("Warsong Gulch's captures, Arathi Basin's resources and Alterac Valley's"
                    + " reinforcements must be positive, got " + warsongGulchCaptures + ", " + arathiBasinResources
                    + " and " + alteracValleyReinforcements);
        }
    }
}
