package io.realmcluster.bench.ring;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;

/**
 * LMAX Disruptor: a multi-producer {@link RingBuffer} of preallocated, mutable slots (no object
 * per message), drained on the caller's thread by an {@link EventPoller} so that the tick thread
 * stays in control, as the map agent must.
 */
public final class DisruptorIngress extends IngressQueue implements IngressQueue.Sender {
    private final RingBuffer<Slot> ring;
    private final EventPoller<Slot> poller;
    private final BatchHandler handler = new BatchHandler();

    /** {@code capacity} must be a power of two. */
    public DisruptorIngress(final int capacity) {
        // The wait strategy is never waited on (the poller does not block); the yielding one keeps
        // publish() free of the lock and signal that the default blocking strategy would add.
        ring = RingBuffer.createMultiProducer(Slot::new, capacity, new YieldingWaitStrategy());
        poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
    }

    /** No per-producer state: every producer claims in the shared ring. */
    @Override
    public Sender newSender() {
        return this;
    }

    @Override
    public boolean offer(
            final long entityId,
            final int sequence,
            final float x,
            final float y,
            final float z,
            final float orientation,
            final int flags) {
        final long claimed;
        try {
            claimed = ring.tryNext();
        } catch (final InsufficientCapacityException full) {
            return false;
        }
        final Slot slot = ring.get(claimed);
        slot.entityId = entityId;
        slot.sequence = sequence;
        slot.x = x;
        slot.y = y;
        slot.z = z;
        slot.orientation = orientation;
        slot.flags = flags;
        ring.publish(claimed);
        return true;
    }

    @Override
    public int drain(final MoveSink sink, final int limit) {
        handler.begin(sink, limit);
        try {
            poller.poll(handler);
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Exception e) {
            throw new IllegalStateException("poll failed", e);
        }
        return handler.count;
    }

    @Override
    public int capacityInMessages() {
        return ring.getBufferSize();
    }

    @Override
    public String label() {
        return "LMAX Disruptor";
    }

    /** One preallocated slot of the ring, overwritten by each producer that claims it. */
    static final class Slot {
        long entityId;
        int sequence;
        float x;
        float y;
        float z;
        float orientation;
        int flags;
    }

    /** Stops the poller after {@code limit} events so that batches are bounded as for the other queues. */
    private static final class BatchHandler implements EventPoller.Handler<Slot> {
        private MoveSink sink;
        private int limit;
        int count;

        void begin(final MoveSink sink, final int limit) {
            this.sink = sink;
            this.limit = limit;
            count = 0;
        }

        @Override
        public boolean onEvent(final Slot s, final long sequence, final boolean endOfBatch) {
            sink.onMove(s.entityId, s.sequence, s.x, s.y, s.z, s.orientation, s.flags);
            return ++count < limit;
        }
    }
}
