package io.realmcluster.dataplane.tick;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
            await().atMost(Duration.ofSeconds(5)).until(() -> a.ticks.get() > 5 && b.ticks.get() > 5 && c.ticks.get() > 5);
            // a and b were placed on different threads.
            assertThat(a.thread).isNotEqualTo(b.thread);

            scheduler.remove(agentA);
            final long stoppedAt = a.ticks.get();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> a.ticks.get() == stoppedAt);
            assertThat(b.ticks.get()).isGreaterThan(5);
            assertThat(errors).isEmpty();
        }
    }

    private static MapAgent agent(final String id, final Counting simulation) {
        return new MapAgent(id, Ingress.allocate(4096), simulation, SystemNanoClock.INSTANCE, 100);
    }

    /** Counts its ticks and remembers its thread. */
    private static final class Counting implements TickSimulation {
        final AtomicLong ticks = new AtomicLong();
        volatile String thread;

        @Override
        public void onInput(final int type, final DirectBuffer buffer, final int offset, final int length) {
            // No inputs here.
        }

        @Override
        public void tick(final long tick, final long nowNanos) {
            thread = Thread.currentThread().getName();
            ticks.incrementAndGet();
        }
    }
}
