package io.realmcluster.dataplane.world;

import static io.realmcluster.proto.client.ClientProtocol.BG_OBJECTIVE_CARRIER;
import static io.realmcluster.proto.client.ClientProtocol.BG_OBJECTIVE_LENGTH;
import static io.realmcluster.proto.client.ClientProtocol.BG_OBJECTIVE_SIDE;
import static io.realmcluster.proto.client.ClientProtocol.BG_OBJECTIVE_STATE;
import static io.realmcluster.proto.client.ClientProtocol.BG_STATE_ALLIANCE_PLAYERS;
import static io.realmcluster.proto.client.ClientProtocol.BG_STATE_ALLIANCE_SCORE;
import static io.realmcluster.proto.client.ClientProtocol.BG_STATE_HORDE_PLAYERS;
import static io.realmcluster.proto.client.ClientProtocol.BG_STATE_MAP;
import static io.realmcluster.proto.client.ClientProtocol.BG_STATE_MILLIS_LEFT;
import static io.realmcluster.proto.client.ClientProtocol.BG_STATE_OBJECTIVES;
import static io.realmcluster.proto.client.ClientProtocol.BG_STATE_PHASE;
import static io.realmcluster.proto.client.ClientProtocol.BG_STATE_WINNER;
import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.world.battleground.BattlegroundMaps;
import io.realmcluster.dataplane.world.battleground.BattlegroundSettings;
import io.realmcluster.dataplane.world.battleground.BattlegroundView;
import io.realmcluster.dataplane.world.battleground.Team;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.FrameError;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.v1.MapKind;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * What a Warsong Gulch's players receive of the match through the map's outbox: BATTLEGROUND_STATE right
 * after WORLD_ENTERED, once a second while nothing changes, at once when something does, with carriers
 * named by entity id.
 */
class BattlegroundStatesTest {
    private static final WorldSettings SETTINGS = WorldSettings.forKind(MapKind.MAP_KIND_BATTLEGROUND);
    private static final int HZ = SETTINGS.tickHz();
    private static final long TICK_NANOS = 1_000_000_000L / HZ;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int HUMAN = 1;
    private static final int ORC = 2;
    private static final long ALLIANCE_PLAYER = 10;
    private static final long HORDE_PLAYER = 20;
    private static final int ALLIANCE_SESSION = 3;
    private static final int HORDE_SESSION = 4;
    private static final long PREPARATION_MILLIS = 2_000;
    private static final int NOBODY = 99;

    private final UnsafeBuffer input = new UnsafeBuffer(new byte[300]);
    private final SaveLog saves = SaveLog.allocate(1 << 20);
    private final Outbox outbox = Outbox.allocate(1 << 20, ClientProtocol.MAX_BODY);
    private final float[] hordeFlag = BattlegroundMaps.flag(Team.HORDE);
    private final MapWorld world;
    private long tick;

    BattlegroundStatesTest() {
        final float[] center = BattlegroundMaps.center(BattlegroundSettings.WARSONG_GULCH);
        world = new MapWorld(
                SETTINGS,
                BattlegroundSettings.WARSONG_GULCH,
                7,
                center[0],
                center[1],
                saves,
                1,
                outbox,
                BattlegroundSettings.forMap(BattlegroundSettings.WARSONG_GULCH, PREPARATION_MILLIS)
                        .withMinimumPerSide(1));
    }

