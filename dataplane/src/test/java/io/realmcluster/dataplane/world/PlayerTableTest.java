package io.realmcluster.dataplane.world;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The player table: sized for the map's players, mapping entity slots to player indexes and back. */
class PlayerTableTest {
    private final PlayerTable table = new PlayerTable(3, 100);

    @Test
    void eachPlayerGetsAnIndexThatMapsBackToItsEntitySlot() {
        final int first = table.add(40);
        final int second = table.add(97);

        assertThat(first).isNotEqualTo(second);
        assertThat(table.indexOf(40)).isEqualTo(first);
        assertThat(table.indexOf(97)).isEqualTo(second);
        assertThat(table.slot[first]).isEqualTo(40);
        assertThat(table.slot[second]).isEqualTo(97);
        assertThat(table.indexOf(41)).as("no player there").isEqualTo(EntityTable.NONE);
        assertThat(table.count()).isEqualTo(2);
    }

    @Test
    void theIndexOfAPlayerWhoLeftIsReusedForTheNextWhateverItsSlot() {
        table.add(40);
        final int leaving = table.add(41);
        table.add(42);
        assertThat(table.full()).isTrue();

        table.remove(41);
        assertThat(table.indexOf(41)).isEqualTo(EntityTable.NONE);
        assertThat(table.count()).isEqualTo(2);
        assertThat(table.full()).isFalse();

        assertThat(table.add(77)).isEqualTo(leaving);
        assertThat(table.indexOf(77)).isEqualTo(leaving);
        assertThat(table.slot[leaving]).isEqualTo(77);
        assertThat(table.full()).isTrue();
    }
}
