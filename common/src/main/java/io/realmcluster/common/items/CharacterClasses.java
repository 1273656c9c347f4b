package io.realmcluster.common.items;

/**
 * Vanilla's class ids and the masks item templates name them by ({@code 1 << (class - 1)}, as the
 * game's AllowableClass), with the groups that may wear each armour type and wield each weapon.
 */
public final class CharacterClasses {
    public static final int WARRIOR = 1;
    public static final int PALADIN = 2;
    public static final int HUNTER = 3;
    public static final int ROGUE = 4;
    public static final int PRIEST = 5;
    public static final int SHAMAN = 7;
    public static final int MAGE = 8;
    public static final int WARLOCK = 9;
    public static final int DRUID = 11;

    public static final int ALL = mask(WARRIOR, PALADIN, HUNTER, ROGUE, PRIEST, SHAMAN, MAGE, WARLOCK, DRUID);
    public static final int CLOTH = ALL;
    public static final int LEATHER = mask(WARRIOR, PALADIN, HUNTER, ROGUE, SHAMAN, DRUID);
    public static final int MAIL = mask(WARRIOR, PALADIN, HUNTER, SHAMAN);
    public static final int PLATE = mask(WARRIOR, PALADIN);
    public static final int DAGGERS = mask(WARRIOR, HUNTER, ROGUE, PRIEST, SHAMAN, MAGE, WARLOCK, DRUID);
    public static final int SWORDS = mask(WARRIOR, PALADIN, HUNTER, ROGUE, MAGE, WARLOCK);
    public static final int MACES = mask(WARRIOR, PALADIN, ROGUE, PRIEST, SHAMAN, DRUID);
    public static final int TWO_HANDED_MACES = mask(WARRIOR, PALADIN, SHAMAN, DRUID);
    public static final int AXES = mask(WARRIOR, PALADIN, HUNTER, ROGUE, SHAMAN);
    public static final int STAVES = mask(WARRIOR, HUNTER, PRIEST, SHAMAN, MAGE, WARLOCK, DRUID);
    public static final int BOWS = mask(WARRIOR, HUNTER, ROGUE);
    public static final int SHIELDS = mask(WARRIOR, PALADIN, SHAMAN);

    private CharacterClasses() {}

    /** The mask of the classes given. */
    public static int mask(final int... classes) {
        int mask = 0;
        for (final int c : classes) {
            mask |= 1 << (c - 1);
        }
        return mask;
    }

    /** Whether {@code characterClass} is one of {@code mask}'s. */
    public static boolean allows(final int mask, final int characterClass) {
        return characterClass >= 1 && characterClass <= 32 && (mask & 1 << (characterClass - 1)) != 0;
    }
}
