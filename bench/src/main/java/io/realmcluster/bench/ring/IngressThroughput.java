package io.realmcluster.bench.ring;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * Ingress throughput of a map: producer threads (network threads) offer movement inputs into one
 * bounded queue that one consumer (the tick thread) drains in batches. One group per queue; each
 * producer invocation delivers one message, each consumer invocation one batch, and the consumer's
 * {@link Delivered#messages} counter is the messages/s that the report reads.
 *
 * <p>The producer count is {@code @GroupThreads(2)} here and overridden by the runner's
 * {@code threadGroups} for the 1-producer variant.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IngressThroughput {
    /** A map's ingress ring as the engine builds it. */
    @State(Scope.Group)
    public static class AgronaState {
        IngressQueue queue;

        @Setup(Level.Trial)
        public void create() {
            queue = IngressCandidate.AGRONA.create();
        }
    }

    /** The baseline: one object per input through a lock. */
    @State(Scope.Group)
    public static class BlockingQueueState {
        IngressQueue queue;

        @Setup(Level.Trial)
        public void create() {
            queue = IngressCandidate.ARRAY_BLOCKING_QUEUE.create();
        }
    }

    /** One object per input, lock-free. */
    @State(Scope.Group)
    public static class JctoolsState {
        IngressQueue queue;

        @Setup(Level.Trial)
        public void create() {
            queue = IngressCandidate.JCTOOLS.create();
        }
    }

    /** Preallocated slots, multi-producer sequencer. */
    @State(Scope.Group)
    public static class DisruptorState {
        IngressQueue queue;

        @Setup(Level.Trial)
        public void create() {
            queue = IngressCandidate.DISRUPTOR.create();
        }
    }

    /** One network thread: its own entity id and a sequence per message, so inputs differ as in a real game. */
    @State(Scope.Thread)
    public static class Producer {
        private static final AtomicLong ENTITIES = new AtomicLong();

        final Backoff backoff = new Backoff();
        IngressQueue.Sender sender;
        long entityId;
        int sequence;

        @Setup(Level.Trial)
        public void assignEntity() {
            entityId = ENTITIES.incrementAndGet();
        }
    }

    /** The tick thread: feeds every field of every input into the Blackhole so no read can be dropped. */
    @State(Scope.Thread)
    public static class Consumer implements MoveSink {
        final Backoff backoff = new Backoff();
        Blackhole blackhole;

        @Override
        public void onMove(
                final long entityId,
                final int sequence,
                final float x,
                final float y,
                final float z,
                final float orientation,
                final int flags) {
            blackhole.consume(entityId
                    ^ sequence
                    ^ flags
                    ^ Float.floatToRawIntBits(x)
                    ^ Float.floatToRawIntBits(y)
                    ^ Float.floatToRawIntBits(z)
                    ^ Float.floatToRawIntBits(orientation));
        }
    }

    /** Messages the consumer took; JMH reports it per second next to the invocation counts. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Delivered {
        public long messages;

        @Setup(Level.Iteration)
        public void reset() {
            messages = 0;
        }
    }

    @Benchmark
    @Group("agrona")
    @GroupThreads(2)
    public void agronaOffer(final AgronaState state, final Producer producer, final Control control) {
        offer(state.queue, producer, control);
    }

    @Benchmark
    @Group("agrona")
    @GroupThreads(1)
    public void agronaPoll(
            final AgronaState state, final Consumer consumer, final Delivered delivered, final Blackhole bh) {
        delivered.messages += drain(state.queue, consumer, bh);
    }

    @Benchmark
    @Group("arrayBlockingQueue")
    @GroupThreads(2)
    public void arrayBlockingQueueOffer(
            final BlockingQueueState state, final Producer producer, final Control control) {
        offer(state.queue, producer, control);
    }

    @Benchmark
    @Group("arrayBlockingQueue")
    @GroupThreads(1)
    public void arrayBlockingQueuePoll(
            final BlockingQueueState state, final Consumer consumer, final Delivered delivered, final Blackhole bh) {
        delivered.messages += drain(state.queue, consumer, bh);
    }

    @Benchmark
    @Group("jctools")
    @GroupThreads(2)
    public void jctoolsOffer(final JctoolsState state, final Producer producer, final Control control) {
        offer(state.queue, producer, control);
    }

    @Benchmark
    @Group("jctools")
    @GroupThreads(1)
    public void jctoolsPoll(
            final JctoolsState state, final Consumer consumer, final Delivered delivered, final Blackhole bh) {
        delivered.messages += drain(state.queue, consumer, bh);
    }

    @Benchmark
    @Group("disruptor")
    @GroupThreads(2)
    public void disruptorOffer(final DisruptorState state, final Producer producer, final Control control) {
        offer(state.queue, producer, control);
    }

    @Benchmark
    @Group("disruptor")
    @GroupThreads(1)
    public void disruptorPoll(
            final DisruptorState state, final Consumer consumer, final Delivered delivered, final Blackhole bh) {
        delivered.messages += drain(state.queue, consumer, bh);
    }

    /**
     * One message, retried with the shared backoff while the queue is full. Gives up only when the
     * iteration is over: the consumer may already have stopped, and waiting would hang the run.
     */
    private static void offer(final IngressQueue queue, final Producer p, final Control control) {
        IngressQueue.Sender sender = p.sender;
        if (sender == null) {
            // Made here, not in a @Setup: the thread state is shared by all groups, the queue is not.
            sender = queue.newSender();
            p.sender = sender;
        }
        final int sequence = p.sequence++;
        final float position = sequence;
        while (!sender.offer(p.entityId, sequence, position, position + 1f, position + 2f, 0.5f, sequence & 0xF)) {
            if (control.stopMeasurement) {
                return;
            }
            p.backoff.idle();
        }
        p.backoff.reset();
    }

    private static int drain(final IngressQueue queue, final Consumer consumer, final Blackhole bh) {
        consumer.blackhole = bh;
        final int count = queue.drain(consumer, IngressCandidate.BATCH);
        if (count == 0) {
            consumer.backoff.idle();
        } else {
            consumer.backoff.reset();
        }
        return count;
    }
}
