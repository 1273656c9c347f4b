package io.realmcluster.bench.ring;

import java.util.function.Supplier;

/**
 * The queues the ingress benchmark compares, each built at the size used in the benchmark: the
 * ring with 64 KiB of data (1,638 movement records), the others with 2,048 slots (the power of two
 * the JCTools queue and the Disruptor demand). The benchmark, its runner and the delivery test
 * all build them here.
 */
public enum IngressCandidate {
    AGRONA("agrona", () -> new AgronaRingIngress(IngressCandidate.RING_BYTES)),
    ARRAY_BLOCKING_QUEUE(
            "arrayBlockingQueue", () -> new BlockingQueueIngress(IngressCandidate.QUEUE_SLOTS, IngressCandidate.BATCH)),
    JCTOOLS("jctools", () -> new JctoolsIngress(IngressCandidate.QUEUE_SLOTS)),
    DISRUPTOR("disruptor", () -> new DisruptorIngress(IngressCandidate.QUEUE_SLOTS));

    /** Data capacity of the ring, as in the brief for a map's ingress. */
    public static final int RING_BYTES = 64 * 1024;
    /** Slots of the object queues and the Disruptor. */
    public static final int QUEUE_SLOTS = 2048;
    /** Most inputs the consumer takes per drain call, the same for every queue. */
    public static final int BATCH = 256;

    private final String group;
    private final Supplier<IngressQueue> factory;

    IngressCandidate(final String group, final Supplier<IngressQueue> factory) {
        this.group = group;
        this.factory = factory;
    }

    /** The {@code @Group} of its benchmark in {@link IngressThroughput}. */
    public String group() {
        return group;
    }

    public IngressQueue create() {
        return factory.get();
    }
}
