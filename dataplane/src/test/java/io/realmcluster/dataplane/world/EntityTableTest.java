package io.realmcluster.dataplane.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The entity table: slots taken and given back, and the one walk over the entities near a point. */
class EntityTableTest {
    /** Three cells of 100 yards a side, from (0, 0) to (300, 300). */
    private final Grid grid = new Grid(0f, 0f, 300f, 100f, 64);

    private final EntityTable table = new EntityTable(64, grid);
    private final List<Integer> visited = new ArrayList<>();
    private final EntityTable.Visitor collect = visited::add;

    @Test
    void aWalkVisitsExactlyTheEntitiesWithinItsRadiusWhateverCellTheyAreIn() {
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 60; i++) {
            table.add(i + 1, EntityTable.CREATURE, random.nextFloat() * 300f, random.nextFloat() * 300f);
        }
        for (int query = 0; query < 2_000; query++) {
            final float px = random.nextFloat() * 300f;
            final float py = random.nextFloat() * 300f;
            final float radius = random.nextFloat() * 100f;
            visited.clear();
            table.forEachNear(px, py, radius, collect);
            assertThat(visited)
                    .as("around %s,%s within %s", px, py, radius)
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(within(px, py, radius));
        }
    }

    @Test
    void aWalkReachesAcrossACellBoundaryButNoFartherThanTheCellsAround() {
        final int across = table.add(1, EntityTable.PLAYER, 101f, 50f);
        final int here = table.add(2, EntityTable.PLAYER, 99f, 50f);
        final int twoCellsAway = table.add(3, EntityTable.PLAYER, 250f, 50f);
        final int outOfRange = table.add(4, EntityTable.PLAYER, 99f, 80f);

        table.forEachNear(here, 5f, collect);
        assertThat(visited).as("itself and its neighbour in the next cell").containsExactlyInAnyOrder(here, across);

        visited.clear();
        table.forEachNear(here, Float.POSITIVE_INFINITY, collect);
        assertThat(visited).containsExactlyInAnyOrder(here, across, outOfRange).doesNotContain(twoCellsAway);
    }

    @Test
    void aWalkFollowsAnEntityThatMovedToAnotherCell() {
        final int mover = table.add(1, EntityTable.PLAYER, 50f, 50f);
        table.moveTo(mover, 250f, 250f);

        table.forEachNear(50f, 50f, 100f, collect);
        assertThat(visited).isEmpty();
        table.forEachNear(240f, 240f, 100f, collect);
        assertThat(visited).containsExactly(mover);
    }

    @Test
    void aFreedSlotIsTakenAgainAndTheIdItHeldNoLongerFindsIt() {
        final int player = table.add(42, EntityTable.PLAYER, 10f, 10f);
        final int creature = table.add(43, EntityTable.CREATURE, 10f, 10f);
        assertThat(table.playerSlot(42)).isEqualTo(player);
        assertThat(table.playerSlot(43)).as("not a player").isEqualTo(EntityTable.NONE);

        table.remove(player);
        assertThat(table.slotOf(42)).isEqualTo(EntityTable.NONE);
        assertThat(table.kind[player]).isEqualTo(EntityTable.FREE);
        table.forEachNear(10f, 10f, 10f, collect);
        assertThat(visited).containsExactly(creature);

        assertThat(table.add(44, EntityTable.PLAYER, 20f, 20f)).isEqualTo(player);
        assertThat(table.slotOf(44)).isEqualTo(player);
    }

    @Test
    void aTableIsFullWhenEverySlotIsTaken() {
        for (int i = 0; i < table.capacity(); i++) {
            assertThat(table.full()).isFalse();
            table.add(i + 1, EntityTable.CREATURE, 1f, 1f);
        }
        assertThat(table.full()).isTrue();
    }

    private List<Integer> within(final float px, final float py, final float radius) {
        final List<Integer> slots = new ArrayList<>();
        for (int slot = 0; slot < table.capacity(); slot++) {
            if (table.kind[slot] != EntityTable.FREE
                    && EntityTable.squared(px, py, table.x[slot], table.y[slot]) <= radius * radius) {
                slots.add(slot);
            }
        }
        return slots;
    }
}
