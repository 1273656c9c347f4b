package io.realmcluster.dataplane.store;

import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.common.items.ItemTemplate;
import io.realmcluster.common.items.ItemTemplates;
import java.util.List;

/**
 * What a player carries home from a battleground, written by its home node's claim of the trip home in
 * the claim's transaction: the character placed at its entry point ({@code mapId}, {@code instanceId},
 * x, y, z, orientation), bg_match_id and bg_entry_* cleared, {@code honor} added, Deserter until {@code
 * deserterUntilMillis} (wall clock; 0 for none), and the mark item {@code markTemplateId} (0 for none) in
 * the first free bag slot ({@link #firstFreeSlot}) with its ledger entry.
 */
public record Homecoming(
        String matchId,
        long honor,
        int markTemplateId,
        long deserterUntilMillis,
        int mapId,
        String instanceId,
        float x,
        float y,
        float z,
        float orientation) {
    public Homecoming {
        if (honor < 0 || markTemplateId < 0 || deserterUntilMillis < 0) {
            throw new IllegalArgumentException("a homecoming's honor, mark and Deserter must not be negative, got "
                    + honor + ", " + markTemplateId + ", " + deserterUntilMillis);
        }
    }

    /**
     * Where a mark goes among {@code held} (a character's items): the first free slot of the backpack,
     * then of each equipped bag in order (as many as the bag has); -1 when every one is taken.
     */
    public static int firstFreeSlot(final List<ItemStack> held) {
        final boolean[] taken = new boolean[InventorySlots.COUNT];
        final int[] bagSizes = new int[InventorySlots.BAGS];
        for (final ItemStack item : held) {
            if (InventorySlots.valid(item.slot())) {
                taken[item.slot()] = true;
            }
            if (InventorySlots.bagSlot(item.slot())) {
                final ItemTemplate bag = ItemTemplates.byId(item.templateId());
                bagSizes[item.slot() - InventorySlots.BAG_SLOTS_START] = bag == null ? 0 : bag.bagSize();
            }
        }
        for (int slot = InventorySlots.BACKPACK_START; slot < InventorySlots.BAG_CONTENTS_START; slot++) {
            if (!taken[slot]) {
                return slot;
            }
        }
        for (int bag = 0; bag < InventorySlots.BAGS; bag++) {
            for (int place = 0; place < bagSizes[bag]; place++) {
                if (!taken[InventorySlots.inBag(bag, place)]) {
                    return InventorySlots.inBag(bag, place);
                }
            }
        }
        return -1;
    }
}
