package io.realmcluster.dataplane.tick;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realmcluster.dataplane.pipeline.Ingress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;

/** Maps join and leave real tick threads while they run. */
class TickSchedulerTest {

    @Test
    void mapsAddedAtRunTimeTickOnTheLeastBusyThreadAndStopWhenRemoved() {
        final List<Throwable> errors = new ArrayList<>();
        try (TickScheduler scheduler = new TickScheduler(2, errors::add)) {
            final Counting a = new Counting();
            final Counting b = new Counting();
            final Counting c = new Counting();
            final MapAgent agentA = agent("a", a);
            final MapAgent agentB = agent("b", b);
            scheduler.add(agentA);
            scheduler.add(agentB);
            scheduler.add(agent("c", c));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> a.ticks.get() > 5 && b.ticks.get() > 5 && c.ticks.get() > 5);
            // a and b were placed on different threads.
            assertThat(a.thread).isNotEqualTo(b.thread);

            scheduler.remove(agentA);
            final long stoppedAt = a.ticks.get();
            await().during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> a.ticks.get() == stoppedAt);
            assertThat(b.ticks.get()).isGreaterThan(5);
            assertThat(errors).isEmpty();
        }
    }

    @Test
    void tickThreadsAskedForARealtimePriorityTickAtItOrSayWhyNot() {
        final List<Throwable> errors = new ArrayList<>();
        final RealtimeThreads realtime = new RealtimeThreads(7, 2);
        try (TickScheduler scheduler = new TickScheduler(2, realtime, errors::add)) {
            final Counting a = new Counting();
            final Counting b = new Counting();
            scheduler.add(agent("a", a));
            scheduler.add(agent("b", b));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.ticks.get() > 2 && b.ticks.get() > 2);
            if (realtime.refused().isPresent()) {
                // Without CAP_SYS_NICE or an RLIMIT_RTPRIO of 7: ordinary threads, and a reason an operator can act on.
                assertThat(realtime.refused().get()).contains("CAP_SYS_NICE", "RLIMIT_RTPRIO of at least 7");
                assertThat(realtime.granted()).isZero();
                assertThat(a.policy).isEqualTo(RealtimePriority.SCHED_OTHER);
            } else {
                assertThat(realtime.granted()).isEqualTo(2);
                assertThat(a.policy).isEqualTo(RealtimePriority.SCHED_FIFO);
                assertThat(b.policy).isEqualTo(RealtimePriority.SCHED_FIFO);
            }
            assertThat(errors).isEmpty();
        }
        // The threads that asked nothing, and this one, stay ordinary.
        try (TickScheduler scheduler = new TickScheduler(1, errors::add)) {
            final Counting c = new Counting();
            scheduler.add(agent("c", c));
            await().atMost(Duration.ofSeconds(5)).until(() -> c.ticks.get() > 2);
            assertThat(c.policy).isEqualTo(RealtimePriority.SCHED_OTHER);
        }
        assertThat(RealtimePriority.policyOfCurrentThread()).isEqualTo(RealtimePriority.SCHED_OTHER);
    }

    @Test
    void theEgressThreadOfARealtimeNodeIsWeightedAheadOfOrdinaryThreads() throws Exception {
        // Threads start at their creator's nice (not 0 when the tests themselves run under nice).
        final int inherited = RealtimePriority.niceOfCurrentThread();
        final AtomicInteger nice = new AtomicInteger(99);
        final Thread egress = new RealtimeThreads(7, 1)
                .egressFactory()
                .newThread(() -> nice.set(RealtimePriority.niceOfCurrentThread()));
        egress.start();
        egress.join(5_000);
        // Root here gets it; without CAP_SYS_NICE the thread runs at its inherited nice (and the node warns).
        final AtomicBoolean mayRaise = new AtomicBoolean();
        final Thread probe = new Thread(
                () -> mayRaise.set(RealtimePriority.niceCurrentThread(-1).isEmpty()));
        probe.start();
        probe.join(5_000);
        assertThat(nice.get()).isEqualTo(mayRaise.get() ? RealtimeThreads.EGRESS_NICE : inherited);
        final Thread plain =
                RealtimeThreads.OFF.egressFactory().newThread(() -> nice.set(RealtimePriority.niceOfCurrentThread()));
        plain.start();
        plain.join(5_000);
        assertThat(nice.get()).isEqualTo(inherited);
    }

    @Test
    void aPriorityOutsideTheKernelsRangeIsRefusedUpFront() {
        assertThatThrownBy(() -> new RealtimeThreads(100, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 99, got 100");
        assertThatThrownBy(() -> RealtimePriority.applyToCurrentThread(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 99, got 0");
    }

    private static MapAgent agent(final String id, final Counting simulation) {
        return new MapAgent(id, Ingress.allocate(4096), simulation, SystemNanoClock.INSTANCE, 100);
    }

    /** Counts its ticks and remembers its thread. */
    private static final class Counting implements TickSimulation {
        final AtomicLong ticks = new AtomicLong();
        volatile String thread;
        volatile int policy = -2;

        @Override
        public void onInput(final int type, final DirectBuffer buffer, final int offset, final int length) {
            // No inputs here.
        }

        @Override
        public void tick(final long tick, final long nowNanos) {
            thread = Thread.currentThread().getName();
            policy = RealtimePriority.policyOfCurrentThread();
            ticks.incrementAndGet();
        }
    }
}
