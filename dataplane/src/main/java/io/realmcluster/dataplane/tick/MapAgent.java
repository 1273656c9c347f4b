package io.realmcluster.dataplane.tick;

import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>A tick that begins {@link #STALL_NANOS} or more after the previous one means the map stood still (the
 * process was stopped, or the machine starved it): long enough for the node's lease to lapse and the map to be
 * given to another node. From then on the map holds its players' actions back (moves, attacks, loot, item
 * requests, chat: dropped, so nothing is confirmed that a new owner would not have) until the control plane
 * confirms, after the stall, that this node still runs it ({@link #confirmedSince}), or for
 * {@link #MAX_HOLD_NANOS} at most. Joins, leaves and hand-overs still run.
 */
public final class MapAgent implements Agent {
    /** A gap between two ticks from which the node's lease may have lapsed: half the default 6 s lease. */
    public static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** The longest a map waits for the control plane's word after standing still before it plays on anyway. */
    public static final long MAX_HOLD_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** How long after a stall the frames that queued up during it are not taken for a flood. */
    public static final long STALL_FORGIVEN_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A map that has not ticked for this long is standing still now (or has only just begun to run again). */
    private static final long NOT_TICKING_NANOS = TimeUnit.SECONDS.toNanos(1);

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
    private final MessageHandler holdingHandler = this::onInputHolding;
    private long nextTickNanos;
    private long tick;
    /** When the last tick began; volatile for {@link #stoodStill}. */
    private volatile long lastTickNanos;
    /** Since when this map holds its players' actions back; 0 when it does not. Volatile for observers. */
    private volatile long holdingSinceNanos;
    /** The last tick before the stall the map holds for. Tick thread. */
    private long stallBeganNanos;
    /** When the map last found it had stood still; volatile for {@link #stoodStill}. */
    private volatile long stallNanos;
    /** When the latest link that pushed a set listing this map opened (its Hello went out): see {@link #confirmBySet}. */
    private volatile long setProofNanos;
    /** The latest heartbeat acknowledged, with when its link opened: see {@link #confirmByRenewal}. */
    private volatile Renewal renewal;

    private long heldBack;

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
        final long now = clock.nanoTime();
        this.setProofNanos = now;
        this.renewal = new Renewal(now, now);
    }

    /**
     * A heartbeat of the node's link acknowledged: its lease, granted when the link opened, was renewed when the
     * heartbeat arrived.
     */
    public record Renewal(long linkOpenedNanos, long sentNanos) {}

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
        final long previous = lastTickNanos;
        final boolean stalled = tick > 0 && start - previous >= STALL_NANOS;
        if (stalled) {
            // Before the tick's time: a session thread that sees this tick (so no longer "not ticking") sees the
            // stall too, and takes the frames queued up meanwhile for what they are, not for a flood.
            stallNanos = start;
        }
        lastTickNanos = start;
        long holding = holdingSinceNanos;
        if (stalled) {
            if (holding == 0) {
                holding = start;
                holdingSinceNanos = start;
                stallBeganNanos = previous;
                simulation.onHold(true);
            }
        }
        if (holding != 0 && (confirmedSince(stallBeganNanos, holding) || start - holding > MAX_HOLD_NANOS)) {
            holding = 0;
            holdingSinceNanos = 0;
            simulation.onHold(false);
        }
        final long cpuStart = cpuClock.getAsLong();
        final int inputs = ingress.drain(holding == 0 ? inputHandler : holdingHandler, MAX_INPUTS_PER_TICK);
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

    private void onInputHolding(final int type, final MutableDirectBuffer buffer, final int index, final int length) {
        if (Inputs.isPlayerAction(type)) {
            heldBack++;
            return;
        }
        simulation.onInput(type, buffer, index, length);
    }

    /**
     * Whether the control plane confirmed that this node still runs the map after it stood still from
     * {@code stallBegan} (its last tick before) to {@code stallEnded} (the tick that found the gap): a link opened
     * since the stall began pushed a set that kept it here at its epoch, or a link opened before the stall had a
     * heartbeat sent after it acknowledged (its lease never lapsed, so the map was never given away). A heartbeat of
     * a link opened since the stall began proves nothing: its lease is new, whenever this thread noticed the stall.
     */
    private boolean confirmedSince(final long stallBegan, final long stallEnded) {
        if (setProofNanos - stallBegan > 0) {
            return true;
        }
        final Renewal last = renewal;
        return last.linkOpenedNanos() - stallBegan < 0 && last.sentNanos() - stallEnded > 0;
    }

    /** A link whose Hello went out at {@code linkOpenedNanos} pushed a set that keeps this map here. Any thread. */
    public void confirmBySet(final long linkOpenedNanos) {
        if (linkOpenedNanos - setProofNanos > 0) {
            setProofNanos = linkOpenedNanos;
        }
    }

    /** A heartbeat was acknowledged: see {@link Renewal}. Any thread. */
    public void confirmByRenewal(final Renewal acknowledged) {
        renewal = acknowledged;
    }

    /**
     * When the map last stood still as of {@code nowNanos}: when it found it had, or {@code nowNanos} when it stands
     * still now and has not ticked since (a process stopped and continued whose maps go before their next tick);
     * 0 when it never stood still. Any thread.
     */
    public long stallAsOf(final long nowNanos) {
        final long stall = stallNanos;
        if (tickedOnce() && nowNanos - lastTickNanos > NOT_TICKING_NANOS) {
            return nowNanos;
        }
        return stall;
    }

    /** Whether the map holds its players' actions back since it stood still. Any thread. */
    public boolean holding() {
        return holdingSinceNanos != 0;
    }

    /**
     * Whether, at {@code nowNanos}, the map stands still or stood still a few seconds ago: its players' frames of
     * those seconds arrive at once and are no flood. Any thread.
     */
    public boolean stoodStill(final long nowNanos) {
        final long stall = stallAsOf(nowNanos);
        return stall != 0 && nowNanos - stall < STALL_FORGIVEN_NANOS;
    }

    private boolean tickedOnce() {
        return lastTickNanos != 0;
    }

    /** Player actions dropped while holding. Tick thread (tests read it after the fact). */
    public long heldBack() {
        return heldBack;
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
