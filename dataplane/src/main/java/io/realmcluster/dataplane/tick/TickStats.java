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

    private final Intervals durations = new Intervals();
    private final Intervals lateness = new Intervals();
    private final Intervals cpu = new Intervals();
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();
    private final AtomicLong inputs = new AtomicLong();

    /** One tick; {@code cpuNanos} is negative where the JVM cannot measure a thread's CPU time. */
    void record(
            final long durationNanos,
            final long completedAfterScheduleNanos,
            final long cpuNanos,
            final int inputsDrained) {
        durations.record(durationNanos);
        if (cpuNanos >= 0) {
            cpu.record(cpuNanos);
        }
        lateness.record(Math.max(0, completedAfterScheduleNanos));
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
    public Histogram takeDurations() {
        return durations.take();
    }

    /**
     * The tick thread's CPU time in each tick since the last call. Far below the tick's duration,
     * the tick waited for a core (other threads, other processes, the kernel); near it, the tick
     * did that much work. One reader only.
     */
    public Histogram takeCpu() {
        return cpu.take();
    }

    /**
     * Time from each tick's scheduled start to its end since the last call: duration plus any delay
     * in starting, so a stalled thread shows up here instead of being hidden (coordinated omission).
     */
    public Histogram takeLateness() {
        return lateness.take();
    }

    /** Nanoseconds the tick thread records and the metrics side takes as a histogram of the interval since its last take. */
    private static final class Intervals {
        private final Recorder recorder = new Recorder(MAX_TRACKED_NANOS, 3);
        private Histogram interval;

        void record(final long nanos) {
            recorder.recordValue(Math.min(nanos, MAX_TRACKED_NANOS));
        }

        /** A new histogram each time (the metrics side, not the tick path). One reader only. */
        synchronized Histogram take() {
            interval = recorder.getIntervalHistogram(interval);
            return interval.copy();
        }
    }
}
