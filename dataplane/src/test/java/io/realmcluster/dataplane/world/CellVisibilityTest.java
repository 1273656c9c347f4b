package io.realmcluster.dataplane.world;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.world.Cells;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * What players near a boundary see on a continent split into two cells, with ghosts exchanged every tick,
 * equals what they see on the same continent whole, for the same scripted players: each viewer knows the
 * same entities in sight at the same places.
 */
class CellVisibilityTest {
    private static final WorldSettings SETTINGS = new WorldSettings(20, 100f, 0, 1000f, 50);
    private static final float VISIBILITY = SETTINGS.visibilityYards();
    private static final int PLAYERS = 12;

    private final Cells.Strips strips = new Cells.Strips(-500f, 500f, 2);
    private final Side whole = new Side(CellPart.WHOLE);
    private final Side west = new Side(new CellPart(strips, 0));
    private final Side east = new Side(new CellPart(strips, 1));
    private final UnsafeBuffer input = new UnsafeBuffer(new byte[512]);
    private final UnsafeBuffer batch =
            new UnsafeBuffer(new byte[Inputs.GHOSTS_BATCH + 64 + Ghosts.maxBatchLength(2 * SETTINGS.maxPlayers())]);
    private final SplittableRandom random = new SplittableRandom(5);
    private final float[][] at = new float[PLAYERS + 1][];
    private long tick;

    @Test
    void playersNearTheBoundarySeeWhatTheyWouldOnTheWholeMap() {
        for (int p = 1; p <= PLAYERS; p++) {
            // Half west of the boundary at x = 0, half east, all within sight of it.
            final float x = (p % 2 == 0 ? -1 : 1) * (3f + random.nextFloat() * 90f);
            final float y = -60f + random.nextFloat() * 120f;
            at[p] = new float[] {x, y};
            join(whole, p, x, y);
            join(owner(x), p, x, y);
        }
        for (int step = 0; step < 300; step++) {
            for (int p = 1; p <= PLAYERS; p++) {
                // A legal step, staying on its side of the boundary (crossings are the transfer's).
                final float x = at[p][0] > 0
                        ? clamp(at[p][0] + random.nextFloat() * 0.6f - 0.3f, 3f, 95f)
                        : clamp(at[p][0] + random.nextFloat() * 0.6f - 0.3f, -95f, -3f);
                final float y = clamp(at[p][1] + random.nextFloat() * 0.6f - 0.3f, -60f, 60f);
                at[p] = new float[] {x, y};
                move(whole, p, step, x, y);
                move(owner(x), p, step, x, y);
            }
            tickAll();
        }
        for (int idle = 0; idle < 10; idle++) {
            tickAll();
        }
        assertThat(west.world.ghosts(Cells.EAST))
                .as("ghosts of the east's players in the west")
                .isPositive();
        assertThat(east.world.ghosts(Cells.WEST)).isPositive();
        int seenAcross = 0;
        for (int p = 1; p <= PLAYERS; p++) {
            final Map<Long, String> onWhole = inSight(whole.views.get((long) p), p);
            final Map<Long, String> onCell = inSight(owner(at[p][0]).views.get((long) p), p);
            assertThat(onCell).as("what player %d sees", p).isEqualTo(onWhole);
            for (final long other : onCell.keySet()) {
                seenAcross += (at[(int) other][0] > 0) != (at[p][0] > 0) ? 1 : 0;
            }
        }
        assertThat(seenAcross).as("players seen across the boundary").isPositive();
    }

    private void tickAll() {
        tick++;
        for (final Side side : List.of(whole, west, east)) {
            side.world.tick(tick, 0);
        }
        exchange(west, Cells.EAST, east, Cells.WEST);
        exchange(east, Cells.WEST, west, Cells.EAST);
        for (final Side side : List.of(whole, west, east)) {
            side.drain();
        }
    }

    /** The batch {@code from} writes for its neighbour on {@code toward}, applied by {@code to}, to which it lies {@code from side}. */
    private void exchange(final Side from, final int toward, final Side to, final int fromSide) {
        batch.putByte(Inputs.GHOSTS_SIDE, (byte) fromSide);
        final int length = from.world.exportGhosts(toward, batch, Inputs.GHOSTS_BATCH);
        to.world.onInput(Inputs.GHOSTS, batch, 0, Inputs.GHOSTS_BATCH + length);
        assertThat(to.world.rejectedInputs()).isZero();
    }

    /** The entities a viewer knows within sight of where it stands: id to "player x,y". */
    private Map<Long, String> inSight(final Map<Long, float[]> view, final int viewer) {
        final Map<Long, String> sight = new TreeMap<>();
        view.forEach((id, pos) -> {
            if (id != viewer && Math.hypot(pos[0] - at[viewer][0], pos[1] - at[viewer][1]) <= VISIBILITY - 1f) {
                sight.put(id, pos[0] + "," + pos[1]);
            }
        });
        return sight;
    }

    private Side owner(final float x) {
        return strips.cellAt(x) == 0 ? west : east;
    }

    private void join(final Side side, final long player, final float x, final float y) {
        final int length = Inputs.encodeJoin(input, 0, player, x, y, 0f, 0f, 60, 5_000, 0, (int) player);
        side.world.onInput(Inputs.PLAYER_JOIN, input, 0, length);
    }

    private void move(final Side side, final long player, final int sequence, final float x, final float y) {
        final int length = Inputs.encodeMove(input, 0, player, sequence + 1, x, y, 0f, 0f, 0);
        side.world.onInput(Inputs.MOVE, input, 0, length);
    }

    private static float clamp(final float value, final float min, final float max) {
        return Math.max(min, Math.min(max, value));
    }

    /** One map and what each of its players was told, as a client keeps it: entity id to last position. */
    private static final class Side {
        final Outbox outbox = Outbox.allocate(8 << 20, ClientProtocol.MAX_BODY);
        final MapWorld world;
        final Map<Long, Map<Long, float[]>> views = new HashMap<>();
        private final List<String> frames = new ArrayList<>();

        Side(final CellPart cell) {
            world = new MapWorld(SETTINGS, 0, 7, 0f, 0f, SaveLog.allocate(1 << 20), 1, outbox, null, realm -> 1L, cell);
        }

        void drain() {
            final MessageHandler decode = (type, buffer, index, length) -> {
                final long viewer = buffer.getLong(index + Outbox.ENTITY_OFFSET);
                frames.clear();
                ServerMessages.decode(
                        buffer, index + Outbox.BODY_OFFSET, length - Outbox.BODY_OFFSET, new FrameText(frames));
                final Map<Long, float[]> view = views.computeIfAbsent(viewer, v -> new HashMap<>());
                for (final String frame : frames) {
                    final String[] words = frame.split(" ");
                    if (words[0].equals("updates")) {
                        int i = 1;
                        if (words.length > 1 && words[1].equals("reset")) {
                            view.clear();
                            i = 2;
                        }
                        for (; i + 3 < words.length; i++) {
                            if ((words[i].equals("player") || words[i].equals("creature"))
                                    && words[i + 2].equals("at")) {
                                final String[] xy = words[i + 3].split(",");
                                view.put(
                                        Long.parseLong(words[i + 1]),
                                        new float[] {Float.parseFloat(xy[0]), Float.parseFloat(xy[1])});
                                i += 3;
                            }
                        }
                    } else if (words[0].equals("gone")) {
                        view.remove(Long.parseLong(words[1]));
                    }
                }
            };
            outbox.drain(decode, Integer.MAX_VALUE);
            outbox.drain(decode, Integer.MAX_VALUE);
        }
    }
}
