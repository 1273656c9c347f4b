package io.realmcluster.dataplane.pipeline;

import java.nio.ByteBuffer;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The inbox of one map instance: network threads, the transfer service and the node's assignment
 * applier write, the map's tick thread alone reads. A full ring refuses the input (the producer counts and drops it) rather than
 * blocking a network thread.
 */
public final class Ingress {
    private final ManyToOneRingBuffer ring;

    private Ingress(final ManyToOneRingBuffer ring) {
        this.ring = ring;
    }

    /** A ring holding about {@code capacityBytes} of messages (rounded up to a power of two). */
    public static Ingress allocate(final int capacityBytes) {
        final int capacity = BitUtil.findNextPositivePowerOfTwo(capacityBytes) + RingBufferDescriptor.TRAILER_LENGTH;
        return new Ingress(new ManyToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(capacity))));
    }

    /** Copy one input in; false when the ring is full. Any thread. */
    public boolean offer(final int type, final DirectBuffer buffer, final int offset, final int length) {
        return ring.write(type, buffer, offset, length);
    }

    /**
     * Claim room for one input of {@code type} to encode in place, with {@code claim}, a claim the
     * calling thread owns; check {@link RingClaim#claimed()}, then commit it or let it close.
     * Any thread.
     */
    public RingClaim claim(final RingClaim claim, final int type, final int length) {
        return claim.claim(ring, type, length);
    }

    /** Drain up to {@code limit} inputs. The tick thread only. */
    public int drain(final MessageHandler handler, final int limit) {
        return ring.read(handler, limit);
    }

    /** Bytes waiting, for metrics; approximate while producers write. */
    public int depth() {
        return ring.size();
    }
}
