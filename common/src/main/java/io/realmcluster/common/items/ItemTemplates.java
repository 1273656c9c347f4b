package io.realmcluster.common.items;

import static io.realmcluster.common.items.CharacterClasses.*;
import static io.realmcluster.common.items.InventorySlots.*;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The realm's item templates: a small vanilla-flavoured catalogue of gear in three tiers (levels
 * 1-20, 21-40, 41-60), potions and food, cloth and ore, bags, and the battlegrounds' marks. Nodes,
 * bots and the invariant checker read the same table; a template id the table lacks is no item.
 */
public final class ItemTemplates {
    public static final int WARSONG_GULCH_MARK = 20558;
    public static final int ARATHI_BASIN_MARK = 20559;
    public static final int ALTERAC_VALLEY_MARK = 20560;

    private static final List<ItemTemplate> ALL_TEMPLATES = List.of(
            // Tier 1 gear, levels 1-20.
            weapon(2092, "Worn Dagger", DAGGERS, 3),
            weapon(25, "Worn Shortsword", SWORDS, 4),
            weapon(36, "Worn Mace", MACES, 4),
            weapon(35, "Bent Staff", STAVES, 6),
            weapon(2361, "Battleworn Hammer", TWO_HANDED_MACES, 7),
            gear(2504, "Worn Shortbow", RANGED, BOWS, 3, 0),
            gear(2210, "Battered Buckler", OFF_HAND, SHIELDS, 0, 15),
            gear(193, "Tattered Cloth Vest", CHEST, CLOTH, 0, 10),
            gear(1364, "Ragged Leather Vest", CHEST, LEATHER, 0, 14),
            gear(2653, "Loose Chain Vest", CHEST, MAIL, 0, 18),
            gear(1374, "Frayed Shoes", FEET, CLOTH, 0, 5),
            gear(11287, "Lesser Magic Wand", RANGED, mask(PRIEST, MAGE, WARLOCK), 2, 0),
            // Tier 2 gear, levels 21-40.
            weapon(2207, "Jambiya", DAGGERS, 9),
            weapon(2488, "Gladius", SWORDS, 10),
            weapon(1292, "Butcher's Cleaver", AXES, 10),
            weapon(1933, "Staff of Conjuring", STAVES, 14),
            gear(2265, "Stonesplinter Axe", MAIN_HAND, AXES, 11, 0),
            gear(6402, "Mail Combat Gauntlets", HANDS, MAIL, 0, 20),
            gear(6336, "Infantry Tunic", CHEST, LEATHER, 0, 30),
            gear(6337, "Infantry Leggings", LEGS, LEATHER, 0, 24),
            gear(3455, "Deathstalker Shortsword", MAIN_HAND, SWORDS, 12, 5),
            gear(1486, "Tree Bark Jacket", CHEST, CLOTH, 0, 25),
            gear(5009, "Mindbender Loop", FINGER_1, ALL, 2, 10),
            gear(1713, "Ankh of Life", TRINKET_1, ALL, 0, 25),
            // Tier 3 gear, levels 41-60.
            weapon(12783, "Heartseeker", DAGGERS, 18),
            weapon(13018, "Potent Gnomish Cannon", SWORDS, 17),
            weapon(11684, "Ironfoe", MACES, 20),
            weapon(13000, "Staff of Hale Magefire", STAVES, 26),
            gear(12935, "Warmaster Legguards", LEGS, PLATE, 0, 60),
            gear(14637, "Cadaverous Armor", CHEST, LEATHER, 4, 55),
            gear(13390, "The Postmaster's Band", FINGER_1, CLOTH, 0, 35),
            gear(11815, "Hand of Justice", TRINKET_1, ALL, 6, 0),
            gear(13340, "Cape of the Black Baron", BACK, ALL, 3, 30),
            gear(12590, "Felstriker", MAIN_HAND, DAGGERS, 24, 0),
            // Potions and food.
            stack(118, "Minor Healing Potion", ItemKind.CONSUMABLE, 5),
            stack(858, "Lesser Healing Potion", ItemKind.CONSUMABLE, 5),
            stack(929, "Healing Potion", ItemKind.CONSUMABLE, 5),
            stack(1710, "Greater Healing Potion", ItemKind.CONSUMABLE, 5),
            stack(3928, "Superior Healing Potion", ItemKind.CONSUMABLE, 5),
            stack(13446, "Major Healing Potion", ItemKind.CONSUMABLE, 5),
            stack(4540, "Tough Hunk of Bread", ItemKind.CONSUMABLE, 20),
            stack(4541, "Freshly Baked Bread", ItemKind.CONSUMABLE, 20),
            stack(4542, "Moist Cornbread", ItemKind.CONSUMABLE, 20),
            stack(4544, "Mulgore Spice Bread", ItemKind.CONSUMABLE, 20),
            stack(4601, "Soft Banana Bread", ItemKind.CONSUMABLE, 20),
            stack(8950, "Homemade Cherry Pie", ItemKind.CONSUMABLE, 20),
            // Cloth and ore.
            stack(2589, "Linen Cloth", ItemKind.TRADE_GOOD, 20),
            stack(2592, "Wool Cloth", ItemKind.TRADE_GOOD, 20),
            stack(4306, "Silk Cloth", ItemKind.TRADE_GOOD, 20),
            stack(4338, "Mageweave Cloth", ItemKind.TRADE_GOOD, 20),
            stack(14047, "Runecloth", ItemKind.TRADE_GOOD, 20),
            stack(2770, "Copper Ore", ItemKind.TRADE_GOOD, 10),
            stack(2771, "Tin Ore", ItemKind.TRADE_GOOD, 10),
            stack(2772, "Iron Ore", ItemKind.TRADE_GOOD, 10),
            stack(10620, "Thorium Ore", ItemKind.TRADE_GOOD, 10),
            // Bags.
            bag(4496, "Small Brown Pouch", 6),
            bag(4238, "Linen Bag", 6),
            bag(4240, "Woolen Bag", 8),
            bag(4245, "Small Silk Pack", 10),
            bag(10050, "Mageweave Bag", 12),
            bag(14046, "Runecloth Bag", 14),
            // Battleground marks.
            stack(WARSONG_GULCH_MARK, "Warsong Gulch Mark of Honor", ItemKind.MARK, 100),
            stack(ARATHI_BASIN_MARK, "Arathi Basin Mark of Honor", ItemKind.MARK, 100),
            stack(ALTERAC_VALLEY_MARK, "Alterac Valley Mark of Honor", ItemKind.MARK, 100));

