package io.realmcluster.dataplane.world;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.world.Cells;
import org.junit.jupiter.api.Test;

/** A cell of a split continent runs the whole continent's creatures of its strip, and only those. */
class CellWorldTest {
    private static final WorldSettings SETTINGS = new WorldSettings(20, 100f, 500, 1000f, 50);
    private static final long SEED = "main.0".hashCode();

    @Test
    void eachCreatureLivesInExactlyOneCellWhereTheWholeMapHasIt() {
        final MapWorld whole = world(CellPart.WHOLE);
        final Cells.Strips strips = new Cells.Strips(-500f, 500f, 2);
        final MapWorld west = world(new CellPart(strips, 0));
        final MapWorld east = world(new CellPart(strips, 1));
        int inWest = 0;
        int inEast = 0;
        for (int i = 0; i < SETTINGS.creatures(); i++) {
            final long id = Creatures.CREATURE_ID_BASE + i;
            final float[] at = whole.position(id);
            final MapWorld home = strips.cellAt(at[0]) == 0 ? west : east;
            final MapWorld other = home == west ? east : west;
            assertThat(home.position(id))
                    .as("creature %d where the whole map has it", i)
                    .containsExactly(at);
            assertThat(other.position(id))
                    .as("creature %d not in the other cell", i)
                    .isNull();
            if (home == west) {
                inWest++;
            } else {
                inEast++;
            }
        }
        assertThat(inWest).as("creatures spread over both strips").isBetween(150, 350);
        assertThat(inWest + inEast).isEqualTo(SETTINGS.creatures());
    }

    private static MapWorld world(final CellPart cell) {
        return new MapWorld(
                SETTINGS,
                0,
                SEED,
                0f,
                0f,
                SaveLog.allocate(1 << 16),
                1,
                Outbox.allocate(1 << 20, ClientProtocol.MAX_BODY),
                null,
                realm -> 1L,
                cell);
    }
}
