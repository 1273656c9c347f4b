package io.realmcluster.tools.bots;

import java.util.Arrays;

/**
 * When each of a bot's last 256 moves was sent and where it said the bot was, so that a
 * SELF_STATE echoing a sequence gives the input-to-state latency and shows a refused move.
 */
final class LatencyRing {
    static final int SLOTS = 256;
    private static final int MASK = SLOTS - 1;

    private final int[] sequences = new int[SLOTS];
    private final long[] sentNanos = new long[SLOTS];
    private final float[] sentX = new float[SLOTS];
    private final float[] sentY = new float[SLOTS];
    private final boolean[] used = new boolean[SLOTS];
    private int lastAcked;

    /** Remember move {@code sequence}, sent at {@code nanos} with the position {@code x, y}. */
    void sent(final int sequence, final long nanos, final float x, final float y) {
        final int slot = sequence & MASK;
        sequences[slot] = sequence;
        sentNanos[slot] = nanos;
        sentX[slot] = x;
        sentY[slot] = y;
        used[slot] = true;
    }

    /**
     * The node applied moves up to {@code acked}: nanoseconds since that move was sent, or -1 when
     * {@code acked} is not newer than the last acknowledged sequence or its slot has been reused.
     */
    long acked(final int acked, final long nowNanos) {
        if (acked - lastAcked <= 0) {
            return -1;
        }
        lastAcked = acked;
        final int slot = acked & MASK;
        if (!used[slot] || sequences[slot] != acked) {
            return -1;
        }
        return Math.max(0, nowNanos - sentNanos[slot]);
    }

    /** Whether the ring still holds move {@code sequence}. */
    boolean holds(final int sequence) {
        final int slot = sequence & MASK;
        return used[slot] && sequences[slot] == sequence;
    }

    float sentX(final int sequence) {
        return sentX[sequence & MASK];
    }

    float sentY(final int sequence) {
        return sentY[sequence & MASK];
    }

    int lastAcked() {
        return lastAcked;
    }

    /** Forget everything: a new connection starts its acknowledgements over. */
    void reset() {
        Arrays.fill(used, false);
        lastAcked = 0;
    }
}
