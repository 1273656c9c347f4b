package io.realmcluster.dataplane.transfer;

import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.store.Departure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One character on its way out of this node: its durable freeze, where its transfer stands, and the
 * timers of that state. {@link #transition} is the one place its state changes. One transfer
 * thread at a time works on it; the hand-off between threads (an executor, a queue) orders its writes.
 */
final class Departing {
    private static final Logger LOG = LoggerFactory.getLogger(Departing.class);
    /** No timer armed. */
    static final long NO_TIMER = Long.MIN_VALUE;

    /** Where a transfer stands on its source. */
    enum State {
        /** Its freeze is durable; it waits for a transfer thread, or for its moving map's next batch. */
        FROZEN,
        /** Offered with other players of its moving map in one OfferMany. */
        HANDING_OVER,
        /** Offered on its own (routed, then offered), on the same transfer id on every attempt. */
        OFFERING,
        /** A transient failure: waiting for its retry timer before the next offer. */
        BACKING_OFF,
        /** Being aborted: the compare-and-set that gives it back to this node races the target's claim. */
        CALLING_OFF,
        /** The abort lost to the target's claim: asking the target again for the answer it gave. */
        ASKING_AGAIN,
        /** The target claimed it and its map was told to let it go (DEPARTED). */
        DEPARTED,
        /** Called off: it plays on here at a new epoch (DEPART_FAILED), or is given back when its map is gone. */
        ABORTED,
        /** Neither here nor redirected (TRANSFER_LOST): its client is disconnected. */
        LOST
    }

    final Departure departure;
    private final Departures.Stats stats;
    private final long tryNanos;
    private State state = State.FROZEN;
    /** When the offers of the current try must have landed (nano clock); armed while it offers. */
    private long deadlineNanos = NO_TIMER;
    /** When the next offer goes (nano clock); armed while it backs off. */
    private long retryAtNanos = NO_TIMER;
    /** When the try that may land began (nano clock): the time out of the world this node accounts for. */
    private long sinceNanos;

    /** A freeze made durable: counted as a transfer started. {@code tryNanos}: how long each try may take. */
    Departing(final Departure departure, final Departures.Stats stats, final long tryNanos) {
        this.departure = departure;
        this.stats = stats;
        this.tryNanos = tryNanos;
        stats.started.incrementAndGet();
        stats.entries.incrementAndGet(State.FROZEN.ordinal());
        LOG.debug("{}: frozen for map {}", this, departure.toMapId());
    }

    State state() {
        return state;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    long retryAtNanos() {
        return retryAtNanos;
    }

    /**
     * The one place the state changes: logged and counted; the timers of the state left are cancelled
     * and those of the state entered armed (a try's deadline; {@code retryAtNanos} for BACKING_OFF,
     * else ignored). Returns the state left.
     */
    State transition(final State next, final long now, final long retryAtNanos, final String reason) {
        final State from = state;
        state = next;
        this.retryAtNanos = next == State.BACKING_OFF ? retryAtNanos : NO_TIMER;
        switch (next) {
            case HANDING_OVER, ASKING_AGAIN -> startTry(now);
            case OFFERING -> {
                if (from != State.BACKING_OFF) {
                    startTry(now);
                }
            }
            case BACKING_OFF -> {
                // A wait within the try: its deadline stands.
            }
            default -> deadlineNanos = NO_TIMER;
        }
        stats.entries.incrementAndGet(next.ordinal());
        count(from, next, now, reason);
        return from;
    }

    /** {@link #transition} to a state without a retry timer. */
    State transition(final State next, final long now, final String reason) {
        return transition(next, now, NO_TIMER, reason);
    }

    private void startTry(final long now) {
        sinceNanos = now;
        deadlineNanos = now + tryNanos;
    }

    private void count(final State from, final State next, final long now, final String reason) {
        switch (next) {
            case DEPARTED -> {
                stats.completed.incrementAndGet();
                if (departure.toMapId() == Saves.CROSSING) {
                    stats.crossings.incrementAndGet();
                }
                stats.nanos.addAndGet(now - sinceNanos);
                LOG.debug("character {} {} (transfer {})", departure.characterId(), reason, departure.transferId());
            }
            case ABORTED -> {
                stats.aborted.incrementAndGet();
                LOG.info(
                        "transfer of character {} to map {} called off ({}); it stays here",
                        departure.characterId(),
                        departure.toMapId(),
                        reason);
            }
            case LOST -> {
                stats.lost.incrementAndGet();
                LOG.warn(
                        "transfer {} of character {} could not be called off ({}); its client is disconnected and the "
                                + "character is where the database says",
                        departure.transferId(),
                        departure.characterId(),
                        reason);
            }
            default -> LOG.debug("{}: {} -> {} ({})", this, from, next, reason);
        }
    }

    long characterId() {
        return departure.characterId();
    }

    @Override
    public String toString() {
        return "transfer " + departure.transferId() + " of character " + departure.characterId();
    }
}
