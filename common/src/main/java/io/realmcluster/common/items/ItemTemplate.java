package io.realmcluster.common.items;

/**
 * What every item of one kind shares (vanilla's item_template, much reduced): its id and name,
 * where it is worn ({@code equipSlot}, -1 for none; a bag's is the first bag slot, and any of the
 * four takes it; a ring or trinket takes either of its pair), which classes may wear it, what it
 * adds to its wearer's attack (damage per hit) and health, how many one stack holds, and for a bag
 * how many slots it adds.
 */
public record ItemTemplate(
        int id,
        String name,
        ItemKind kind,
        int equipSlot,
        int classMask,
        int attackBonus,
        int healthBonus,
        int maxStack,
        int bagSize) {
    public ItemTemplate {
        if (id <= 0 || maxStack < 1 || bagSize < 0 || bagSize > InventorySlots.MAX_BAG_SIZE) {
            throw new IllegalArgumentException("item template " + id + " (" + name + ") is malformed");
        }
    }

    public boolean equippable() {
        return equipSlot >= 0;
    }

    /** Whether this item may be put in {@code slot} of the equipment or bag slots (not whether the class may wear it). */
    public boolean fits(final int slot) {
        if (!equippable()) {
            return false;
        }
        if (kind == ItemKind.BAG) {
            return InventorySlots.bagSlot(slot);
        }
        return slot == equipSlot
                || equipSlot == InventorySlots.FINGER_1 && slot == InventorySlots.FINGER_2
                || equipSlot == InventorySlots.TRINKET_1 && slot == InventorySlots.TRINKET_2;
    }

    public boolean wearableBy(final int characterClass) {
        return CharacterClasses.allows(classMask, characterClass);
    }
}
