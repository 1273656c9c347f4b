package io.realmcluster.dataplane.tick;

import org.agrona.DirectBuffer;

/** What a map instance's tick loop advances: inputs first, in arrival order, then one step of the world. */
public interface TickSimulation {
    /** One input drained from the ingress ring; the buffer is only valid during the call. */
    void onInput(int type, DirectBuffer buffer, int offset, int length);

    /** Advance the world by one tick. */
    void tick(long tick, long nowNanos);

    /**
     * The map stood still and holds its players' actions back ({@code true}) until the control plane confirms the
     * node still runs it, or plays on ({@code false}); see {@link MapAgent}. A world saves nobody while held: a
     * node whose map was given away meanwhile would only have its saves refused.
     */
    default void onHold(final boolean holding) {}
}