    @Test
    void aPlayerIsToldTheMatchRightAfterItEntersThenOnceASecondAndAtOnceWhenItChanges() {
        join(ALLIANCE_PLAYER, ALLIANCE_SESSION, HUMAN, hordeFlag[0] + 2f, hordeFlag[1]);
        List<Frame> frames = runTicks(1);
        assertThat(frames)
                .as("WORLD_ENTERED first, the match last, once")
                .extracting(Frame::kind)
                .startsWith(ClientProtocol.WORLD_ENTERED)
                .endsWith(ClientProtocol.BATTLEGROUND_STATE)
                .containsOnlyOnce(ClientProtocol.BATTLEGROUND_STATE);
        final Frame first = frames.get(frames.size() - 1);
        assertThat(first.session()).isEqualTo(ALLIANCE_SESSION);
        assertThat(first.entity()).isEqualTo(ALLIANCE_PLAYER);
        assertThat(first.decoded()).isEqualTo("battleground 489 phase 0 objectives 2");
        assertThat(first.u16(BG_STATE_MAP)).isEqualTo(BattlegroundSettings.WARSONG_GULCH);
        assertThat(first.u8(BG_STATE_PHASE)).as("preparation").isZero();
        assertThat(first.u8(BG_STATE_WINNER)).as("none yet").isZero();
        assertThat(first.u8(BG_STATE_ALLIANCE_PLAYERS)).isEqualTo(1);
        assertThat(first.u8(BG_STATE_HORDE_PLAYERS)).isZero();
        assertThat(first.millisLeft()).isBetween(PREPARATION_MILLIS - 200, PREPARATION_MILLIS);
        assertThat(first.objectives()).isEqualTo(2);
        assertThat(first.objective(Team.HORDE, BG_OBJECTIVE_STATE)).isEqualTo(BattlegroundView.FLAG_AT_BASE);
        assertThat(first.objective(Team.HORDE, BG_OBJECTIVE_SIDE))
                .as("the Horde's flag")
                .isEqualTo(2);

        frames = runTicks(HZ - 1);
        assertThat(states(frames)).as("nothing changed within the second").isEmpty();
        frames = runTicks(1);
        assertThat(states(frames)).as("the time left, a second later").hasSize(1);
        assertThat(states(frames).get(0).millisLeft()).isBetween(PREPARATION_MILLIS - 1_200, PREPARATION_MILLIS - 800);

        join(HORDE_PLAYER, HORDE_SESSION, ORC, hordeFlag[0] + 30f, hordeFlag[1]);
        frames = runTicks(1);
        assertThat(states(frames))
                .as("a player more: both are told at once, the newcomer after its WORLD_ENTERED")
                .extracting(Frame::entity)
                .containsExactlyInAnyOrder(ALLIANCE_PLAYER, HORDE_PLAYER);
        assertThat(states(frames))
                .allSatisfy(
                        state -> assertThat(state.u8(BG_STATE_HORDE_PLAYERS)).isEqualTo(1));

        // The gates open and the Alliance player, standing on the Horde's flag, takes it.
        Frame carried = null;
        for (int i = 0; i < HZ * 3 && carried == null; i++) {
            for (final Frame state : states(runTicks(1))) {
                if (state.entity() == HORDE_PLAYER
                        && state.objective(Team.HORDE, BG_OBJECTIVE_STATE) == BattlegroundView.FLAG_CARRIED) {
                    carried = state;
                }
            }
        }
        assertThat(carried).as("a state with the Horde's flag carried").isNotNull();
        assertThat(carried.u8(BG_STATE_PHASE)).as("running").isEqualTo(1);
        assertThat(carried.objectiveCarrier(Team.HORDE)).isEqualTo(ALLIANCE_PLAYER);
        assertThat(carried.objectiveCarrier(Team.ALLIANCE))
                .as("nobody carries the other flag")
                .isZero();
        assertThat(carried.i32(BG_STATE_ALLIANCE_SCORE)).isZero();
    }

    @Test
    void aStateTheFullOutboxRefusedGoesToItsPlayerAtTheNextTick() {
        join(ALLIANCE_PLAYER, ALLIANCE_SESSION, HUMAN, hordeFlag[0] + 2f, hordeFlag[1]);
        runTicks(1);
        fillOutbox();
        // A newcomer changes the match: nobody can be told, the newcomer not even that it entered.
        join(HORDE_PLAYER, HORDE_SESSION, ORC, hordeFlag[0] + 30f, hordeFlag[1]);
        assertThat(states(runTicks(1))).as("the outbox is full").isEmpty();

        final List<Frame> next = runTicks(1);
        assertThat(states(next))
                .as("nothing changed and the second is not up, but both are still to be told")
                .extracting(Frame::entity)
                .containsExactlyInAnyOrder(ALLIANCE_PLAYER, HORDE_PLAYER);
        assertThat(next.stream()
                        .filter(f -> f.entity() == HORDE_PLAYER)
                        .map(Frame::kind)
                        .toList())
                .as("the newcomer's WORLD_ENTERED first")
                .startsWith(ClientProtocol.WORLD_ENTERED);
        assertThat(states(runTicks(1))).as("told once").isEmpty();
    }

    @Test
    void aMapThatIsNoBattlegroundSendsNoState() {
        final MapWorld plain = new MapWorld(SETTINGS, 0, 7, 0f, 0f, saves, 1, outbox);
        Inputs.encodeJoin(input, 0, ALLIANCE_PLAYER, 0f, 0f, 0f, 0f, 60, 5_000, 0, ALLIANCE_SESSION);
        Inputs.joinOwnership(input, 0, 1, 0, 0);
        plain.onInput(Inputs.PLAYER_JOIN, input, 0, Inputs.joinSide(input, 0, HUMAN, Inputs.TEAM_BY_RACE));
        for (int i = 1; i <= HZ * 2; i++) {
            plain.tick(i, i * TICK_NANOS);
        }
        assertThat(states(drain())).isEmpty();
    }

    /** Fill the outbox with frames for nobody until not even a one-byte body fits. */
    private void fillOutbox() {
        while (outbox.send(Outbox.FRAME, NOBODY, NOBODY, 200)) {
            // fill
        }
        while (outbox.send(Outbox.FRAME, NOBODY, NOBODY, 1)) {
            // to the last bytes
        }
    }

