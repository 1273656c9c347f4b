package io.realmcluster.dataplane.world;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.world.Cells;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** A player attacking the ghost of a neighbouring cell's creature deals its blows there, and the creature dies there. */
class CellCombatTest {
    private static final WorldSettings SETTINGS = new WorldSettings(20, 100f, 400, 1000f, 50);
    private static final long PLAYER = 42;

    private final Cells.Strips strips = new Cells.Strips(-500f, 500f, 2);
    private final MapWorld west = world(new CellPart(strips, 0));
    private final MapWorld east = world(new CellPart(strips, 1));
    private final UnsafeBuffer input = new UnsafeBuffer(new byte[1 << 17]);
    private long tick;

    @Test
    void blowsAtAGhostAreDealtOnItsOwnCell() {
        // A creature of the east within 30 yards of the boundary, and the west's player beside it on its side.
        long creature = -1;
        for (float y = -450f; y < 450f && creature < 0; y += 20f) {
            creature = east.creatureNear(15f, y, 14f);
        }
        assertThat(creature).as("a creature of the east near the boundary").isPositive();
        final float[] at = east.position(creature);
        final UnsafeBuffer join = new UnsafeBuffer(new byte[512]);
        // Still the west's: short of the boundary plus the hysteresis.
        final float x = Cells.HYSTERESIS_YARDS - 2f;
        final int joined = Inputs.encodeJoin(join, 0, PLAYER, x, at[1], 0f, 0f, 60, 5_000, 0, 1);
        west.onInput(Inputs.PLAYER_JOIN, join, 0, joined);
        exchange();
        assertThat(west.position(creature)).as("its ghost in the west").isNotNull();

        final int length = Inputs.encodeTarget(input, 0, PLAYER, creature);
        west.onInput(Inputs.ATTACK, input, 0, length);
        assertThat(west.rejectedInputs()).as("a ghost may be attacked").isZero();
        for (int i = 0; i < 20 * 60 && !east.isDead(creature); i++) {
            exchange();
        }
        assertThat(west.forwardedBlows()).isPositive();
        assertThat(east.isDead(creature))
                .as("killed on its own cell by blows from the west")
                .isTrue();
        exchange();
        assertThat(west.isDead(creature)).as("and its ghost shows it").isTrue();
    }

    @Test
    void aKillAcrossGivesItsExperienceAndItsLootToTheKillersCell() {
        final long creature = playerBesideACreatureAcross();
        exchange();
        final long experienceBefore = west.experience(PLAYER);
        final long moneyBefore = west.money(PLAYER);

        west.onInput(Inputs.ATTACK, input, 0, Inputs.encodeTarget(input, 0, PLAYER, creature));
        for (int i = 0; i < 20 * 60 && !west.isDead(creature); i++) {
            exchange();
        }
        exchange();
        assertThat(east.isDead(creature)).as("killed on its own cell").isTrue();
        assertThat(west.experience(PLAYER))
                .as("the killer gains its experience on his own cell")
                .isGreaterThan(experienceBefore);
        final int[] held = east.corpseLoot(creature);

        west.onInput(Inputs.LOOT, input, 0, Inputs.encodeTarget(input, 0, PLAYER, creature));
        for (int i = 0; i < 5; i++) {
            exchange();
        }
        assertThat(west.money(PLAYER))
                .as("the corpse's money, granted by its cell")
                .isGreaterThan(moneyBefore);
        assertThat(east.corpseLoot(creature)).as("the corpse gave it all up").containsExactly(0, 0);
        if (held[0] != 0) {
            assertThat(west.item(PLAYER, InventorySlots.BACKPACK_START))
                    .as("its stack in the looter's backpack, under an id of its own")
                    .satisfies(item -> assertThat(item[0]).isPositive())
                    .satisfies(item -> assertThat(item[1]).isEqualTo(held[0]))
                    .satisfies(item -> assertThat(item[2]).isEqualTo(held[1]));
        }
        final long looted = west.money(PLAYER);

        // A second loot of the same corpse gives nothing: the corpse's cell gave it all once.
        west.onInput(Inputs.LOOT, input, 0, Inputs.encodeTarget(input, 0, PLAYER, creature));
        for (int i = 0; i < 5; i++) {
            exchange();
        }
        assertThat(west.money(PLAYER)).isEqualTo(looted);
    }

    @Test
    void aCreatureFightsAPlayerOfTheNeighbouringCellAndItsBlowsLandOnHisCell() {
        // Within the creature's aggro radius, on the west's side: only its ghost is on the east.
        playerBesideACreatureAcross();
        for (int i = 0; i < 20 * 30 && west.blowsTakenAcross() == 0; i++) {
            exchange();
        }
        assertThat(west.blowsTakenAcross())
                .as("the east's creature attacked the ghost, and its blows were dealt on the west")
                .isPositive();
    }

    /**
     * A creature of the east a few yards past the boundary, and the west's player beside it on its side (short of the
     * boundary plus the hysteresis): returns the creature's id.
     */
    private long playerBesideACreatureAcross() {
        long creature = -1;
        for (float y = -450f; y < 450f && creature < 0; y += 10f) {
            creature = east.creatureNear(5f, y, 5f);
        }
        assertThat(creature).as("a creature of the east just past the boundary").isPositive();
        final float[] at = east.position(creature);
        final UnsafeBuffer join = new UnsafeBuffer(new byte[512]);
        final int joined = Inputs.encodeJoin(join, 0, PLAYER, Math.min(at[0] - 2f, 6f), at[1], 0f, 0f, 60, 5_000, 0, 1);
        west.onInput(Inputs.PLAYER_JOIN, join, 0, joined);
        return creature;
    }

    /** One tick of both cells and their exchange: ghosts and actions both ways. */
    private void exchange() {
        tick++;
        west.tick(tick, 0);
        east.tick(tick, 0);
        send(west, east, Cells.EAST, Cells.WEST);
        send(east, west, Cells.WEST, Cells.EAST);
    }

    /** {@code from}'s actions and ghosts for its neighbour on {@code side}, to {@code to}, which has it on {@code seenFrom}. */
    private void send(final MapWorld from, final MapWorld to, final int side, final int seenFrom) {
        input.putByte(Inputs.GHOSTS_SIDE, (byte) seenFrom);
        final int[] actions = {0};
        from.cellActions().drain(side, (type, buffer, offset, length) -> {
            input.putBytes(Inputs.GHOSTS_BATCH + actions[0], buffer, offset, length);
            actions[0] += length;
        });
        if (actions[0] > 0) {
            to.onInput(Inputs.GHOST_ACTIONS, input, 0, Inputs.GHOSTS_BATCH + actions[0]);
        }
        input.putByte(Inputs.GHOSTS_SIDE, (byte) seenFrom);
        final int length = from.exportGhosts(side, input, Inputs.GHOSTS_BATCH);
        to.onInput(Inputs.GHOSTS, input, 0, Inputs.GHOSTS_BATCH + length);
    }

    private static MapWorld world(final CellPart cell) {
        return new MapWorld(
                SETTINGS,
                0,
                7,
                0f,
                0f,
                SaveLog.allocate(1 << 20),
                1,
                Outbox.allocate(1 << 22, ClientProtocol.MAX_BODY),
                null,
                realm -> 1L,
                cell);
    }
}
