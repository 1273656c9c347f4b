package io.realmcluster.bench.ring;

import java.util.Queue;

/**
 * A producer's handle on a queue of {@link MoveInput} objects: one allocation per input, kept
 * across retries while the queue is full, so a full queue costs the object queues no extra garbage.
 */
final class ObjectSender implements IngressQueue.Sender {
    private final Queue<MoveInput> queue;
    private MoveInput pending;

    ObjectSender(final Queue<MoveInput> queue) {
        this.queue = queue;
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
        MoveInput input = pending;
        if (input == null || input.sequence() != sequence || input.entityId() != entityId) {
            input = new MoveInput(entityId, sequence, x, y, z, orientation, flags);
        }
        if (queue.offer(input)) {
            pending = null;
            return true;
        }
        pending = input;
        return false;
    }
}
