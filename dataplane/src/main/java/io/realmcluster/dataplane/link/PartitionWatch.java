package io.realmcluster.dataplane.link;

import io.realmcluster.proto.v1.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a node cut off from the control plane from a control plane that is away for everyone. A node that has not
 * heard the control plane for longer than its lease asks the peers the control plane last named whether they hear
 * it. If one does, the control plane is serving, has taken this node for dead, and is giving its maps to other
 * nodes: after {@link #CONFIRMATIONS} such answers in a row (one a second), the node closes its maps, saving their
 * players and telling them MAP_CLOSED, so that they log in again where their maps now run, instead of playing on in
 * a world nobody else sees. If no peer hears the control plane either (it is paused, or etcd is away), or no peer
 * answers (this node is cut off from everyone), the node keeps its maps: its players' saves are fenced per
 * character, so playing on loses nothing.
 *
 * <p>{@link #check()} runs on one thread, once a second.
 */
public final class PartitionWatch {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWatch.class);
    /** Silence past the lease before peers are asked: the control plane's own failure detection takes about this. */
    static final long PAST_LEASE_MS = 1_000;
    /** A peer that heard the control plane this recently hears it. */
    static final long FRESH_MS = 2_000;
    /** Answers in a row, a check apart, before the maps close: a node that ran again after a pause registers first. */
    static final int CONFIRMATIONS = 3;
    /** How long a peer may take to answer. */
    static final Duration ASK_DEADLINE = Duration.ofMillis(500);

    /** What the node knows of its own link. */
    public interface Link {
        /** {@link System#nanoTime()} of the last word from the control plane; 0 before the first. */
        long heardNanos();

        /** The lease TTL; 0 before the node registered. */
        long leaseTtlMillis();

        /** Whom to ask. */
        List<Endpoint> peers();
    }

    /** Asks a peer how long ago it heard the control plane. */
    @FunctionalInterface
    public interface Ask {
        /** Milliseconds since the peer last heard the control plane; empty when it did not answer in time. */
        OptionalLong heardMillisAgo(Endpoint peer, Duration deadline);
    }

    private final String nodeId;
    private final Link link;
    private final Ask ask;
    private final Runnable closeMaps;
    private final LongSupplier nanoClock;

    private int confirmations;
    /** The silence the maps were closed in, so that they close once per silence; 0 when none. */
    private long closedInSilenceSince;

    private volatile long closedCount;

    public PartitionWatch(
            final String nodeId,
            final Link link,
            final Ask ask,
            final Runnable closeMaps,
            final LongSupplier nanoClock) {
        this.nodeId = nodeId;
        this.link = link;
        this.ask = ask;
        this.closeMaps = closeMaps;
        this.nanoClock = nanoClock;
    }

    /** One look; true when it closed the maps. */
    public boolean check() {
        final long heard = link.heardNanos();
        final long ttl = link.leaseTtlMillis();
        if (heard == 0 || ttl == 0 || closedInSilenceSince == heard) {
            return false;
        }
        final long silentMs = TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - heard);
        if (silentMs <= ttl + PAST_LEASE_MS) {
            confirmations = 0;
            return false;
        }
        final Witness witness = witness();
        if (witness == null) {
            if (confirmations > 0) {
                LOG.info("no peer hears the control plane either: it is away for everyone, this node keeps its maps");
            }
            confirmations = 0;
            return false;
        }
        confirmations++;
        if (confirmations == 1) {
            LOG.warn(
                    "this node has not heard the control plane for {} ms (its lease is {} ms), but node at {}:{} heard"
                            + " it {} ms ago: this node alone is cut off; its maps close unless it hears the control"
                            + " plane again within {} s",
                    silentMs,
                    ttl,
                    witness.peer().getHost(),
                    witness.peer().getPort(),
                    witness.heardMillisAgo(),
                    CONFIRMATIONS - 1);
        }
        if (confirmations < CONFIRMATIONS) {
            return false;
        }
        confirmations = 0;
        closedInSilenceSince = heard;
        closedCount++;
        LOG.warn(
                "node {} cut off from the control plane for {} ms while its peers hear it: closing its maps (their"
                        + " players are saved and log in again where the control plane moved them)",
                nodeId,
                silentMs);
        closeMaps.run();
        return true;
    }

    /** How many times this node closed its maps for being cut off. */
    public long closedCount() {
        return closedCount;
    }

    private Witness witness() {
        for (final Endpoint peer : link.peers()) {
            final OptionalLong heard = ask.heardMillisAgo(peer, ASK_DEADLINE);
            if (heard.isPresent() && heard.getAsLong() >= 0 && heard.getAsLong() <= FRESH_MS) {
                return new Witness(peer, heard.getAsLong());
            }
        }
        return null;
    }

    private record Witness(Endpoint peer, long heardMillisAgo) {}
}
