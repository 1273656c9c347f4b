package io.realmcluster.dataplane.world;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.world.battleground.BattlegroundMaps;
import io.realmcluster.dataplane.world.battleground.BattlegroundSettings;
import io.realmcluster.dataplane.world.battleground.BattlegroundView;
import io.realmcluster.dataplane.world.battleground.Phase;
import io.realmcluster.dataplane.world.battleground.Team;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.v1.MapKind;
import java.lang.management.ManagementFactory;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** A Warsong Gulch instance's tick with players: sides from the JOIN, flags taken, carried home, dropped by a death. */
class BattlegroundWorldTest {
    private static final WorldSettings SETTINGS = WorldSettings.forKind(MapKind.MAP_KIND_BATTLEGROUND);
    private static final long TICK_NANOS = 1_000_000_000L / SETTINGS.tickHz();
    private static final int HUMAN = 1;
    private static final int ORC = 2;
    private static final long ALLIANCE_PLAYER = 10;
    private static final long HORDE_PLAYER = 20;
    private static final long PREPARATION_MILLIS = 1_000;

    private final UnsafeBuffer input = new UnsafeBuffer(new byte[300]);
    private final SaveLog saves = SaveLog.allocate(1 << 20);
    private final Outbox outbox = Outbox.allocate(4 << 20, ClientProtocol.MAX_BODY);
    private final MessageHandler discard = (type, buffer, index, length) -> {};
    private long statesSent;
    /** Drops frames, counting the BATTLEGROUND_STATEs among them (allocation-free). */
    private final MessageHandler countStates = (type, buffer, index, length) -> {
        if (buffer.getByte(index + Outbox.BODY_OFFSET) == ClientProtocol.BATTLEGROUND_STATE) {
            statesSent++;
        }
    };

    private final float[] hordeFlag = BattlegroundMaps.flag(Team.HORDE);
    private final float[] allianceFlag = BattlegroundMaps.flag(Team.ALLIANCE);
    private MapWorld world =
            warsongGulch(BattlegroundSettings.forMap(BattlegroundSettings.WARSONG_GULCH, PREPARATION_MILLIS)
                    .withMinimumPerSide(1));
    private long tick;
    private int sequence;

    @Test
    void aFlagCarriedToItsCarriersBaseIsCapturedInTheMapsTick() {
        join(ALLIANCE_PLAYER, HUMAN, Inputs.TEAM_BY_RACE, hordeFlag[0] + 2f, hordeFlag[1], 5_000);
        join(HORDE_PLAYER, ORC, Inputs.TEAM_BY_RACE, allianceFlag[0] - 40f, allianceFlag[1], 5_000);
        final BattlegroundView match = world.battleground();
        runTicks(1);
        assertThat(match.present(Team.ALLIANCE)).isEqualTo(1);
        assertThat(match.present(Team.HORDE)).isEqualTo(1);
        assertThat(match.phase()).isEqualTo(Phase.PREPARATION);
        assertThat(match.objectiveState(Team.HORDE))
                .as("the gates are closed")
                .isEqualTo(BattlegroundView.FLAG_AT_BASE);

        runTicks(secondsOfTicks(PREPARATION_MILLIS / 1_000.0) + 1);
        assertThat(match.phase()).isEqualTo(Phase.RUNNING);
        assertThat(match.objectiveState(Team.HORDE)).isEqualTo(BattlegroundView.FLAG_CARRIED);
        assertThat(world.battlegroundPlayer(match.objectiveCarrier(Team.HORDE))).isEqualTo(ALLIANCE_PLAYER);

        walkTo(ALLIANCE_PLAYER, allianceFlag[0] - 2f, allianceFlag[1]);
        runTicks(1);
        assertThat(match.score(Team.ALLIANCE)).isEqualTo(1);
        assertThat(match.objectiveState(Team.HORDE)).isEqualTo(BattlegroundView.FLAG_AT_BASE);
        assertThat(match.objectiveCarrier(Team.HORDE)).isEqualTo(Team.NONE);
    }

