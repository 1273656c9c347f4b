package io.realmcluster.proto.client;

import java.util.Locale;

/** Why a frame was refused; the label is the metrics' {@code reason}. */
public enum FrameError {
    /** A body of zero bytes: no opcode. */
    EMPTY,
    /** A length prefix above {@link ClientProtocol#MAX_BODY}. */
    OVERSIZED,
    /** An opcode this direction of the protocol does not have. */
    UNKNOWN_OPCODE,
    /** A body shorter or longer than its message's fields say. */
    BAD_LENGTH,
    /** A field out of its range (a zero-length token, a count past the body). */
    BAD_FIELD,
    /** A HELLO for a protocol version the node does not serve. */
    WRONG_VERSION,
    /** A datagram from an address no session is bound to, or with a wrong cookie. */
    UNBOUND_DATAGRAM,
    /** A valid datagram past its session's rate (the same frames per second as TCP): dropped. */
    DATAGRAM_FLOOD,
    /**
     * A frame past its session's rate that arrived as the node came back from standing still (its maps did not
     * tick for seconds, and the frames its players sent meanwhile arrive at once): dropped, not taken for a flood.
     */
    AFTER_STALL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
