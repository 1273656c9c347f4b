package io.realmcluster.common.items;

/**
 * Where a character holds its items, numbered as the vanilla client numbers them: equipment 0-18,
 * the four bag slots 19-22 (a bag equipped there adds its slots), the backpack's sixteen slots
 * 23-38, then the slots of the four equipped bags, 16 numbers reserved per bag: bag {@code b}
 * (0-3, in bag slot {@code 19 + b}) has slots {@code 39 + 16 b} to {@code 39 + 16 b + size - 1}.
 * Slot numbers are dense, so a slot number is also its index in a character's arrays.
 */
public final class InventorySlots {
    public static final int HEAD = 0;
    public static final int NECK = 1;
    public static final int SHOULDERS = 2;
    public static final int SHIRT = 3;
    public static final int CHEST = 4;
    public static final int WAIST = 5;
    public static final int LEGS = 6;
    public static final int FEET = 7;
    public static final int WRISTS = 8;
    public static final int HANDS = 9;
    public static final int FINGER_1 = 10;
    public static final int FINGER_2 = 11;
    public static final int TRINKET_1 = 12;
    public static final int TRINKET_2 = 13;
    public static final int BACK = 14;
    public static final int MAIN_HAND = 15;
    public static final int OFF_HAND = 16;
    public static final int RANGED = 17;
    public static final int TABARD = 18;

    /** Equipment slots are 0 to this, exclusive. */
    public static final int EQUIPMENT_END = 19;
    /** The first of the four slots that hold bags. */
    public static final int BAG_SLOTS_START = 19;

    public static final int BAGS = 4;
    public static final int BACKPACK_START = 23;
    public static final int BACKPACK_SIZE = 16;
    /** The first slot inside an equipped bag (bag 0's first). */
    public static final int BAG_CONTENTS_START = BACKPACK_START + BACKPACK_SIZE;
    /** The numbers reserved for each bag's contents: the largest bag's size. */
    public static final int MAX_BAG_SIZE = 16;
    /** Slots per character, every kind: the size of a character's item arrays. */
    public static final int COUNT = BAG_CONTENTS_START + BAGS * MAX_BAG_SIZE;

    private InventorySlots() {}

    public static boolean valid(final int slot) {
        return slot >= 0 && slot < COUNT;
    }

    public static boolean equipment(final int slot) {
        return slot >= 0 && slot < EQUIPMENT_END;
    }

    /** One of the four slots a bag is equipped in. */
    public static boolean bagSlot(final int slot) {
        return slot >= BAG_SLOTS_START && slot < BACKPACK_START;
    }

    public static boolean backpack(final int slot) {
        return slot >= BACKPACK_START && slot < BAG_CONTENTS_START;
    }

    /** A slot inside one of the equipped bags (whether that bag has it depends on the bag's size). */
    public static boolean inBag(final int slot) {
        return slot >= BAG_CONTENTS_START && slot < COUNT;
    }

    /** Which bag (0-3) a slot inside a bag belongs to; the caller checked {@link #inBag}. */
    public static int bagOf(final int slot) {
        return (slot - BAG_CONTENTS_START) / MAX_BAG_SIZE;
    }

    /** A slot's place inside its bag, from 0; the caller checked {@link #inBag}. */
    public static int placeInBag(final int slot) {
        return (slot - BAG_CONTENTS_START) % MAX_BAG_SIZE;
    }

    /** The slot of place {@code place} in bag {@code bag} (0-3). */
    public static int inBag(final int bag, final int place) {
        return BAG_CONTENTS_START + bag * MAX_BAG_SIZE + place;
    }
}
