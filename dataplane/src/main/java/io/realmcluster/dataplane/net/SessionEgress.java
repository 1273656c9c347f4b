package io.realmcluster.dataplane.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;

/**
 * The egress thread's part of one session: the frames it gathers for the session, and the one write at a
 * time it hands to the session's event loop. The egress thread writes every field but in the handed-off
 * write, which the event loop runs: it takes {@link #handedOff} (published by the hand-off's task) and clears
 * {@link #writeWaiting}, which lets the egress thread hand off the next.
 */
final class SessionEgress {
    private final Channel channel;
    private final Runnable writeHandedOff = this::writeHandedOff;

    /** Frames gathered since the last write was handed off, or null. */
    private ByteBuf pending;

    private boolean closeAfterPending;

    /**
     * True from a hand-off until the event loop runs its write: at most one write of a session waits on its
     * loop, so a loop that falls behind gets fewer, larger writes (and its other tasks, a login's claim among
     * them, wait for one pass) instead of a queue that grows.
     */
    private volatile boolean writeWaiting;

    private ByteBuf handedOff;
    private boolean handedOffIsLast;

    SessionEgress(final Channel channel) {
        this.channel = channel;
    }

    /** Where this round's frames go: null until the first, then the buffer {@link #gather} made. */
    ByteBuf pending() {
        return pending;
    }

    /** Start gathering into {@code out}. */
    void gather(final ByteBuf out) {
        pending = out;
    }

    /** The frames gathered end the session: the write that carries them closes it. */
    void closeAfterPending() {
        closeAfterPending = true;
    }

    /** Give up the frames gathered (the session is gone or does not read). */
    void dropPending() {
        pending.release();
        pending = null;
        closeAfterPending = false;
    }

    /**
     * Hand the frames gathered to the event loop to write, unless a write handed off before still waits
     * there: false then, and the frames go with the next hand-off.
     */
    boolean handOffPending() {
        if (writeWaiting) {
            return false;
        }
        handedOff = pending;
        handedOffIsLast = closeAfterPending;
        pending = null;
        closeAfterPending = false;
        writeWaiting = true;
        try {
            channel.eventLoop().execute(writeHandedOff);
        } catch (final RejectedExecutionException e) {
            // The node is stopping: the socket goes with it.
            handedOff.release();
            handedOff = null;
        }
        return true;
    }

    /** The event loop's. */
    private void writeHandedOff() {
        final ByteBuf out = handedOff;
        final boolean last = handedOffIsLast;
        handedOff = null;
        writeWaiting = false;
        if (last) {
            channel.writeAndFlush(out).addListener(LastFrame.THEN_CLOSE);
        } else {
            channel.writeAndFlush(out);
        }
    }
}
