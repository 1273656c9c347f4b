package io.realmcluster.proto.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CellsTest {
    private final Cells.Strips two = Cells.strips(0, 2);
    private final float boundary = Cells.center(0)[0];

    @Test
    void everyPositionHasExactlyOneCellAndTheOuterCellsAreOpenEnded() {
        assertThat(two.cellAt(boundary - 0.01f)).isZero();
        assertThat(two.cellAt(boundary)).isEqualTo(1);
        assertThat(two.cellAt(-1e9f)).as("west of the square").isZero();
        assertThat(two.cellAt(1e9f)).as("east of the square").isEqualTo(1);
        assertThat(two.eastEdge(0)).isEqualTo(boundary);
        assertThat(two.westEdge(1)).isEqualTo(boundary);
        assertThat(two.westEdge(0)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(two.eastEdge(1)).isEqualTo(Float.POSITIVE_INFINITY);
        final Cells.Strips one = Cells.strips(1, 1);
        assertThat(one.cellAt(-1e9f)).isZero();
        assertThat(one.cellAt(1e9f)).isZero();
        assertThat(one.near(0, 600f, 1e9f)).as("one cell has no neighbours").isZero();
    }

    @Test
    void aPlayerChangesCellOnlyPastTheHysteresisSoWalkingAlongTheBoundaryDoesNotFlap() {
        assertThat(two.owner(0, boundary + 1f)).as("just across: stays").isZero();
        assertThat(two.owner(0, boundary + Cells.HYSTERESIS_YARDS - 0.1f)).isZero();
        assertThat(two.owner(0, boundary + Cells.HYSTERESIS_YARDS)).isEqualTo(1);
        assertThat(two.owner(1, boundary - 1f))
                .as("and back just across: stays on the other side")
                .isEqualTo(1);
        assertThat(two.owner(1, boundary - Cells.HYSTERESIS_YARDS - 0.1f)).isZero();
        float x = boundary;
        int owner = 0;
        int changes = 0;
        for (int step = 0; step < 1_000; step++) {
            x = boundary + ((step % 2 == 0) ? 3f : -3f);
            final int next = two.owner(owner, x);
            changes += next == owner ? 0 : 1;
            owner = next;
        }
        assertThat(changes).as("zig-zagging 3 yards across the boundary").isZero();
    }

    @Test
    void nearSaysWhichNeighbourAnEntityIsMirroredOn() {
        final Cells.Strips three = Cells.strips(0, 3);
        final float westEdge = three.westEdge(1);
        final float eastEdge = three.eastEdge(1);
        assertThat(three.near(1, westEdge + 50f, 100f)).isEqualTo(Cells.WEST);
        assertThat(three.near(1, eastEdge - 50f, 100f)).isEqualTo(Cells.EAST);
        assertThat(three.near(1, (westEdge + eastEdge) / 2, 100f)).isZero();
        assertThat(three.near(0, westEdge - 50f, 100f)).isEqualTo(Cells.EAST);
        assertThat(three.near(0, -1e9f, 100f)).isZero();
        final Cells.Strips narrow = new Cells.Strips(0f, 150f, 3);
        assertThat(narrow.near(1, 75f + 150f, 100f))
                .as("a strip narrower than twice the distance")
                .isEqualTo(3);
    }

    @Test
    void aContinentSplitsIntoOneToEightCells() {
        assertThatThrownBy(() -> Cells.strips(0, 0)).hasMessageContaining("1 to 8");
        assertThatThrownBy(() -> Cells.strips(0, 9)).hasMessageContaining("1 to 8");
        assertThat(Cells.strips(0, 8).width()).isEqualTo(500f);
    }
}
