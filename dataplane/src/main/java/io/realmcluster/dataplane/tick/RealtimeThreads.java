package io.realmcluster.dataplane.tick;

import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's tick threads at one real-time priority, or at ordinary priority when off. Each thread
 * asks for it as it starts; a thread the kernel refuses runs at ordinary priority. The first
 * refusal is logged with what the node needs, and the last grant of those expected is logged too.
 *
 * <p>Only threads whose work per wake-up is bounded and measured belong at a real-time priority.
 * The egress thread, which takes the ticks' frames to the network threads, does not: its work is
 * whatever the ticks produced, and at real-time priority with 5,000 bots it kept a core from the
 * network threads, so that logins timed out. Left ordinary behind real-time ticks, it fell behind
 * and the maps' outboxes dropped frames. So when real-time is on it runs as an ordinary thread
 * weighted {@link #EGRESS_NICE} in the fair scheduler: ahead of most, and still sharing
 * (bench/RESULTS.md, bots).
 */
public final class RealtimeThreads {
    private static final Logger LOG = LoggerFactory.getLogger(RealtimeThreads.class);

    /** Ordinary priority for every thread. */
    public static final RealtimeThreads OFF = new RealtimeThreads(0, 0);

    /** The egress thread's nice value when real-time is on. */
    public static final int EGRESS_NICE = -10;

    private final int priority;
    private final int expected;
    private final AtomicInteger granted = new AtomicInteger();
    private final AtomicReference<String> refused = new AtomicReference<>();

    /**
     * @param priority the SCHED_FIFO priority, {@link RealtimePriority#MIN} to {@link RealtimePriority#MAX}, or 0 for off
     * @param expected how many threads will ask, for the log line once all got it
     */
    public RealtimeThreads(final int priority, final int expected) {
        this.priority = priority == 0 ? 0 : RealtimePriority.requireValid(priority, "real-time priority (or 0, off)");
        this.expected = expected;
    }

    /** Threads that ask for the priority before they run their work (plain threads when off). */
    public ThreadFactory factory() {
        return beforeWork(() ->
                RealtimePriority.applyToCurrentThread(priority).ifPresentOrElse(this::onRefused, this::onGranted));
    }

    /** The egress thread: weighted {@link #EGRESS_NICE} when real-time is on (a plain thread when off). */
    public ThreadFactory egressFactory() {
        return beforeWork(() -> RealtimePriority.niceCurrentThread(EGRESS_NICE)
                .ifPresentOrElse(
                        why -> LOG.warn("the egress thread runs at nice 0: {}", why),
                        () -> LOG.info("the egress thread at nice {}", EGRESS_NICE)));
    }

    /** Threads that run {@code setup} on themselves before their work when real-time is on; plain threads when off. */
    private ThreadFactory beforeWork(final Runnable setup) {
        if (priority == 0) {
            return Thread::new;
        }
        return work -> new Thread(() -> {
            setup.run();
            work.run();
        });
    }

    private void onGranted() {
        if (granted.incrementAndGet() == expected) {
            LOG.info("{} tick threads at real-time priority {} (SCHED_FIFO)", expected, priority);
        }
    }

    private void onRefused(final String why) {
        if (refused.compareAndSet(null, why)) {
            LOG.warn("tick threads run at ordinary priority: {}", why);
        }
    }

    /** Threads running at the real-time priority. */
    public int granted() {
        return granted.get();
    }

    /** Why the kernel refused a thread its priority, if it did. */
    public Optional<String> refused() {
        return Optional.ofNullable(refused.get());
    }
}