    /** The templates by id, and their ids in the same order, for a lookup that boxes nothing. */
    private static final ItemTemplate[] SORTED = ALL_TEMPLATES.stream()
            .sorted(Comparator.comparingInt(ItemTemplate::id))
            .toArray(ItemTemplate[]::new);

    private static final int[] IDS =
            Arrays.stream(SORTED).mapToInt(ItemTemplate::id).toArray();

    static {
        for (int i = 1; i < IDS.length; i++) {
            if (IDS[i] == IDS[i - 1]) {
                throw new IllegalStateException("item template " + IDS[i] + " is listed twice");
            }
        }
    }

    private ItemTemplates() {}

    /** The template of {@code id}, or null when there is none. Any thread; allocates nothing. */
    public static ItemTemplate byId(final int id) {
        final int at = Arrays.binarySearch(IDS, id);
        return at < 0 ? null : SORTED[at];
    }

    /** Every template, in the table's order. */
    public static List<ItemTemplate> all() {
        return ALL_TEMPLATES;
    }

    private static ItemTemplate weapon(final int id, final String name, final int classes, final int attack) {
        return gear(id, name, MAIN_HAND, classes, attack, 0);
    }

    private static ItemTemplate gear(
            final int id, final String name, final int slot, final int classes, final int attack, final int health) {
        final ItemKind kind = slot == MAIN_HAND || slot == RANGED ? ItemKind.WEAPON : ItemKind.ARMOR;
        return new ItemTemplate(id, name, kind, slot, classes, attack, health, 1, 0);
    }

    private static ItemTemplate stack(final int id, final String name, final ItemKind kind, final int maxStack) {
        return new ItemTemplate(id, name, kind, -1, ALL, 0, 0, maxStack, 0);
    }

    private static ItemTemplate bag(final int id, final String name, final int size) {
        return new ItemTemplate(id, name, ItemKind.BAG, BAG_SLOTS_START, ALL, 0, 0, 1, size);
    }
}
