package io.realmcluster.dataplane.world;

import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.RingClaim;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells map instances, through their ingress rings, to start handing their players over for a move
 * or to stop, once per change of what each was told. Never blocks a tick thread: a full ring parks
 * the caller and is retried for a while, then the command counts as unsent and the next call
 * retries it. One thread owns an instance (the node's assignment applier).
 */
final class HandOverCommands {
    private static final Logger LOG = LoggerFactory.getLogger(HandOverCommands.class);
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final long patienceNanos;
    private final RingClaim claim = new RingClaim();
    /** The move epoch each instance was last told to hand over for; absent or 0 while it keeps its players. */
    private final Map<String, Long> told = new HashMap<>();

    /** {@code patienceNanos}: how long a command waits for room in a full ring before it is left for the next call. */
    HandOverCommands(final long patienceNanos) {
        this.patienceNanos = patienceNanos;
    }

    /**
     * Tell {@code instanceId}, through {@code ingress}, to hand its players over for the move of
     * {@code moveEpoch}, or to keep them (0), unless that is what it was last told. False when its
     * ring stayed full for the patience: the command was not sent, and the next call sends it.
     */
    boolean handOver(final String instanceId, final Ingress ingress, final long moveEpoch) {
        return handOver(instanceId, ingress, moveEpoch, false);
    }

    /** The same; {@code toCells}: a split, each player to the cell of its place (not to a copy elsewhere). */
    boolean handOver(final String instanceId, final Ingress ingress, final long moveEpoch, final boolean toCells) {
        if (told.getOrDefault(instanceId, 0L) == moveEpoch) {
            return true;
        }
        final long deadline = System.nanoTime() + patienceNanos;
        while (!offer(ingress, moveEpoch, toCells)) {
            if (System.nanoTime() - deadline >= 0) {
                LOG.warn(
                        "{} took no {} for {} ms (its ingress ring is full); the next assignment set tries again",
                        instanceId,
                        moveEpoch == 0 ? "hand-over stop" : "hand-over start for move " + moveEpoch,
                        TimeUnit.NANOSECONDS.toMillis(patienceNanos));
                return false;
            }
            LockSupport.parkNanos(PARK_NANOS);
        }
        told.put(instanceId, moveEpoch);
        return true;
    }

    /** The instance stopped running here: a copy loaded again later starts keeping its players. */
    void forget(final String instanceId) {
        told.remove(instanceId);
    }

    private boolean offer(final Ingress ingress, final long moveEpoch, final boolean toCells) {
        final int type =
                moveEpoch == 0 ? Inputs.HAND_OVER_STOP : toCells ? Inputs.HAND_OVER_TO_CELLS : Inputs.HAND_OVER_START;
        final int length = moveEpoch == 0 ? Inputs.HAND_OVER_STOP_LENGTH : Inputs.HAND_OVER_START_LENGTH;
        try (RingClaim claimed = ingress.claim(claim, type, length)) {
            if (!claimed.claimed()) {
                return false;
            }
            if (moveEpoch != 0) {
                Inputs.encodeHandOverStart(claimed.buffer(), claimed.index(), moveEpoch);
            }
            claimed.commit();
            return true;
        }
    }
}
