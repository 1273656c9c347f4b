package io.realmcluster.dataplane.tick;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The tick loop under a hand-driven clock: cadence, input order, overruns without catch-up. */
class MapAgentTest {
    private static final long PERIOD = 50_000_000L;

    private final CachedNanoClock clock = new CachedNanoClock();
    private final Script simulation = new Script();
    /** The tick thread's CPU time as the script spends it. */
    private long cpu;

    private final MapAgent agent =
            new MapAgent("main.0", Ingress.allocate(64 * 1024), simulation, clock, () -> cpu, 20);

    @Test
    void ticksOnlyWhenDueAtTheConfiguredRate() {
        clock.update(1_000);
        agent.onStart();
        assertThat(agent.doWork()).isEqualTo(1);
        assertThat(agent.doWork()).isZero();
        clock.advance(PERIOD - 1);
        assertThat(agent.doWork()).isZero();
        clock.advance(1);
        assertThat(agent.doWork()).isEqualTo(1);
        assertThat(simulation.ticks).containsExactly(1L, 2L);
        assertThat(agent.stats().overruns()).isZero();
    }

    @Test
    void inputsArriveInOrderBeforeTheTickThatAppliesThem() {
        agent.onStart();
        offer(7, 1);
        offer(7, 2);
        offer(9, 3);
        assertThat(agent.doWork()).isEqualTo(4);
        assertThat(simulation.events).containsExactly("input 7:1", "input 7:2", "input 9:3", "tick 1");
        assertThat(agent.stats().inputs()).isEqualTo(3);
    }

    @Test
    void aLongTickCountsTheTicksItOverranAndTheScheduleSkipsThemInsteadOfCatchingUp() {
        agent.onStart();
        simulation.tickCost = PERIOD * 2 + PERIOD / 2;
        agent.doWork();
        assertThat(agent.stats().overruns()).isEqualTo(2);
        simulation.tickCost = 0;
        // The next tick is due at the next period boundary after the long tick ended, once.
        assertThat(agent.doWork()).isZero();
        clock.advance(PERIOD / 2);
        assertThat(agent.doWork()).isEqualTo(1);
        assertThat(agent.doWork()).isZero();
        assertThat(simulation.ticks).containsExactly(1L, 2L);
        assertThat(agent.stats().takeDurations().getMaxValue()).isGreaterThanOrEqualTo(PERIOD * 2);
    }

    @Test
    void aTickRecordsTheCpuTimeItsThreadSpentNextToHowLongItLasted() {
        agent.onStart();
        simulation.tickCost = 30_000_000L;
        simulation.cpuCost = 4_000_000L;
        agent.doWork();
        final Histogram durations = agent.stats().takeDurations();
        final Histogram cpuTimes = agent.stats().takeCpu();
        assertThat(cpuTimes.getTotalCount()).isEqualTo(1);
        assertThat(cpuTimes.getMaxValue()).isBetween(4_000_000L, 4_010_000L);
        assertThat(durations.getMaxValue()).isBetween(30_000_000L, 30_100_000L);
        assertThat(agent.stats().takeCpu().getTotalCount()).as("taken once").isZero();
    }

