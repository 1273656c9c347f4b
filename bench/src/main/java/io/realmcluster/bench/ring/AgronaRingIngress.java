package io.realmcluster.bench.ring;

import io.realmcluster.dataplane.pipeline.Inputs;
import java.nio.ByteBuffer;
import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The engine's ingress: an Agrona {@link ManyToOneRingBuffer} over off-heap memory, producers
 * encoding the engine's movement layout ({@link Inputs#encodeMove}) in place with tryClaim/commit,
 * no object per message.
 */
public final class AgronaRingIngress extends IngressQueue implements IngressQueue.Sender {
    private final ManyToOneRingBuffer ring;
    private final AtomicBuffer buffer;
    private final Decoder decoder = new Decoder();

    /** A ring of {@code capacityBytes} (a power of two) plus the ring's trailer. */
    public AgronaRingIngress(final int capacityBytes) {
        if (!BitUtil.isPowerOfTwo(capacityBytes)) {
            throw new IllegalArgumentException("ring capacity must be a power of two: " + capacityBytes);
        }
        ring = new ManyToOneRingBuffer(
                new UnsafeBuffer(ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        buffer = ring.buffer();
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
        final int index = ring.tryClaim(Inputs.MOVE, Inputs.MOVE_LENGTH);
        if (index < 0) {
            return false;
        }
        Inputs.encodeMove(buffer, index, entityId, sequence, x, y, z, orientation, flags);
        ring.commit(index);
        return true;
    }

    @Override
    public int drain(final MoveSink sink, final int limit) {
        decoder.sink = sink;
        return ring.read(decoder, limit);
    }

    @Override
    public int capacityInMessages() {
        return ring.capacity()
                / BitUtil.align(RecordDescriptor.HEADER_LENGTH + Inputs.MOVE_LENGTH, RecordDescriptor.ALIGNMENT);
    }

    @Override
    public String label() {
        return "Agrona ManyToOneRingBuffer";
    }

    /** Reads the fields at their fixed offsets straight from the ring, as the map agent does. */
    private static final class Decoder implements MessageHandler {
        MoveSink sink;

        @Override
        public void onMessage(
                final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length) {
            if (msgTypeId != Inputs.MOVE) {
                throw new IllegalStateException("unexpected message type " + msgTypeId + " at " + index);
            }
            sink.onMove(
                    buffer.getLong(index + Inputs.ENTITY_OFFSET),
                    buffer.getInt(index + Inputs.MOVE_SEQUENCE),
                    buffer.getFloat(index + Inputs.MOVE_X),
                    buffer.getFloat(index + Inputs.MOVE_Y),
                    buffer.getFloat(index + Inputs.MOVE_Z),
                    buffer.getFloat(index + Inputs.MOVE_O),
                    buffer.getInt(index + Inputs.MOVE_FLAGS));
        }
    }
}
