package io.realmcluster.dataplane.world;

import io.realmcluster.proto.world.Cells;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * A cell's ghost batches on their way to its neighbours: after each tick the tick thread writes one
 * batch per neighbour ({@link Cells#WEST}, {@link Cells#EAST}) into that side's ring, and the cell link's
 * thread takes the newest of each (an older one is stale the moment a newer exists). A full ring drops
 * the batch and counts it. Single producer (the tick thread), single consumer (the link's thread); no
 * allocation on either side.
 */
public final class GhostOutbox {
    /** The most bytes of one batch: a band of about 1,800 entities; a busier band is cut there (counted). */
    public static final int MAX_BATCH = 64 << 10;

    private static final int MESSAGE = 1;
    private static final int RING_BYTES = 256 << 10;

    private final OneToOneRingBuffer[] rings = new OneToOneRingBuffer[2];
    private final UnsafeBuffer scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_BATCH));
    private final AtomicLong dropped = new AtomicLong();
    /** The link's thread: the newest batch read, copied out of the ring. */
    private final UnsafeBuffer newest = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_BATCH));

    private int newestLength;
    private final MessageHandler keepNewest = (type, buffer, offset, length) -> {
        newest.putBytes(0, buffer, offset, length);
        newestLength = length;
    };

    GhostOutbox() {
        for (int i = 0; i < rings.length; i++) {
            rings[i] = new OneToOneRingBuffer(
                    new UnsafeBuffer(ByteBuffer.allocateDirect(RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
        }
    }

    /** Tick thread: this tick's batch for the neighbour on {@code side}. */
    void publish(final Ghosts ghosts, final int side) {
        final int length = ghosts.export(side, scratch, 0, MAX_BATCH);
        if (length > 0 && !rings[side - 1].write(MESSAGE, scratch, 0, length)) {
            dropped.incrementAndGet();
        }
    }

    /** What the link's thread does with a batch. */
    @FunctionalInterface
    public interface BatchHandler {
        void batch(DirectBuffer buffer, int offset, int length);
    }

    /**
     * The link's thread: hand the newest batch waiting for the neighbour on {@code side} to {@code handler} and drop
     * the older ones; false when none waits.
     */
    public boolean takeNewest(final int side, final BatchHandler handler) {
        newestLength = -1;
        rings[side - 1].read(keepNewest);
        if (newestLength < 0) {
            return false;
        }
        handler.batch(newest, 0, newestLength);
        return true;
    }

    /** Batches dropped for a full ring (the link's thread fell behind). */
    public long dropped() {
        return dropped.get();
    }
}
