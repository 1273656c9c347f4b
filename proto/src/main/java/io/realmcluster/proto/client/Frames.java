package io.realmcluster.proto.client;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** The TCP framing: a little-endian u16 body length in front of each body. */
public final class Frames {
    private Frames() {}

    /** Write the length prefix of a body already encoded at {@code frameOffset + 2}; returns the frame's length. */
    public static int prefix(final MutableDirectBuffer buffer, final int frameOffset, final int bodyLength) {
        if (bodyLength < 1 || bodyLength > ClientProtocol.MAX_BODY) {
            throw new IllegalArgumentException(
                    "frame body of " + bodyLength + " bytes; must be 1.." + ClientProtocol.MAX_BODY);
        }
        buffer.putShort(frameOffset, (short) bodyLength, ByteOrder.LITTLE_ENDIAN);
        return ClientProtocol.LENGTH_PREFIX + bodyLength;
    }

    /** The body length a prefix at {@code offset} announces. */
    public static int bodyLength(final DirectBuffer buffer, final int offset) {
        return buffer.getShort(offset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }
}
