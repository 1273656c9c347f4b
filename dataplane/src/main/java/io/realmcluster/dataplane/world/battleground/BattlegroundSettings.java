package io.realmcluster.dataplane.world.battleground;

/**
 * How one battleground's match is timed and who must be there: the map (which picks the
 * objective), the fewest players a side may have before it starts to lose, and the durations of
 * the preparation, of an Arathi Basin assault, of a side's time under its minimum, of the end's
 * wait and of a dropped flag's return, Arathi Basin's resources to win, Alterac Valley's
 * reinforcements and Warsong Gulch's captures to win. Tests and the local cluster shorten the
 * durations and the last three.
 */
public record BattlegroundSettings(
        int mapId,
        int minimumPerSide,
        long preparationMillis,
        long contestMillis,
        long underMinimumMillis,
        long endMillis,
        long flagReturnMillis,
        long resourcesToWin,
        long reinforcements,
        long capturesToWin) {
    public static final int WARSONG_GULCH = 489;
    public static final int ARATHI_BASIN = 529;
    public static final int ALTERAC_VALLEY = 30;

    /** Vanilla's gates: two minutes before a match starts. */
    public static final long PREPARATION_MILLIS = 120_000;

    public static final long CONTEST_MILLIS = 60_000;
    public static final long UNDER_MINIMUM_MILLIS = 300_000;
    public static final long END_MILLIS = 120_000;
    public static final long FLAG_RETURN_MILLIS = 10_000;
    /** Vanilla's Arathi Basin: the first side to 2,000 resources wins. */
    public static final long RESOURCES_TO_WIN = 2_000;
    /** Vanilla's Alterac Valley: 600 reinforcements a side, one lost per death. */
    public static final long REINFORCEMENTS = 600;
    /** Vanilla's Warsong Gulch: three captures win. */
    public static final long CAPTURES_TO_WIN = 3;

    /** Settings of vanilla's resources, reinforcements and captures (the seven durations and minimum as given). */
    public BattlegroundSettings(
            final int mapId,
            final int minimumPerSide,
            final long preparationMillis,
            final long contestMillis,
            final long underMinimumMillis,
            final long endMillis,
            final long flagReturnMillis) {
        this(
                mapId,
                minimumPerSide,
                preparationMillis,
                contestMillis,
                underMinimumMillis,
                endMillis,
                flagReturnMillis,
                RESOURCES_TO_WIN,
                REINFORCEMENTS,
                CAPTURES_TO_WIN);
    }

    public BattlegroundSettings {
        if (!isBattleground(mapId)) {
            throw new IllegalArgumentException("map " + mapId + " is no battleground: use " + WARSONG_GULCH
                    + " (Warsong Gulch), " + ARATHI_BASIN + " (Arathi Basin) or " + ALTERAC_VALLEY
                    + " (Alterac Valley)");
        }
        if (minimumPerSide < 0
                || preparationMillis < 0
                || contestMillis < 0
                || underMinimumMillis < 0
                || endMillis < 0
                || flagReturnMillis < 0) {
            throw new IllegalArgumentException("battleground settings must not be negative: " + minimumPerSide + " "
                    + preparationMillis + " " + contestMillis + " " + underMinimumMillis + " " + endMillis + " "
                    + flagReturnMillis);
        }
        if (resourcesToWin <= 0 || reinforcements <= 0 || capturesToWin <= 0) {
            throw new IllegalArgumentException("Arathi Basin's resources to win, Alterac Valley's reinforcements and "
                    + "Warsong Gulch's captures to win must be positive, got " + resourcesToWin + ", " + reinforcements
                    + " and " + capturesToWin);
        }
    }

    /** Whether {@code mapId} is one of the battlegrounds this game runs. */
    public static boolean isBattleground(final int mapId) {
        return mapId == WARSONG_GULCH || mapId == ARATHI_BASIN || mapId == ALTERAC_VALLEY;
    }

    /** Vanilla's rules of {@code mapId} (minimum 4, 6 or 20 a side) with a preparation of {@code preparationMillis}. */
    public static BattlegroundSettings forMap(final int mapId, final long preparationMillis) {
        final int minimum = switch (mapId) {
            case WARSONG_GULCH -> 4;
            case ARATHI_BASIN -> 6;
            case ALTERAC_VALLEY -> 20;
            default -> 0;
        };
        return new BattlegroundSettings(
                mapId,
                minimum,
                preparationMillis,
                CONTEST_MILLIS,
                UNDER_MINIMUM_MILLIS,
                END_MILLIS,
                FLAG_RETURN_MILLIS);
    }

    /** Vanilla's rules of {@code mapId}, with its two minutes of preparation. */
    public static BattlegroundSettings forMap(final int mapId) {
        return forMap(mapId, PREPARATION_MILLIS);
    }

    /** These settings with an Arathi Basin assault of {@code millis}. */
    public BattlegroundSettings withContestMillis(final long millis) {
        return new BattlegroundSettings(
                mapId,
                minimumPerSide,
                preparationMillis,
                millis,
                underMinimumMillis,
                endMillis,
                flagReturnMillis,
                resourcesToWin,
                reinforcements,
                capturesToWin);
    }

    /** These settings with {@code millis} from the end to everyone going home. */
    public BattlegroundSettings withEndMillis(final long millis) {
        return new BattlegroundSettings(
                mapId,
                minimumPerSide,
                preparationMillis,
                contestMillis,
                underMinimumMillis,
                millis,
                flagReturnMillis,
                resourcesToWin,
                reinforcements,
                capturesToWin);
    }

    /** These settings with a side losing after {@code millis} under its minimum. */
    public BattlegroundSettings withUnderMinimumMillis(final long millis) {
        return new BattlegroundSettings(
                mapId,
                minimumPerSide,
                preparationMillis,
                contestMillis,
                millis,
                endMillis,
                flagReturnMillis,
                resourcesToWin,
                reinforcements,
                capturesToWin);
    }

    /** These settings with a minimum of {@code players} a side. */
    public BattlegroundSettings withMinimumPerSide(final int players) {
        return new BattlegroundSettings(
                mapId,
                players,
                preparationMillis,
                contestMillis,
                underMinimumMillis,
                endMillis,
                flagReturnMillis,
                resourcesToWin,
                reinforcements,
                capturesToWin);
    }

    /**
     * These settings with Warsong Gulch won at {@code captures}, Arathi Basin at {@code resources} and Alterac Valley's
     * sides starting with {@code reinforcements}.
     */
    public BattlegroundSettings withScoreToEnd(final ScoresToEnd scores) {
        return new BattlegroundSettings(
                mapId,
                minimumPerSide,
                preparationMillis,
                contestMillis,
                underMinimumMillis,
                endMillis,
                flagReturnMillis,
                scores.arathiBasinResources(),
                scores.alteracValleyReinforcements(),
                scores.warsongGulchCaptures());
    }
}
