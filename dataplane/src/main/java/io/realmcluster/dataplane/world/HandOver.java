package io.realmcluster.dataplane.world;

import io.realmcluster.dataplane.pipeline.Saves;

/**
 * The hand-over of a moving instance's players to its copy on another node: while a move runs, a
 * few more players freeze each tick for a transfer to the copy, where they stand (a player whose
 * transfer was called off is tried again a second later); once none is left, the map says so. The
 * tick calls {@link #doWork()} only while a move runs, as aeron-cluster's consensus module calls
 * its election's. Started and stopped by inputs from the ingress ring, like every other change to
 * the map. The tick thread only, except {@link #handedOver()}.
 */
final class HandOver {
    /** Players a moving instance freezes for their hand-over per tick: what the transfer threads keep up with. */
    static final int HAND_OVERS_PER_TICK = 25;
    /**
     * Players a moving instance keeps frozen at once, at most: one tick's worth, so the next players
     * freeze only when those before them are gone (or given back). A freeze is a loading screen; a
     * player not yet frozen plays on. When hand-overs fall behind (a stalled target, a saturated
     * machine), a larger cap only makes more players wait frozen (bench/RESULTS.md, drain).
     */
    static final int MAX_FROZEN_FOR_HAND_OVER = HAND_OVERS_PER_TICK;

    private final EntityTable entities;
    private final PlayerTable players;
    private final Transfers transfers;
    private final WorldClock clock;
    /** The epoch of the move this instance hands its players over for; 0 while it keeps them. */
    private long moveEpoch;
    /** The move epoch for which this instance is empty and handing over; 0 otherwise. Written by the tick thread alone. */
    private volatile long handedOverEpoch;

    HandOver(final EntityTable entities, final PlayerTable players, final Transfers transfers, final WorldClock clock) {
        this.entities = entities;
        this.players = players;
        this.transfers = transfers;
        this.clock = clock;
    }

    /** Where the players go: a copy of this instance elsewhere, or the cells of a split (each player's place's). */
    private int destination = Saves.SAME_INSTANCE;

    /** Hand the players over for the move of {@code epoch}, from the tick that follows. */
    void start(final long epoch) {
        start(epoch, false);
    }

    /** The same; {@code toCells}: a split, each player to the cell of its place. */
    void start(final long epoch, final boolean toCells) {
        moveEpoch = epoch;
        destination = toCells ? Saves.INTO_CELLS : Saves.SAME_INSTANCE;
    }

    /** The move was called off: the map keeps its players (those frozen wait for their transfers to end). */
    void stop() {
        moveEpoch = 0;
        handedOverEpoch = 0;
    }

    boolean running() {
        return moveEpoch != 0;
    }

    /** Freeze the next players whose turn it is, up to the tick's share and the cap; returns how many froze. */
    int doWork() {
        final long tick = clock.tick();
        int started = 0;
        for (int slot = 0;
                slot < entities.capacity()
                        && started < HAND_OVERS_PER_TICK
                        && transfers.frozen() < MAX_FROZEN_FOR_HAND_OVER;
                slot++) {
            if (entities.kind[slot] == EntityTable.PLAYER && due(players.indexOf(slot), tick)) {
                if (!transfers.freeze(
                        slot, destination, entities.x[slot], entities.y[slot], entities.z[slot], entities.o[slot])) {
                    break;
                }
                started++;
            }
        }
        handedOverEpoch = players.count() == 0 ? moveEpoch : 0;
        return started;
    }

    private boolean due(final int player, final long tick) {
        // A player whose trade commits is skipped until it settled: its items and money are locked.
        return players.departing[player] == PlayerTable.STAYING
                && !players.locked[player]
                && players.handOverTick[player] <= tick;
    }

    /** The move epoch for which this instance has handed over every player, 0 while it has players or keeps them. Any thread: a status. */
    long handedOver() {
        return handedOverEpoch;
    }
}
