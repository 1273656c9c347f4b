package io.realmcluster.dataplane.pipeline;

import java.nio.ByteBuffer;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * What one map sends its players: the map's tick thread writes frame bodies addressed to a client
 * session, the node's egress thread alone drains them onto sockets. A full ring drops the frame
 * and counts it rather than stall the tick.
 *
 * <p>A message's body: session index i32, entity id i64 (so a frame for a session that closed
 * and whose index was reused is dropped), then the frame body.
 */
public final class Outbox {
    /** Deliver the frame. */
    public static final int FRAME = 1;
    /** Deliver the frame, then close the session (a refused join). */
    public static final int FRAME_THEN_CLOSE = 2;
    /**
     * Not a frame: the player on a cell of a split continent nears the boundary with its neighbour on the side the
     * body's one byte names ({@code Cells.WEST} or {@code Cells.EAST}); its session tells its client to stand by
     * there, so that crossing over needs no reconnect.
     */
    public static final int STAND_BY_CELL = 3;

    public static final int SESSION_OFFSET = 0;
    public static final int ENTITY_OFFSET = 4;
    public static final int BODY_OFFSET = 12;

    private final OneToOneRingBuffer ring;
    private final UnsafeBuffer scratch;
    private long dropped;

    private Outbox(final OneToOneRingBuffer ring, final int maxBody) {
        this.ring = ring;
        this.scratch = new UnsafeBuffer(new byte[BODY_OFFSET + maxBody]);
    }

    /** A ring of about {@code capacityBytes} (rounded up to a power of two) for bodies up to {@code maxBody}. */
    public static Outbox allocate(final int capacityBytes, final int maxBody) {
        final int capacity = BitUtil.findNextPositivePowerOfTwo(capacityBytes) + RingBufferDescriptor.TRAILER_LENGTH;
        return new Outbox(new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(capacity))), maxBody);
    }

    /** The tick thread's buffer to encode a body into, at {@link #BODY_OFFSET}; send with {@link #send}. */
    public UnsafeBuffer scratch() {
        return scratch;
    }

    /** Send the body of {@code bodyLength} bytes encoded in {@link #scratch()}; false (and counted) when full. */
    public boolean send(final int type, final int session, final long entity, final int bodyLength) {
        scratch.putInt(SESSION_OFFSET, session);
        scratch.putLong(ENTITY_OFFSET, entity);
        if (ring.write(type, scratch, 0, BODY_OFFSET + bodyLength)) {
            return true;
        }
        dropped++;
        return false;
    }

    /** Drain up to {@code limit} messages. The egress thread only. */
    public int drain(final MessageHandler handler, final int limit) {
        return ring.read(handler, limit);
    }

    /** Frames dropped because the ring was full. Tick thread (metrics read it racily, which is fine for a counter). */
    public long dropped() {
        return dropped;
    }

    public static int session(final DirectBuffer buffer, final int index) {
        return buffer.getInt(index + SESSION_OFFSET);
    }
}
