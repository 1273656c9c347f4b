package io.realmcluster.bench.ring;

import java.util.ArrayList;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The baseline a naive engine would write: an {@link ArrayBlockingQueue} of one object per input.
 * Producers use the non-blocking {@code offer} and back off like every other queue here; the
 * consumer takes batches with {@code drainTo} (one lock acquisition per batch, its best case).
 */
public final class BlockingQueueIngress extends IngressQueue {
    private final ArrayBlockingQueue<MoveInput> queue;
    private final ArrayList<MoveInput> batch;

    public BlockingQueueIngress(final int capacity, final int batchLimit) {
        queue = new ArrayBlockingQueue<>(capacity);
        batch = new ArrayList<>(batchLimit);
    }

    @Override
    public Sender newSender() {
        return new ObjectSender(queue);
    }

    @Override
    public int drain(final MoveSink sink, final int limit) {
        final int count = queue.drainTo(batch, limit);
        for (int i = 0; i < count; i++) {
            final MoveInput m = batch.get(i);
            sink.onMove(m.entityId(), m.sequence(), m.x(), m.y(), m.z(), m.orientation(), m.flags());
        }
        batch.clear();
        return count;
    }

    @Override
    public int capacityInMessages() {
        return queue.remainingCapacity() + queue.size();
    }

    @Override
    public String label() {
        return "ArrayBlockingQueue";
    }
}
