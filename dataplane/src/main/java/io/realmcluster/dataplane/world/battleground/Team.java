package io.realmcluster.dataplane.world.battleground;

/**
 * The two sides of a battleground as small integers that index arrays: {@link #ALLIANCE} and
 * {@link #HORDE}; {@link #NONE} for nobody, {@link #DRAW} for a match neither side won.
 */
public final class Team {
    public static final int NONE = -1;
    public static final int ALLIANCE = 0;
    public static final int HORDE = 1;
    /** A match's outcome when neither side won (both under their minimum, or level scores). */
    public static final int DRAW = 2;

    /** Vanilla's race ids of the Alliance: Human, Dwarf, Night Elf, Gnome. */
    private static final int HUMAN = 1;

    private static final int DWARF = 3;
    private static final int NIGHT_ELF = 4;
    private static final int GNOME = 7;

    private Team() {}

    /** The side a character of vanilla race {@code race} fights for: Human, Dwarf, Night Elf, Gnome are the Alliance. */
    public static int ofRace(final int race) {
        return race == HUMAN || race == DWARF || race == NIGHT_ELF || race == GNOME ? ALLIANCE : HORDE;
    }

    /** The other side of {@code team} (ALLIANCE or HORDE). */
    public static int enemyOf(final int team) {
        return 1 - team;
    }

    /** Whether {@code team} is one of the two sides. */
    public static boolean isSide(final int team) {
        return team == ALLIANCE || team == HORDE;
    }

    /** The side's name, for logs. */
    public static String name(final int team) {
        return switch (team) {
            case ALLIANCE -> "Alliance";
            case HORDE -> "Horde";
            case DRAW -> "draw";
            default -> "none";
        };
    }
}
