package io.realmcluster.bench.ring;

import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;

/** JCTools' lock-free {@link MpscArrayQueue} of one object per input: the same objects as the baseline, no lock. */
public final class JctoolsIngress extends IngressQueue {
    private final MpscArrayQueue<MoveInput> queue;
    private final Unpacker unpacker = new Unpacker();

    /** {@code capacity} is rounded up to a power of two by the queue. */
    public JctoolsIngress(final int capacity) {
        queue = new MpscArrayQueue<>(capacity);
    }

    @Override
    public Sender newSender() {
        return new ObjectSender(queue);
    }

    @Override
    public int drain(final MoveSink sink, final int limit) {
        unpacker.sink = sink;
        return queue.drain(unpacker, limit);
    }

    @Override
    public int capacityInMessages() {
        return queue.capacity();
    }

    @Override
    public String label() {
        return "JCTools MpscArrayQueue";
    }

    private static final class Unpacker implements MessagePassingQueue.Consumer<MoveInput> {
        MoveSink sink;

        @Override
        public void accept(final MoveInput m) {
            sink.onMove(m.entityId(), m.sequence(), m.x(), m.y(), m.z(), m.orientation(), m.flags());
        }
    }
}