    @Test
    void aMapThatStoodStillHoldsItsPlayersActionsBackUntilTheControlPlaneConfirmsItStillRunsIt() {
        clock.update(1_000_000_000L);
        agent.onStart();
        agent.doWork();
        clock.advance(PERIOD);
        agent.doWork();
        assertThat(agent.holding()).isFalse();
        assertThat(agent.stoodStill(clock.nanoTime())).isFalse();
        assertThat(agent.stallAsOf(clock.nanoTime())).as("never stood still").isZero();

        // Stopped for 12 s (SIGSTOP): the moves sent meanwhile wait in the ring. Proofs that do not cover the stall
        // count not: a heartbeat acknowledged before it, a set pushed on a link opened before it.
        final long linkOpened = clock.nanoTime() - 5_000_000_000L;
        final long stoppedAt = clock.nanoTime();
        clock.advance(12_000_000_000L);
        assertThat(agent.stoodStill(clock.nanoTime()))
                .as("not ticking for seconds")
                .isTrue();
        assertThat(agent.stallAsOf(clock.nanoTime()))
                .as("standing still now, before the tick that finds it: a map unloaded now still forgives its frames")
                .isEqualTo(clock.nanoTime());
        agent.confirmByRenewal(new MapAgent.Renewal(linkOpened, stoppedAt));
        agent.confirmBySet(linkOpened);
        offer(Inputs.MOVE, 1);
        offer(Inputs.PLAYER_LEAVE, 2);
        offer(Inputs.ATTACK, 3);
        simulation.events.clear();
        agent.doWork();
        assertThat(agent.holding()).isTrue();
        assertThat(simulation.events)
                .as("the move and the attack held back, the leave applied")
                .containsExactly("hold true", "input " + Inputs.PLAYER_LEAVE + ":2", "tick 3");
        assertThat(agent.heldBack()).isEqualTo(2);
        assertThat(agent.stallAsOf(clock.nanoTime() + PERIOD))
                .as("the tick that found the stall")
                .isEqualTo(clock.nanoTime());
        assertThat(agent.stoodStill(clock.nanoTime()))
                .as("frames of those seconds still arriving")
                .isTrue();

        // A heartbeat on a new link (a new lease) proves nothing about the maps either, even one opened before this
        // thread noticed the stall.
        clock.advance(PERIOD);
        agent.confirmByRenewal(new MapAgent.Renewal(stoppedAt + 1, clock.nanoTime()));
        agent.doWork();
        assertThat(agent.holding()).isTrue();

        // The old link's lease renewed by a heartbeat sent after the stall: the next tick applies moves again.
        agent.confirmByRenewal(new MapAgent.Renewal(linkOpened, clock.nanoTime()));
        clock.advance(PERIOD);
        offer(Inputs.MOVE, 4);
        simulation.events.clear();
        agent.doWork();
        assertThat(agent.holding()).isFalse();
        assertThat(simulation.events).containsExactly("hold false", "input " + Inputs.MOVE + ":4", "tick 5");
        for (int i = 0; i < 240; i++) {
            clock.advance(PERIOD);
            agent.doWork();
        }
        assertThat(agent.stoodStill(clock.nanoTime())).as("12 s of ticks later").isFalse();
    }

    @Test
    void aSetPushedOnALinkOpenedAfterTheStallEndsTheHold() {
        clock.update(1_000_000_000L);
        agent.onStart();
        agent.doWork();
        clock.advance(MapAgent.STALL_NANOS + PERIOD);
        agent.doWork();
        assertThat(agent.holding()).isTrue();
        clock.advance(PERIOD);
        agent.confirmBySet(clock.nanoTime());
        agent.doWork();
        assertThat(agent.holding()).isFalse();
    }

    @Test
    void aHoldWithoutWordFromTheControlPlaneEndsAfterItsLongestAndAShortPauseHoldsNothing() {
        clock.update(1_000_000_000L);
        agent.onStart();
        agent.doWork();
        clock.advance(MapAgent.STALL_NANOS - PERIOD);
        agent.doWork();
        assertThat(agent.holding()).as("a pause shorter than half a lease").isFalse();

        clock.advance(MapAgent.STALL_NANOS);
        agent.doWork();
        assertThat(agent.holding()).isTrue();
        clock.advance(MapAgent.MAX_HOLD_NANOS + PERIOD);
        offer(Inputs.MOVE, 5);
        agent.doWork();
        assertThat(agent.holding()).isFalse();
        assertThat(simulation.events).contains("input " + Inputs.MOVE + ":5");
    }

    @Test
    void aFullIngressRefusesInputInsteadOfBlocking() {
        final Ingress tiny = Ingress.allocate(1024);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
        int accepted = 0;
        while (tiny.offer(1, message, 0, message.capacity())) {
            accepted++;
        }
        assertThat(accepted).isPositive().isLessThan(1024 / 64 + 1);
    }

    private void offer(final int type, final int value) {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[4]);
        message.putInt(0, value);
        assertThat(agent.ingress().offer(type, message, 0, 4)).isTrue();
    }

    /** Records what the loop hands it; a tick may cost simulated time. */
    private final class Script implements TickSimulation {
        final List<String> events = new ArrayList<>();
        final List<Long> ticks = new ArrayList<>();
        long tickCost;
        long cpuCost;

        @Override
        public void onInput(final int type, final DirectBuffer buffer, final int offset, final int length) {
            events.add("input " + type + ":" + buffer.getInt(offset));
        }

        @Override
        public void onHold(final boolean holding) {
            events.add("hold " + holding);
        }

        @Override
        public void tick(final long tick, final long nowNanos) {
            events.add("tick " + tick);
            ticks.add(tick);
            clock.advance(tickCost);
            cpu += cpuCost;
        }
    }
}
