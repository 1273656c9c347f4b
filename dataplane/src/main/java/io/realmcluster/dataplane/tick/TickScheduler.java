package io.realmcluster.dataplane.tick;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.DynamicCompositeAgent;
import org.agrona.concurrent.SleepingIdleStrategy;

/**
 * The node's tick threads: a few threads (one per core by default), each running many maps as one
 * composite agent, parking between ticks so no thread spins. Maps are added and removed while the
 * threads run; a new map goes to the thread with the fewest maps. The threads can run at a real-time
 * priority ({@link RealtimePriority}), so that their ticks do not wait behind the rest of the machine.
 *
 * <p>{@link #add} and {@link #remove} are called from one control thread (the node's session);
 * the hand-over to a tick thread is Agrona's, without locks on the tick path.
 */
public final class TickScheduler implements AutoCloseable {
    /** Tick threads wake this often to see whether a map's tick is due: the schedule's jitter. */
    private static final long PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private static final long HANDOVER_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final List<DynamicCompositeAgent> composites = new ArrayList<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final Map<MapAgent, DynamicCompositeAgent> placed = new HashMap<>();
    private final int[] counts;
    private final AtomicLong errors = new AtomicLong();

    /** Tick threads at ordinary priority. */
    public TickScheduler(final int threads, final ErrorHandler errorHandler) {
        this(threads, RealtimeThreads.OFF, errorHandler);
    }

    /** Tick threads made by {@code realtime}: at its priority, when it is on and the kernel grants it. */
    public TickScheduler(final int threads, final RealtimeThreads realtime, final ErrorHandler errorHandler) {
        counts = new int[threads];
        final ErrorHandler counting = error -> {
            errors.incrementAndGet();
            errorHandler.onError(error);
        };
        for (int i = 0; i < threads; i++) {
            final DynamicCompositeAgent composite = new DynamicCompositeAgent("tick-" + i);
            final AgentRunner runner = new AgentRunner(new SleepingIdleStrategy(PARK_NANOS), counting, null, composite);
            composites.add(composite);
            runners.add(runner);
            AgentRunner.startOnThread(runner, realtime.factory());
        }
        // A composite takes agents only once its thread runs it.
        for (final DynamicCompositeAgent composite : composites) {
            final long deadline = System.nanoTime() + HANDOVER_DEADLINE_NANOS;
            while (composite.status() != DynamicCompositeAgent.Status.ACTIVE) {
                waitOrFail(deadline, "start " + composite.roleName());
            }
        }
    }

    /** Start ticking {@code agent} on the least busy thread; returns once that thread has it. */
    public void add(final MapAgent agent) {
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] < counts[best]) {
                best = i;
            }
        }
        final DynamicCompositeAgent composite = composites.get(best);
        handOver(() -> composite.tryAdd(agent), composite::hasAddAgentCompleted, "add " + agent.roleName());
        placed.put(agent, composite);
        counts[best]++;
    }

    /** Stop ticking {@code agent}; returns once its thread let go of it. */
    public void remove(final MapAgent agent) {
        final DynamicCompositeAgent composite = placed.remove(agent);
        if (composite == null) {
            return;
        }
        handOver(() -> composite.tryRemove(agent), composite::hasRemoveAgentCompleted, "remove " + agent.roleName());
        counts[composites.indexOf(composite)]--;
    }

    /** Errors thrown by maps' ticks so far (each is also passed to the error handler). */
    public long errors() {
        return errors.get();
    }

    public int threads() {
        return composites.size();
    }

    private static void handOver(final BooleanSupplier offer, final BooleanSupplier done, final String what) {
        final long deadline = System.nanoTime() + HANDOVER_DEADLINE_NANOS;
        while (!offer.getAsBoolean()) {
            waitOrFail(deadline, what);
        }
        while (!done.getAsBoolean()) {
            waitOrFail(deadline, what);
        }
    }

    private static void waitOrFail(final long deadline, final String what) {
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("tick thread did not " + what + " within 5 s");
        }
        LockSupport.parkNanos(PARK_NANOS);
    }

    @Override
    public void close() {
        for (final AgentRunner runner : runners) {
            runner.close();
        }
    }
}
