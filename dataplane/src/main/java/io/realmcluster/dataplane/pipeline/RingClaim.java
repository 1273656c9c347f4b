package io.realmcluster.dataplane.pipeline;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * A claim on room for one message in a ring, encoded in place and then committed; closing a claim
 * that was not committed aborts it, so a producer whose encoding throws leaves a padding record
 * instead of a claim that stalls the ring's reader forever. One producer thread owns an instance
 * and reuses it for every message (no allocation per message), as Aeron's {@code BufferClaim}:
 *
 * <pre>{@code
 * try (RingClaim claim = ingress.claim(this.claim, Inputs.MOVE, Inputs.MOVE_LENGTH)) {
 *     if (!claim.claimed()) {
 *         return false; // full
 *     }
 *     Inputs.encodeMove(claim.buffer(), claim.index(), ...);
 *     claim.commit();
 * }
 * }</pre>
 */
public final class RingClaim implements AutoCloseable {
    private RingBuffer ring;
    private int index = -1;

    /** Claim {@code length} bytes for a message of {@code type}; see {@link #claimed()}. */
    RingClaim claim(final RingBuffer ring, final int type, final int length) {
        if (index >= 0) {
            throw new IllegalStateException("the claim at " + index + " is still open: commit or close it first");
        }
        this.ring = ring;
        this.index = ring.tryClaim(type, length);
        return this;
    }

    /** Whether the ring had room: false when full, and then there is nothing to encode or commit. */
    public boolean claimed() {
        return index >= 0;
    }

    /** The ring's buffer, to encode the message into at {@link #index()}. */
    public AtomicBuffer buffer() {
        return ring.buffer();
    }

    /** Where the message's body starts in {@link #buffer()}. */
    public int index() {
        return index;
    }

    /** Publish the encoded message to the ring's reader. */
    public void commit() {
        if (index < 0) {
            throw new IllegalStateException("nothing claimed to commit");
        }
        final int claimedAt = index;
        index = -1;
        ring.commit(claimedAt);
    }

    /** Abort the claim if it was not committed: the reader skips it. */
    @Override
    public void close() {
        if (index >= 0) {
            final int claimedAt = index;
            index = -1;
            ring.abort(claimedAt);
        }
    }
}