    @Test
    void aCarrierSlainByAnEnemyDropsTheFlagAndPlayersFightOnlyOnceTheGatesOpen() {
        // An Orc sent to the Alliance and a Human to the Horde by their JOINs: the side given wins over the race's.
        join(ALLIANCE_PLAYER, ORC, Inputs.TEAM_ALLIANCE, hordeFlag[0] + 2f, hordeFlag[1], 300);
        join(HORDE_PLAYER, HUMAN, Inputs.TEAM_HORDE, hordeFlag[0] + 20f, hordeFlag[1], 5_000);
        runTicks(1);
        final long refused = world.rejectedInputs();
        attack(HORDE_PLAYER, ALLIANCE_PLAYER);
        assertThat(world.rejectedInputs()).as("no fighting behind closed gates").isEqualTo(refused + 1);

        runTicks(secondsOfTicks(PREPARATION_MILLIS / 1_000.0) + 1);
        final BattlegroundView match = world.battleground();
        assertThat(match.objectiveState(Team.HORDE)).isEqualTo(BattlegroundView.FLAG_CARRIED);
        attack(ALLIANCE_PLAYER, ALLIANCE_PLAYER);
        assertThat(world.rejectedInputs()).as("not oneself").isEqualTo(refused + 2);
        attack(HORDE_PLAYER, ALLIANCE_PLAYER);
        assertThat(world.rejectedInputs()).isEqualTo(refused + 2);
        for (int i = 0; i < SETTINGS.tickHz() * 10 && world.playersSlain() == 0; i++) {
            runTicks(1);
        }
        assertThat(world.playersSlain()).isEqualTo(1);
        assertThat(match.objectiveState(Team.HORDE)).isEqualTo(BattlegroundView.FLAG_DROPPED);
        assertThat(match.objectiveX(Team.HORDE)).isEqualTo(hordeFlag[0] + 2f);
        // The one who dropped it cannot take it up again; the Horde player returns it as he steps onto it.
        walkTo(ALLIANCE_PLAYER, hordeFlag[0] + 2f, hordeFlag[1] + 4f);
        assertThat(match.objectiveState(Team.HORDE)).isEqualTo(BattlegroundView.FLAG_DROPPED);
        walkTo(ALLIANCE_PLAYER, hordeFlag[0] + 2f, hordeFlag[1] + 15f);
        walkTo(HORDE_PLAYER, hordeFlag[0] + 3f, hordeFlag[1]);
        runTicks(1);
        assertThat(match.objectiveState(Team.HORDE)).isEqualTo(BattlegroundView.FLAG_AT_BASE);
    }

    @Test
    void aCarrierWhoLeavesTheMapDropsTheFlagAndTheEndSendsEveryoneHome() {
        world = warsongGulch(
                new BattlegroundSettings(BattlegroundSettings.WARSONG_GULCH, 1, 0, 60_000, 300_000, 2_000, 10_000));
        join(ALLIANCE_PLAYER, HUMAN, Inputs.TEAM_BY_RACE, hordeFlag[0] + 2f, hordeFlag[1], 5_000);
        join(HORDE_PLAYER, ORC, Inputs.TEAM_BY_RACE, hordeFlag[0] + 30f, hordeFlag[1], 5_000);
        runTicks(2);
        final BattlegroundView match = world.battleground();
        assertThat(match.objectiveState(Team.HORDE)).isEqualTo(BattlegroundView.FLAG_CARRIED);
        world.onInput(Inputs.PLAYER_LEAVE, input, 0, Inputs.encodeLeave(input, 0, ALLIANCE_PLAYER, Inputs.ANY_SESSION));
        assertThat(match.objectiveState(Team.HORDE)).isEqualTo(BattlegroundView.FLAG_DROPPED);
        assertThat(match.present(Team.ALLIANCE)).isZero();

        // The Alliance stays under its minimum of one for five minutes: the Horde wins, and two seconds later
        // everyone goes home.
        runTicks(secondsOfTicks(300) + 1);
        assertThat(match.phase()).isEqualTo(Phase.ENDED);
        assertThat(match.winner()).isEqualTo(Team.HORDE);
        assertThat(world.sendsEveryoneHome()).isFalse();
        runTicks(secondsOfTicks(2) + 1);
        assertThat(match.phase()).isEqualTo(Phase.GO_HOME);
        assertThat(world.sendsEveryoneHome()).isTrue();
    }

