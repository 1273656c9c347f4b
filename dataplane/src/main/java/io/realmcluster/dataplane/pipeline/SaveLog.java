package io.realmcluster.dataplane.pipeline;

import java.nio.ByteBuffer;
import org.agrona.BitUtil;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * What the node's maps want saved, in the order they changed it: every map's tick thread writes
 * {@link Saves} records in place, the node's saver alone drains them into the database. A full log
 * refuses the record; the map then keeps the character dirty (a snapshot) or refuses the action (a
 * loot), so nothing is confirmed that could be lost.
 */
public final class SaveLog {
    private final ManyToOneRingBuffer ring;
    /** Written by the saver alone, read by the tick threads: one volatile field, no lock. */
    private volatile boolean unavailable;

    private SaveLog(final ManyToOneRingBuffer ring) {
        this.ring = ring;
    }

    /** A log of about {@code capacityBytes}, rounded up to a power of two. */
    public static SaveLog allocate(final int capacityBytes) {
        final int capacity = BitUtil.findNextPositivePowerOfTwo(capacityBytes) + RingBufferDescriptor.TRAILER_LENGTH;
        return new SaveLog(new ManyToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(capacity))));
    }

    /**
     * Claim room for a record of {@code type} with {@code claim}, a claim the calling thread owns;
     * check {@link RingClaim#claimed()}, then commit it or let it close.
     */
    public RingClaim claim(final RingClaim claim, final int type) {
        return claim.claim(ring, type, Saves.length(type));
    }

    /** Drain up to {@code limit} records. The saver only. */
    public int drain(final MessageHandler handler, final int limit) {
        return ring.read(handler, limit);
    }

    /**
     * Set by the saver while the database has not taken a save for a while: the maps then refuse what must be
     * durable before it is shown (loots, item changes, trades) rather than leave it unconfirmed.
     */
    public void unavailable(final boolean unavailable) {
        this.unavailable = unavailable;
    }

    /** Whether the saver says the database is not taking saves now. Any thread. */
    public boolean unavailable() {
        return unavailable;
    }

    /** Bytes waiting to be drained. Any thread. */
    public int pendingBytes() {
        return ring.size();
    }
}
