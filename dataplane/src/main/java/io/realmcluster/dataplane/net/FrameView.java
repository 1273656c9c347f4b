package io.realmcluster.dataplane.net;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.realmcluster.proto.client.ClientProtocol;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A frame's body seen where Netty read it, without copying: a session holds no buffer of its own, so a flood
 * of connections costs the node little memory. One per session, used on its event loop.
 */
final class FrameView {
    /** Where a body that is not one contiguous piece of memory is gathered to be decoded; rare. */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[ClientProtocol.MAX_BODY];
        }
    };

    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

    /** The {@code length} readable bytes of {@code body}, valid until {@code body} is released. */
    DirectBuffer wrap(final ByteBuf body, final int length) {
        if (body.hasMemoryAddress()) {
            view.wrap(body.memoryAddress() + body.readerIndex(), length);
        } else if (body.hasArray()) {
            view.wrap(body.array(), body.arrayOffset() + body.readerIndex(), length);
        } else {
            final byte[] scratch = SCRATCH.get();
            body.getBytes(body.readerIndex(), scratch, 0, length);
            view.wrap(scratch, 0, length);
        }
        return view;
    }
}