    @Test
    void aMapThatIsNoBattlegroundHasNoMatch() {
        final MapWorld plain = new MapWorld(SETTINGS, 0, 7, 0f, 0f, saves, 1, outbox);
        assertThat(plain.battleground()).isNull();
        assertThat(plain.sendsEveryoneHome()).isFalse();
        assertThat(plain.battlegroundPlayer(0)).isEqualTo(-1);
    }

    @Test
    void aBattlegroundsTickAllocatesNothingInSteadyState() {
        for (int p = 1; p <= 40; p++) {
            join(p, p % 2 == 0 ? HUMAN : ORC, Inputs.TEAM_BY_RACE, 1200f + p * 3f, 1450f, 5_000);
        }
        final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        runWithMoves(2_000);
        assertThat(world.battleground().phase()).isEqualTo(Phase.RUNNING);
        long fewest = Long.MAX_VALUE;
        for (int window = 0; window < 5 && fewest >= 1_024; window++) {
            final long states = statesSent;
            final long before = threads.getCurrentThreadAllocatedBytes();
            runWithMoves(2_000);
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
            assertThat(statesSent - states)
                    .as("every player told the match at least once a second in the window")
                    .isGreaterThanOrEqualTo(40L * (2_000 / SETTINGS.tickHz()));
        }
        assertThat(fewest)
                .as(
                        "bytes allocated by 2,000 ticks of a battleground with 40 players moving, fewest of up to 5 windows")
                .isLessThan(1_024);
    }

    private MapWorld warsongGulch(final BattlegroundSettings battleground) {
        final float[] center = BattlegroundMaps.center(BattlegroundSettings.WARSONG_GULCH);
        return new MapWorld(
                SETTINGS, BattlegroundSettings.WARSONG_GULCH, 7, center[0], center[1], saves, 1, outbox, battleground);
    }

    private void runWithMoves(final int ticks) {
        for (int i = 0; i < ticks; i++) {
            for (int p = 1; p <= 40; p++) {
                final int length =
                        Inputs.encodeMove(input, 0, p, ++sequence, 1200f + p * 3f, 1450f + (i % 40) * 0.1f, 0f, 0f, 0);
                world.onInput(Inputs.MOVE, input, 0, length);
            }
            tick++;
            world.tick(tick, tick * TICK_NANOS);
            outbox.drain(countStates, Integer.MAX_VALUE);
            saves.drain(discard, Integer.MAX_VALUE);
        }
    }

    private static int secondsOfTicks(final double seconds) {
        return (int) Math.ceil(seconds * SETTINGS.tickHz());
    }

    private void runTicks(final int count) {
        for (int i = 0; i < count; i++) {
            tick++;
            world.tick(tick, tick * TICK_NANOS);
            outbox.drain(discard, Integer.MAX_VALUE);
            saves.drain(discard, Integer.MAX_VALUE);
        }
    }

    private void join(
            final long player, final int race, final byte team, final float x, final float y, final int health) {
        Inputs.encodeJoin(input, 0, player, x, y, 0f, 0f, 60, health, 0, (int) player);
        Inputs.joinOwnership(input, 0, 1, 0, 0);
        final int length = Inputs.joinSide(input, 0, race, team);
        world.onInput(Inputs.PLAYER_JOIN, input, 0, length);
    }

    private void attack(final long player, final long target) {
        world.onInput(Inputs.ATTACK, input, 0, Inputs.encodeTarget(input, 0, player, target));
    }

    /** Walk in legal steps to a point, a tick a step (the server checks speed). */
    private void walkTo(final long player, final float x, final float y) {
        for (int guard = 0; guard < 100_000; guard++) {
            final float[] at = world.position(player);
            final double gap = Math.hypot(x - at[0], y - at[1]);
            if (gap < 0.1) {
                return;
            }
            final double step = Math.min(gap, 0.9);
            runTicks(1);
            final int length = Inputs.encodeMove(
                    input,
                    0,
                    player,
                    ++sequence,
                    (float) (at[0] + (x - at[0]) / gap * step),
                    (float) (at[1] + (y - at[1]) / gap * step),
                    0f,
                    0f,
                    0);
            world.onInput(Inputs.MOVE, input, 0, length);
        }
        throw new AssertionError("player " + player + " did not reach " + x + "," + y);
    }
}
