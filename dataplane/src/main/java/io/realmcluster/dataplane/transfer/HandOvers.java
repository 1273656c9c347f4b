package io.realmcluster.dataplane.transfer;

import io.grpc.StatusRuntimeException;
import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.transfer.Departing.State;
import io.realmcluster.proto.v1.InstanceRoute;
import io.realmcluster.proto.v1.TransferOffers;
import io.realmcluster.proto.v1.TransferResult;
import io.realmcluster.proto.v1.TransferResults;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The players of maps that move to another node, offered to each map's copy in batches: whatever
 * froze meanwhile, up to {@link #BATCH}, goes in one OfferMany and is claimed there in one statement.
 * A player a batch could not settle (a refusal, a failed call) goes on as a transfer of its own,
 * which retries on the same transfer id or calls it off.
 */
final class HandOvers {
    private static final Logger LOG = LoggerFactory.getLogger(HandOvers.class);
    /**
     * Players of a moving map offered to its copy in one call. On a busy machine every call waits for
     * cores, so fewer, larger calls hand players over sooner (commit b7e36a4 has the drains that chose it).
     */
    static final int BATCH = 256;
    /** Batches in flight at once: while the target claims one, the next is on its way. */
    private static final int TASKS = 3;

    private final Departures departures;
    private final Executor threads;
    private final CharacterStore store;
    private final Routes routes;
    private final TargetNodes targets;
    private final NanoClock clock;
    private final String nodeId;
    /** Not bounded by a size: each player of a moving map is in it at most once, so the maps' capacity bounds it. */
    private final ConcurrentLinkedQueue<Departing> queue = new ConcurrentLinkedQueue<>();
    /** Tasks sending batches, at most {@link #TASKS}; each takes what queued meanwhile. */
    private final AtomicInteger tasks = new AtomicInteger();

    /** {@code departures} takes over a player its batch could not settle. */
    HandOvers(
            final Departures departures,
            final Executor threads,
            final CharacterStore store,
            final Routes routes,
            final TargetNodes targets,
            final NanoClock clock,
            final String nodeId) {
        this.departures = departures;
        this.threads = threads;
        this.store = store;
        this.routes = routes;
        this.targets = targets;
        this.clock = clock;
        this.nodeId = nodeId;
    }

    /** Queue a player for the next batch to its map's copy; {@link #start} sends it. */
    void add(final Departing departing) {
        queue.add(departing);
    }

    /** Start tasks for what is queued, up to {@link #TASKS} at once. Any thread. */
    void start() {
        while (!queue.isEmpty()) {
            final int running = tasks.get();
            if (running >= TASKS) {
                return;
            }
            if (tasks.compareAndSet(running, running + 1)) {
                try {
                    threads.execute(this::sendBatches);
                } catch (final RejectedExecutionException e) {
                    tasks.decrementAndGet();
                    Departing departing;
                    while ((departing = queue.poll()) != null) {
                        departures.callOff(departing, null, "too many transfers at once");
                    }
                }
            }
        }
    }

    /** Offer the queued players in batches until none is left. */
    private void sendBatches() {
        try {
            final List<Departing> batch = new ArrayList<>(BATCH);
            while (true) {
                batch.clear();
                Departing next;
                while (batch.size() < BATCH && (next = queue.poll()) != null) {
                    batch.add(next);
                }
                if (batch.isEmpty()) {
                    return;
                }
                send(batch);
            }
        } finally {
            tasks.decrementAndGet();
            // One may have queued after the last poll, while this task was still counted as running.
            start();
        }
    }

    /** One OfferMany per map the batch's players leave (so per copy they go to). */
    private void send(final List<Departing> batch) {
        if (!store.transfers()) {
            batch.forEach(departures::execute);
            return;
        }
        // Keyed by the map's handle, not by its route: a protobuf message's hashCode goes through
        // reflection, slow enough on its first use to hold up a node's first drain.
        final Int2ObjectHashMap<List<Departing>> byMap = new Int2ObjectHashMap<>();
        for (final Departing departing : batch) {
            byMap.computeIfAbsent(departing.departure.mapHandle(), handle -> new ArrayList<>())
                    .add(departing);
        }
        byMap.forEach((handle, players) -> {
            final InstanceRoute route;
            try {
                route = routes.handOver(players.get(0).departure);
            } catch (final StatusRuntimeException e) {
                // Its map left this node or stopped moving: on its own, each transfer is called off.
                players.forEach(departures::execute);
                return;
            }
            offerMany(route, players);
        });
    }

    private void offerMany(final InstanceRoute route, final List<Departing> players) {
        Failpoints.reach(Failpoints.SOURCE_AFTER_FREEZE);
        final long started = clock.nanoTime();
        final String realm = route.getInstance().getRealm();
        final TransferOffers.Builder offers = TransferOffers.newBuilder();
        for (final Departing departing : players) {
            departing.transition(State.HANDING_OVER, started, "offered with its map's players");
            offers.addOffers(Departures.offerOf(
                    nodeId,
                    route,
                    departing.departure,
                    Departures.characterRealm(store, departing.departure, realm),
                    departures.standbyKey()));
        }
        final TransferResults results;
        try {
            results = targets.offerMany(
                    route.getNode().getGrpc(),
                    offers.build(),
                    Departures.callDeadline(players.get(0).deadlineNanos(), clock.nanoTime()));
        } catch (final StatusRuntimeException e) {
            LOG.debug(
                    "offering {} players to {} failed ({}); each goes on its own",
                    players.size(),
                    route.getNode().getNodeId(),
                    e.getStatus().getCode());
            for (final Departing departing : players) {
                onItsOwn(departing, "its batch failed: " + e.getStatus().getCode());
            }
            return;
        }
        Failpoints.reach(Failpoints.SOURCE_AFTER_OFFER);
        for (int i = 0; i < players.size(); i++) {
            final Departing departing = players.get(i);
            final TransferResult result = i < results.getResultsCount() ? results.getResults(i) : null;
            if (result == null || !result.hasAccepted()) {
                onItsOwn(departing, result == null ? "no answer in its batch" : "refused in its batch");
                continue;
            }
            departures.departed(departing, result.getAccepted(), route);
        }
    }

    private void onItsOwn(final Departing departing, final String why) {
        departing.transition(State.FROZEN, clock.nanoTime(), why + "; on its own");
        departures.execute(departing);
    }
}
