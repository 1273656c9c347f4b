package io.realmcluster.bench.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every queue the ingress benchmark measures must be a correct ingress, or its numbers mean
 * nothing: each input arrives once, intact, in its producer's order; a full queue refuses.
 */
class IngressQueueDeliveryTest {
    private static final int PRODUCERS = 2;
    private static final int PER_PRODUCER = 200_000;

    @ParameterizedTest
    @EnumSource(IngressCandidate.class)
    void everyInputArrivesExactlyOnceIntactInItsProducersOrder(final IngressCandidate candidate) throws Exception {
        final IngressQueue queue = candidate.create();
        final Checker checker = new Checker(PRODUCERS);
        final AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        final List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            final int entity = p;
            final Thread producer = new Thread(() -> produce(queue, entity, PER_PRODUCER), "producer-" + p);
            producer.setUncaughtExceptionHandler((t, e) -> producerFailure.set(e));
            producers.add(producer);
            producer.start();
        }

        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        final Backoff backoff = new Backoff();
        while (checker.total < (long) PRODUCERS * PER_PRODUCER) {
            if (queue.drain(checker, IngressCandidate.BATCH) == 0) {
                if (System.nanoTime() > deadline || producerFailure.get() != null) {
                    fail(
                            candidate + ": received " + checker.total + " of " + PRODUCERS * PER_PRODUCER,
                            producerFailure.get());
                }
                backoff.idle();
            } else {
                backoff.reset();
            }
        }
        for (final Thread producer : producers) {
            producer.join(TimeUnit.SECONDS.toMillis(10));
        }

        assertThat(producerFailure.get()).isNull();
        assertThat(drainAll(queue, checker))
                .as("inputs after the last one sent")
                .isZero();
        assertThat(checker.nextSequence).containsOnly(PER_PRODUCER);
    }

    @ParameterizedTest
    @EnumSource(IngressCandidate.class)
    void aFullQueueRefusesAndARetryDeliversTheInputOnce(final IngressCandidate candidate) {
        final IngressQueue queue = candidate.create();
        final IngressQueue.Sender sender = queue.newSender();
        int sent = 0;
        while (offer(sender, 0, sent)) {
            sent++;
        }
        assertThat(sent).isEqualTo(queue.capacityInMessages());
        assertThat(offer(sender, 0, sent)).as("still full").isFalse();

        final Checker checker = new Checker(1);
        assertThat(queue.drain(checker, 1)).isEqualTo(1);
        assertThat(offer(sender, 0, sent)).as("retry of the refused input").isTrue();
        assertThat(drainAll(queue, checker)).isEqualTo(sent);
        assertThat(checker.nextSequence[0]).isEqualTo(sent + 1);
    }

    /** Until empty: a ring's drain stops at the end of its buffer and takes the wrapped part next time. */
    private static int drainAll(final IngressQueue queue, final MoveSink sink) {
        int total = 0;
        int count;
        while ((count = queue.drain(sink, Integer.MAX_VALUE)) > 0) {
            total += count;
        }
        return total;
    }

    private static void produce(final IngressQueue queue, final int entity, final int count) {
        final IngressQueue.Sender sender = queue.newSender();
        final Backoff backoff = new Backoff();
        for (int sequence = 0; sequence < count; sequence++) {
            while (!offer(sender, entity, sequence)) {
                backoff.idle();
            }
            backoff.reset();
        }
    }

    /** Every field derived from entity and sequence, so the checker can tell a torn or mixed-up input. */
    private static boolean offer(final IngressQueue.Sender sender, final int entity, final int sequence) {
        return sender.offer(
                entity, sequence, sequence * 0.5f, entity + 0.25f, -sequence, entity * 2f, sequence ^ entity);
    }

    /** Consumer-side check: per entity, the next sequence expected, and the fields that go with it. */
    private static final class Checker implements MoveSink {
        final int[] nextSequence;
        long total;

        Checker(final int producers) {
            nextSequence = new int[producers];
        }

        @Override
        public void onMove(
                final long entityId,
                final int sequence,
                final float x,
                final float y,
                final float z,
                final float orientation,
                final int flags) {
            final int entity = (int) entityId;
            if (entityId < 0 || entityId >= nextSequence.length) {
                throw new AssertionError("unknown entity " + entityId);
            }
            if (sequence != nextSequence[entity]) {
                throw new AssertionError(
                        "entity " + entity + ": expected sequence " + nextSequence[entity] + ", got " + sequence);
            }
            if (x != sequence * 0.5f
                    || y != entity + 0.25f
                    || z != -sequence
                    || orientation != entity * 2f
                    || flags != (sequence ^ entity)) {
                throw new AssertionError("entity " + entity + " sequence " + sequence + ": fields do not match");
            }
            nextSequence[entity]++;
            total++;
        }
    }
}
