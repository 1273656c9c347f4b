package io.realmcluster.common.items;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ItemTemplatesTest {
    @Test
    void everyTemplateIsFoundByItsIdAndNoneByAnother() {
        for (final ItemTemplate template : ItemTemplates.all()) {
            assertThat(ItemTemplates.byId(template.id())).isSameAs(template);
        }
        assertThat(ItemTemplates.byId(1)).isNull();
        assertThat(ItemTemplates.byId(-5)).isNull();
        assertThat(ItemTemplates.byId(ItemTemplates.WARSONG_GULCH_MARK).kind()).isEqualTo(ItemKind.MARK);
    }

    @Test
    void classesWearWhatTheirArmourAndWeaponsAllow() {
        final ItemTemplate plate = ItemTemplates.byId(12935);
        assertThat(plate.wearableBy(CharacterClasses.WARRIOR)).isTrue();
        assertThat(plate.wearableBy(CharacterClasses.MAGE)).isFalse();
        final ItemTemplate dagger = ItemTemplates.byId(2092);
        assertThat(dagger.wearableBy(CharacterClasses.PALADIN)).isFalse();
        assertThat(dagger.wearableBy(CharacterClasses.ROGUE)).isTrue();
        assertThat(dagger.wearableBy(0)).isFalse();
        assertThat(dagger.wearableBy(6)).isFalse();
    }

    @Test
    void itemsFitOnlyTheirSlots() {
        final ItemTemplate ring = ItemTemplates.byId(5009);
        assertThat(ring.fits(InventorySlots.FINGER_1)).isTrue();
        assertThat(ring.fits(InventorySlots.FINGER_2)).isTrue();
        assertThat(ring.fits(InventorySlots.NECK)).isFalse();
        final ItemTemplate bag = ItemTemplates.byId(4238);
        assertThat(bag.fits(20)).isTrue();
        assertThat(bag.fits(InventorySlots.BACKPACK_START)).isFalse();
        assertThat(bag.bagSize()).isEqualTo(6);
        assertThat(ItemTemplates.byId(2589).fits(InventorySlots.CHEST)).isFalse();
    }

    @Test
    void slotsNumberAsTheClientDoes() {
        assertThat(InventorySlots.COUNT).isEqualTo(103);
        assertThat(InventorySlots.inBag(2, 5)).isEqualTo(39 + 32 + 5);
        assertThat(InventorySlots.bagOf(InventorySlots.inBag(3, 15))).isEqualTo(3);
        assertThat(InventorySlots.placeInBag(InventorySlots.inBag(3, 15))).isEqualTo(15);
        assertThat(InventorySlots.backpack(38)).isTrue();
        assertThat(InventorySlots.backpack(39)).isFalse();
        assertThat(InventorySlots.valid(103)).isFalse();
    }

    @Test
    void lootDropsNothingOftenAndOtherwiseOneStackWithinItsLimit() {
        final SplittableRandom random = new SplittableRandom(7);
        for (int level = 1; level <= 63; level++) {
            final Map<Integer, Integer> drops = new HashMap<>();
            int nothing = 0;
            for (int i = 0; i < 10_000; i++) {
                final long drop = LootTables.roll(level, random.nextLong());
                if (drop == 0) {
                    nothing++;
                    continue;
                }
                final ItemTemplate template = ItemTemplates.byId(LootTables.template(drop));
                assertThat(template).isNotNull();
                assertThat(LootTables.count(drop)).isBetween(1, template.maxStack());
                drops.merge(template.id(), 1, Integer::sum);
            }
            assertThat(nothing)
                    .as("level %d drops nothing 40 to 45%% of the time", level)
                    .isBetween(3_600, 4_900);
            assertThat(drops).as("level %d drops several kinds", level).hasSizeGreaterThan(8);
        }
    }
}
