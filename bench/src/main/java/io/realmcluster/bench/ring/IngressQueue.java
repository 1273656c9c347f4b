package io.realmcluster.bench.ring;

/**
 * A bounded many-producer, one-consumer queue of movement inputs, as a map's ingress would use it:
 * each network thread offers through its own {@link Sender} without blocking, the tick thread
 * drains in batches.
 */
public abstract sealed class IngressQueue
        permits AgronaRingIngress, BlockingQueueIngress, JctoolsIngress, DisruptorIngress {

    /** A producer's handle; one per producer thread, used by that thread only. */
    public interface Sender {
        /**
         * Enqueue one movement input; false when full, and the caller retries the same input later
         * (an object queue keeps the object it allocated for that retry).
         */
        boolean offer(long entityId, int sequence, float x, float y, float z, float orientation, int flags);
    }

    /** A handle for one producer thread. */
    public abstract Sender newSender();

    /** Hand up to {@code limit} inputs to {@code sink} in arrival order; returns how many. The consumer thread only. */
    public abstract int drain(MoveSink sink, int limit);

    /** Movement inputs it holds when full. */
    public abstract int capacityInMessages();

    /** A short label for reports. */
    public abstract String label();
}
