package io.realmcluster.dataplane.store;

/**
 * What a player carries home from a battleground, written by its home node's claim of the trip home in
 * the claim's transaction: the character placed at its entry point ({@code mapId}, {@code instanceId},
 * x, y, z, orientation), bg_match_id and bg_entry_* cleared, {@code honor} added, Deserter until {@code
 * deserterUntilMillis} (wall clock; 0 for none), and the mark item {@code markTemplateId} (0 for none) in
 * the next free bag slot with its ledger entry.
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
    /** Bag slots a character has: the backpack's 16 and four 16-slot bags, as a vanilla character at 60. */
    public static final int BAG_SLOTS = 80;

    public Homecoming {
        if (honor < 0 || markTemplateId < 0 || deserterUntilMillis < 0) {
            throw new IllegalArgumentException("a homecoming's honor, mark and Deserter must not be negative, got "
                    + honor + ", " + markTemplateId + ", " + deserterUntilMillis);
        }
    }

    /** The lowest bag slot not in {@code used} (slots of {@code 0..BAG_SLOTS-1}, any order), or -1 when the bags are full. */
    public static int firstFreeSlot(final int[] used) {
        final boolean[] taken = new boolean[BAG_SLOTS];
        for (final int slot : used) {
            if (slot >= 0 && slot < BAG_SLOTS) {
                taken[slot] = true;
            }
        }
        for (int slot = 0; slot < BAG_SLOTS; slot++) {
            if (!taken[slot]) {
                return slot;
            }
        }
        return -1;
    }
}
