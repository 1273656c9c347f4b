package io.realmcluster.dataplane.world;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.world.Cells;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** A player leaves its cell only past the hysteresis, once; its ghost on the other side gives way to it. */
class CellCrossingTest {
    private static final WorldSettings SETTINGS = new WorldSettings(20, 100f, 0, 1000f, 50);
    private static final long PLAYER = 42;

    private final Cells.Strips strips = new Cells.Strips(-500f, 500f, 2);
    private final Outbox westOutbox = Outbox.allocate(4 << 20, ClientProtocol.MAX_BODY);
    private final MapWorld west = world(new CellPart(strips, 0), westOutbox);
    private final MapWorld east = world(new CellPart(strips, 1));
    private final UnsafeBuffer input = new UnsafeBuffer(new byte[1 << 16]);
    private long tick;
    private int sequence;

    @Test
    void aPlayerCrossesOncePastTheHysteresisAndReplacesItsGhostThere() {
        join(west, PLAYER, -5f, 0f);
        walkTo(west, 3f);
        assertThat(standbys(westOutbox))
                .as("near the boundary: its client told once to stand by east")
                .containsExactly(Cells.EAST);
        assertThat(west.crossings()).as("3 yards across: still the west's").isZero();
        walkTo(west, -4f);
        walkTo(west, Cells.HYSTERESIS_YARDS - 1f);
        assertThat(west.crossings()).as("back and forth inside the hysteresis").isZero();

        // Meanwhile the east mirrors it, as its ghost.
        exchange();
        assertThat(east.ghosts(Cells.WEST)).isEqualTo(1);

        walkTo(west, Cells.HYSTERESIS_YARDS + 1f);
        assertThat(west.crossings()).as("past it: frozen for its neighbour").isEqualTo(1);
        for (int i = 0; i < 20; i++) {
            west.tick(++tick, 0);
        }
        assertThat(west.crossings()).as("frozen once, not again while it waits").isEqualTo(1);

        // The transfer lands it on the east cell: its ghost gives way, it is the east's own player.
        join(east, PLAYER, Cells.HYSTERESIS_YARDS + 1f, 0f);
        assertThat(east.rejectedInputs()).isZero();
        assertThat(east.ghosts(Cells.WEST)).as("no ghost of it left").isZero();
        assertThat(east.players()).isEqualTo(1);
        assertThat(east.position(PLAYER)).containsExactly(Cells.HYSTERESIS_YARDS + 1f, 0f);
    }

    /** The sides of the STAND_BY_CELL messages waiting in {@code outbox} (frames to clients skipped). */
    private static java.util.List<Integer> standbys(final Outbox outbox) {
        final java.util.List<Integer> sides = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            outbox.drain(
                    (type, buffer, index, length) -> {
                        if (type == Outbox.STAND_BY_CELL) {
                            sides.add((int) buffer.getByte(index + Outbox.BODY_OFFSET));
                        }
                    },
                    Integer.MAX_VALUE);
        }
        return sides;
    }

    private void exchange() {
        west.tick(++tick, 0);
        input.putByte(Inputs.GHOSTS_SIDE, (byte) Cells.WEST);
        final int length = west.exportGhosts(Cells.EAST, input, Inputs.GHOSTS_BATCH);
        east.onInput(Inputs.GHOSTS, input, 0, Inputs.GHOSTS_BATCH + length);
    }

    private void walkTo(final MapWorld world, final float x) {
        for (int guard = 0; guard < 10_000; guard++) {
            final float[] at = world.position(PLAYER);
            final float gap = x - at[0];
            if (Math.abs(gap) < 0.01f) {
                return;
            }
            world.tick(++tick, 0);
            final float step = Math.max(-0.3f, Math.min(0.3f, gap));
            final int length = Inputs.encodeMove(input, 0, PLAYER, ++sequence, at[0] + step, at[1], 0f, 0f, 0);
            world.onInput(Inputs.MOVE, input, 0, length);
        }
    }

    private static void join(final MapWorld world, final long player, final float x, final float y) {
        final UnsafeBuffer join = new UnsafeBuffer(new byte[512]);
        final int length = Inputs.encodeJoin(join, 0, player, x, y, 0f, 0f, 60, 5_000, 0, (int) player);
        world.onInput(Inputs.PLAYER_JOIN, join, 0, length);
    }

    private static MapWorld world(final CellPart cell) {
        return world(cell, Outbox.allocate(1 << 20, ClientProtocol.MAX_BODY));
    }

    private static MapWorld world(final CellPart cell, final Outbox outbox) {
        return new MapWorld(SETTINGS, 0, 7, 0f, 0f, SaveLog.allocate(1 << 20), 1, outbox, null, realm -> 1L, cell);
    }
}
