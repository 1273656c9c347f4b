package io.realmcluster.dataplane.world;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.world.Cells;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A cell's batches for its neighbours: written after each tick, the newest taken, none for a side without one. */
class GhostOutboxTest {
    private static final WorldSettings SETTINGS = new WorldSettings(20, 100f, 300, 1000f, 50);

    @Test
    void theLinkTakesTheNewestBatchOfEachSideAndOnlyWhereThereIsANeighbour() {
        final Cells.Strips strips = new Cells.Strips(-500f, 500f, 2);
        final MapWorld west = world(new CellPart(strips, 0));
        final MapWorld east = world(new CellPart(strips, 1));
        assertThat(world(CellPart.WHOLE).ghostOutbox())
                .as("a whole map has no neighbours")
                .isNull();
        for (long tick = 1; tick <= 3; tick++) {
            west.tick(tick, 0);
        }
        final List<Integer> taken = new ArrayList<>();
        assertThat(west.ghostOutbox().takeNewest(Cells.EAST, (buffer, offset, length) -> taken.add(length)))
                .isTrue();
        assertThat(taken).as("three ticks' batches, the newest taken").hasSize(1);
        assertThat(west.ghostOutbox().takeNewest(Cells.EAST, (buffer, offset, length) -> taken.add(length)))
                .as("nothing new since")
                .isFalse();
        assertThat(west.ghostOutbox().takeNewest(Cells.WEST, (buffer, offset, length) -> taken.add(length)))
                .as("the westmost cell has no neighbour west")
                .isFalse();

        // The batch is what the neighbour applies: its ghosts are the west cell's creatures near the boundary.
        west.tick(4, 0);
        west.ghostOutbox().takeNewest(Cells.EAST, (buffer, offset, length) -> {
            final org.agrona.concurrent.UnsafeBuffer input =
                    new org.agrona.concurrent.UnsafeBuffer(new byte[Inputs.GHOSTS_BATCH + length]);
            input.putByte(Inputs.GHOSTS_SIDE, (byte) Cells.WEST);
            input.putBytes(Inputs.GHOSTS_BATCH, buffer, offset, length);
            east.onInput(Inputs.GHOSTS, input, 0, Inputs.GHOSTS_BATCH + length);
        });
        assertThat(east.rejectedInputs()).isZero();
        assertThat(east.ghosts(Cells.WEST))
                .as("creatures within 100 yd west of the boundary")
                .isPositive();
        assertThat(west.ghostOutbox().dropped()).isZero();
    }

    private static MapWorld world(final CellPart cell) {
        return new MapWorld(
                SETTINGS,
                0,
                7,
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
