package io.realmcluster.dataplane.tick;

import io.realmcluster.dataplane.pipeline.Ingress;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;

/**
 * One map instance's tick loop: when its tick is due it drains the ingress ring into the
 * simulation, then advances it one tick. Single-threaded; it shares a thread with other maps and
 * returns at once when its tick is not due. A tick that ends past the next one's start counts the
 * ticks it overran, and the schedule skips them: the map never runs two ticks back to back to
 * catch up.
 */
public final class MapAgent implements Agent {
    /** Inputs applied per tick at most; the rest wait for the next tick rather than stretch this one. */
    public static final int MAX_INPUTS_PER_TICK = 65_536;
    /** The calling thread's CPU time in nanoseconds (a system call, no allocation), or -1 where the JVM cannot tell. */
    private static final LongSupplier THREAD_CPU = threadCpu();

    private final String roleName;
    private final Ingress ingress;
    private final TickSimulation simulation;
    private final NanoClock clock;
    private final LongSupplier cpuClock;
    private final long periodNanos;
    private final TickStats stats = new TickStats();
    private final MessageHandler inputHandler = this::onInput;
    private long nextTickNanos;
    private long tick;

    public MapAgent(
            final String instanceId,
            final Ingress ingress,
            final TickSimulation simulation,
            final NanoClock clock,
            final int ticksPerSecond) {
        this(instanceId, ingress, simulation, clock, THREAD_CPU, ticksPerSecond);
    }

    /** {@code cpuClock}: the tick thread's CPU time in nanoseconds, negative when unknown. */
    public MapAgent(
            final String instanceId,
            final Ingress ingress,
            final TickSimulation simulation,
            final NanoClock clock,
            final LongSupplier cpuClock,
            final int ticksPerSecond) {
        this.roleName = "map-" + instanceId;
        this.ingress = ingress;
        this.simulation = simulation;
        this.clock = clock;
        this.cpuClock = cpuClock;
        this.periodNanos = 1_000_000_000L / ticksPerSecond;
    }

    @Override
    public void onStart() {
        nextTickNanos = clock.nanoTime();
    }

    @Override
    public int doWork() {
        final long start = clock.nanoTime();
        if (start - nextTickNanos < 0) {
            return 0;
        }
        final long cpuStart = cpuClock.getAsLong();
        final int inputs = ingress.drain(inputHandler, MAX_INPUTS_PER_TICK);
        simulation.tick(++tick, start);
        final long cpuEnd = cpuClock.getAsLong();
        final long end = clock.nanoTime();
        stats.record(end - start, end - nextTickNanos, cpuStart < 0 ? -1 : cpuEnd - cpuStart, inputs);
        nextTickNanos += periodNanos;
        if (end - nextTickNanos >= 0) {
            final long missed = (end - nextTickNanos) / periodNanos + 1;
            stats.overrun(missed);
            nextTickNanos += missed * periodNanos;
        }
        return 1 + inputs;
    }

    private static LongSupplier threadCpu() {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
            return () -> -1;
        }
        return threads::getCurrentThreadCpuTime;
    }

    private void onInput(final int type, final MutableDirectBuffer buffer, final int index, final int length) {
        simulation.onInput(type, buffer, index, length);
    }

    public Ingress ingress() {
        return ingress;
    }

    public TickStats stats() {
        return stats;
    }

    /** Ticks run so far. Tick thread only. */
    long tick() {
        return tick;
    }

    @Override
    public String roleName() {
        return roleName;
    }
}
