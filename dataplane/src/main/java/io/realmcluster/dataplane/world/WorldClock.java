package io.realmcluster.dataplane.world;

/** The map's current tick and when it started, as the tick thread last set them; read by every part of the map. */
final class WorldClock {
    private long tick;
    private long tickNanos;

    void advance(final long tickNumber, final long nowNanos) {
        tick = tickNumber;
        tickNanos = nowNanos;
    }

    long tick() {
        return tick;
    }

    /** When the last tick started, on its agent's clock: the time a player frozen now is frozen at. */
    long tickNanos() {
        return tickNanos;
    }

    /** Inputs are applied before the next tick runs: what they change is that tick's news. */
    long inputTick() {
        return tick + 1;
    }
}
