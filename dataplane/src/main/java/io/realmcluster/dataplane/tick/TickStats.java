package io.realmcluster.dataplane.tick;

import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Tick timings of one map, written by its tick thread without locks or allocation (HdrHistogram's
 * {@link Recorder}) and read by the metrics thread as interval histograms.
 */
public final class TickStats {
    private static final long MAX_TRACKED_NANOS = 10_000_000_000L;

    private final Recorder durations = new Recorder(MAX_TRACKED_NANOS, 3);
    private final Recorder lateness = new Recorder(MAX_TRACKED_NANOS, 3);
    private final Recorder cpu = new Recorder(MAX_TRACKED_NANOS, 3);
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();
    private final AtomicLong inputs = new AtomicLong();
    private Histogram durationsInterval;
    private Histogram latenessInterval;
    private Histogram cpuInterval;

    /** One tick; {@code cpuNanos} is negative where the JVM cannot measure a thread's CPU time. */
    void record(final long durationNanos, final long completedAfterScheduleNanos, final long cpuNanos,
                final int inputsDrained) {
        durations.recordValue(Math.min(durationNanos, MAX_TRACKED_NANOS));
        if (cpuNanos >= 0) {
            cpu.recordValue(Math.min(cpuNanos, MAX_TRACKED_NANOS));
        }
        lateness.recordValue(Math.min(Math.max(0, completedAfterScheduleNanos), MAX_TRACKED_NANOS));
        ticks.lazySet(ticks.get() + 1);
        inputs.lazySet(inputs.get() + inputsDrained);
    }

    void overrun(final long missedTicks) {
        overruns.lazySet(overruns.get() + missedTicks);
    }

    public long ticks() {
        return ticks.get();
    }

    /** Ticks that could not start on time because the one before ran past their start. */
    public long overruns() {
        return overruns.get();
    }

    public long inputs() {
        return inputs.get();
    }

    /**
     * Tick durations since the last call (a new histogram each time: this is the metrics side, not
     * the tick path). One reader only.
     */
    public synchronized Histogram takeDurations() {
        durationsInterval = durations.getIntervalHistogram(durationsInterval);
        return durationsInterval.copy();
    }

    /**
     * The tick thread's CPU time in each tick since the last call. Far below the tick's duration,
     * the tick waited for a core (other threads, other processes, the kernel); near it, the tick
     * did that much work. One reader only.
     */
    public synchronized Histogram takeCpu() {
        cpuInterval = cpu.getIntervalHistogram(cpuInterval);
        return cpuInterval.copy();
    }

    /**
     * Time from each tick's scheduled start to its end since the last call: duration plus any delay
     * in starting, so a stalled thread shows up here instead of being hidden (coordinated omission).
     */
    public synchronized Histogram takeLateness() {
        latenessInterval = lateness.getIntervalHistogram(latenessInterval);
        return latenessInterval.copy();
    }
}