    @Test
    void anEnemyIsFlaggedHostileInTheUpdatesOnceTheGatesOpenAndAnAllyNever() {
        final long ally = 11;
        join(ALLIANCE_PLAYER, ALLIANCE_SESSION, HUMAN, hordeFlag[0] + 30f, hordeFlag[1]);
        join(ally, 5, HUMAN, hordeFlag[0] + 32f, hordeFlag[1]);
        join(HORDE_PLAYER, HORDE_SESSION, ORC, hordeFlag[0] + 34f, hordeFlag[1]);
        final List<String> closed = updatesTo(ALLIANCE_SESSION, runTicks(HZ / 2));
        assertThat(closed).anyMatch(line -> line.contains("player " + HORDE_PLAYER + " at"));
        assertThat(closed).as("behind closed gates nobody is an enemy").noneMatch(line -> line.contains("hostile"));

        final List<String> open = new ArrayList<>();
        for (int i = 0; i < (int) (PREPARATION_MILLIS * HZ / 1_000) + HZ; i++) {
            // Moving, so that each tick's updates carry them again.
            move(HORDE_PLAYER, hordeFlag[0] + 34f + (i % 2), hordeFlag[1]);
            move(ally, hordeFlag[0] + 32f + (i % 2), hordeFlag[1]);
            open.addAll(updatesTo(ALLIANCE_SESSION, runTicks(1)));
        }
        assertThat(world.battleground().phase()).isEqualTo(io.realmcluster.dataplane.world.battleground.Phase.RUNNING);
        assertThat(open).anyMatch(line -> line.matches(".*player " + HORDE_PLAYER + " at [-0-9.,]+ hostile.*"));
        assertThat(open).noneMatch(line -> line.matches(".*player " + ally + " at [-0-9.,]+ hostile.*"));
    }

    private static List<String> updatesTo(final int session, final List<Frame> frames) {
        return frames.stream()
                .filter(f -> f.session() == session && f.kind() == ClientProtocol.ENTITY_UPDATES)
                .map(Frame::decoded)
                .toList();
    }

    private int moveSequence;

    private void move(final long player, final float x, final float y) {
        world.onInput(Inputs.MOVE, input, 0, Inputs.encodeMove(input, 0, player, ++moveSequence, x, y, 0f, 0f, 0));
    }

    private List<Frame> runTicks(final int count) {
        final List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tick++;
            world.tick(tick, tick * TICK_NANOS);
            frames.addAll(drain());
            saves.drain((type, buffer, index, length) -> {}, Integer.MAX_VALUE);
        }
        return frames;
    }

    private List<Frame> drain() {
        final List<Frame> frames = new ArrayList<>();
        outbox.drain(
                (type, buffer, index, length) -> {
                    if (buffer.getInt(index + Outbox.SESSION_OFFSET) == NOBODY) {
                        return;
                    }
                    final byte[] body = new byte[length - Outbox.BODY_OFFSET];
                    buffer.getBytes(index + Outbox.BODY_OFFSET, body);
                    frames.add(new Frame(
                            buffer.getInt(index + Outbox.SESSION_OFFSET),
                            buffer.getLong(index + Outbox.ENTITY_OFFSET),
                            new UnsafeBuffer(body)));
                },
                Integer.MAX_VALUE);
        return frames;
    }

    private static List<Frame> states(final List<Frame> frames) {
        return frames.stream()
                .filter(f -> f.kind() == ClientProtocol.BATTLEGROUND_STATE)
                .toList();
    }

    private void join(final long player, final int session, final int race, final float x, final float y) {
        Inputs.encodeJoin(input, 0, player, x, y, 0f, 0f, 60, 5_000, 0, session);
        Inputs.joinOwnership(input, 0, 1, 0, 0);
        world.onInput(Inputs.PLAYER_JOIN, input, 0, Inputs.joinSide(input, 0, race, Inputs.TEAM_BY_RACE));
    }

    /** One frame body the outbox carried, addressed to a session and entity. */
    private record Frame(int session, long entity, DirectBuffer body) {
        byte kind() {
            return body.getByte(0);
        }

        /** The frame as the client's decoder reads it. */
        String decoded() {
            final List<String> lines = new ArrayList<>();
            final FrameError error = ServerMessages.decode(body, 0, body.capacity(), new FrameText(lines));
            return error == null ? String.join("; ", lines) : "refused: " + error;
        }

        int u8(final int at) {
            return body.getByte(at) & 0xFF;
        }

        int u16(final int at) {
            return body.getShort(at, LE) & 0xFFFF;
        }

        int i32(final int at) {
            return body.getInt(at, LE);
        }

        long millisLeft() {
            return body.getInt(BG_STATE_MILLIS_LEFT, LE) & 0xFFFF_FFFFL;
        }

        int objectives() {
            return u8(ClientProtocol.BG_STATE_OBJECTIVE_COUNT);
        }

        int objective(final int index, final int field) {
            return u8(BG_STATE_OBJECTIVES + index * BG_OBJECTIVE_LENGTH + field);
        }

        long objectiveCarrier(final int index) {
            return body.getLong(BG_STATE_OBJECTIVES + index * BG_OBJECTIVE_LENGTH + BG_OBJECTIVE_CARRIER, LE);
        }
    }
}
