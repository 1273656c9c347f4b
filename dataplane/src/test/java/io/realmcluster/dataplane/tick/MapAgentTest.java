package io.realmcluster.dataplane.tick;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.dataplane.pipeline.Ingress;
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
        public void tick(final long tick, final long nowNanos) {
            events.add("tick " + tick);
            ticks.add(tick);
            clock.advance(tickCost);
            cpu += cpuCost;
        }
    }
}
