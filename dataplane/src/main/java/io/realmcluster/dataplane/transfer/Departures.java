package io.realmcluster.dataplane.transfer;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.core.metrics.Histogram;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.store.Departure;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.InstanceRoute;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.MovePhase;
import io.realmcluster.proto.v1.TransferAccepted;
import io.realmcluster.proto.v1.TransferGrpc;
import io.realmcluster.proto.v1.TransferOffer;
import io.realmcluster.proto.v1.TransferOffers;
import io.realmcluster.proto.v1.TransferResult;
import io.realmcluster.proto.v1.TransferResults;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source's side of a transfer (see ../shared/DESIGN.md, "Character transfer"), from the point
 * where the saver has frozen the character IN_TRANSFER: find where it goes, offer it to that node
 * (retried on the same transfer id until the node takes it or the deadline passes), then tell the
 * map: DEPARTED with the REDIRECT its client follows, or, when the transfer is called off, abort
 * it in the database (the same compare-and-set the target's claim races) and DEPART_FAILED with
 * the epoch that gives the character back to its map. Blocking calls run on a few threads of
 * their own, never on a tick or network thread.
 *
 * <p>The players of a map that moves to another node go in batches: whatever froze meanwhile, up to
 * {@link #HAND_OVER_BATCH}, is offered to the map's copy in one OfferMany, claimed there in one
 * statement; a player the batch could not settle goes on as a transfer of its own.
 */
public final class Departures implements Consumer<List<Departure>>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Departures.class);
    private static final int THREADS = 8;
    private static final int QUEUE = 4_096;
    private static final long FIRST_RETRY_MILLIS = 20;
    private static final long MAX_RETRY_MILLIS = 500;
    private static final int MAX_REMEMBERED_ROUTES = 10_000;
    /**
     * Players of a moving map offered to its copy in one call (and claimed there in one statement).
     * On a busy machine every call waits for cores, so fewer, larger ones hand players over sooner
     * (measured drain of 1,000 players: out of the world p50 431, 522 and 760 ms with 256, 635 and 843 ms with 64;
     * a hint, not a proof: the runs spread as wide as the difference).
     */
    static final int HAND_OVER_BATCH = 256;
    /** Hand-over batches in flight at once: while the target claims one, the next is on its way. */
    private static final int HAND_OVER_TASKS = 3;
    /** One call may take this long at most, so that a hung peer or control plane leaves time to try again. */
    private static final long CALL_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(3);

    /** Where a portal into a map leads, for a character of a realm: asked of the control plane. */
    @FunctionalInterface
    public interface Router {
        /** @throws StatusRuntimeException when there is no route now; UNAVAILABLE and DEADLINE_EXCEEDED are retried */
        InstanceRoute route(int mapId, String realm, String owner, Duration deadline);
    }

    /** Tells a departing character's client to go (REDIRECT) directly, without waiting for its map's next tick. */
    @FunctionalInterface
    public interface Redirector {
        /** Send {@code length} bytes of {@code body} (a REDIRECT body) to the session at {@code session} if it is the character's. */
        boolean redirect(int session, long characterId, byte[] body, int length);

        /** No direct way: the map sends the REDIRECT at its next tick. */
        Redirector NONE = (session, characterId, body, length) -> false;
    }

    /** Counters the metrics read. */
    public static final class Stats {
        final AtomicLong started = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong aborted = new AtomicLong();
        final AtomicLong lost = new AtomicLong();
        final AtomicLong nanos = new AtomicLong();
        final Histogram redirected = Histogram.builder()
                .name("realm_node_transfer_redirect_seconds")
                .help(
                        "Characters transferred away: from the tick a map here froze them to their REDIRECT handed to their "
                                + "connection (this node's part of their time out of the world; the client's reconnect follows)")
                .classicOnly()
                .classicUpperBounds(Arrivals.BUCKET_SECONDS)
                .build();

        public long started() {
            return started.get();
        }

        /** Transfers a target claimed and whose client was redirected. */
        public long completed() {
            return completed.get();
        }

        /** Transfers called off: the character plays on here. */
        public long aborted() {
            return aborted.get();
        }

        /** Transfers whose outcome left the character neither here nor redirected (its client was disconnected). */
        public long lost() {
            return lost.get();
        }

        /** Time from the freeze being durable to the map being told, summed over completed transfers. */
        public long nanos() {
            return nanos.get();
        }

        /** The histogram of {@code realm_node_transfer_redirect_seconds}, for the node's registry. */
        public Histogram redirected() {
            return redirected;
        }
    }

    private final String nodeId;
    private final CharacterStore store;
    private final InstanceHost instances;
    private final Router router;
    private final Redirector redirector;
    private final Duration deadline;
    private final Stats stats = new Stats();
    private final ThreadPoolExecutor threads = new ThreadPoolExecutor(
            THREADS,
            THREADS,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            new DefaultThreadFactory("transfers", true));
    private final Map<String, ManagedChannel> peers = new ConcurrentHashMap<>();
    /** Players of moving maps whose freeze is durable, waiting for the next batch to their map's copy. */
    private final ConcurrentLinkedQueue<Departure> handOvers = new ConcurrentLinkedQueue<>();
    /** Tasks sending hand-over batches, at most {@link #HAND_OVER_TASKS}; each takes what queued meanwhile. */
    private final AtomicInteger handOverTasks = new AtomicInteger();
    /**
     * The last route the control plane gave for each portal and owner, for when it cannot be asked:
     * nodes keep running their maps while the control plane is down, so a player can still go
     * between maps that run (back to its continent, into its group's dungeon again).
     */
    private final Map<String, InstanceRoute> lastRoutes =
            Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(final Map.Entry<String, InstanceRoute> eldest) {
                    return size() > MAX_REMEMBERED_ROUTES;
                }
            });

    /**
     * @param deadline how long a transfer may take from freeze to commit before it is called off
     */
    public Departures(
            final String nodeId,
            final CharacterStore store,
            final InstanceHost instances,
            final Router router,
            final Redirector redirector,
            final Duration deadline) {
        this.nodeId = nodeId;
        this.store = store;
        this.instances = instances;
        this.router = router;
        this.redirector = redirector;
        this.deadline = deadline;
    }

    /**
     * Connect to the node each of this node's moving maps goes to, ahead of its first players: a new
     * channel's first call waits for the connection, which would add to the first batch's time out of
     * the world. Any thread; returns at once.
     */
    public void connectAhead(final AssignmentSet assignments) {
        for (final MapInstance instance : assignments.getInstancesList()) {
            if (instance.getNodeId().equals(nodeId)
                    && instance.hasMove()
                    && instance.getMove().hasToNode()
                    && !instance.getMove().getToNode().getNodeId().equals(nodeId)) {
                peer(instance.getMove().getToNode().getGrpc()).getState(true);
            }
        }
    }

    /**
     * From the saver's thread: these freezes are durable. Hand the transfers to this class's threads;
     * the players of moving maps queue for their batches, all of them before the first batch starts.
     */
    @Override
    public void accept(final List<Departure> durable) {
        boolean handOver = false;
        for (final Departure departure : durable) {
            stats.started.incrementAndGet();
            if (departure.toMapId() == Saves.SAME_INSTANCE) {
                handOvers.add(departure);
                handOver = true;
            } else {
                execute(departure);
            }
        }
        if (handOver) {
            startHandOvers();
        }
    }

    /** The transfer on its own, on one of this class's threads. */
    private void execute(final Departure departure) {
        try {
            threads.execute(() -> transfer(departure));
        } catch (final RejectedExecutionException e) {
            LOG.warn("too many transfers at once; calling off the transfer of character {}", departure.characterId());
            callOff(departure, null, "too many transfers at once");
        }
    }

    private void startHandOvers() {
        while (!handOvers.isEmpty()) {
            final int running = handOverTasks.get();
            if (running >= HAND_OVER_TASKS) {
                return;
            }
            if (handOverTasks.compareAndSet(running, running + 1)) {
                try {
                    threads.execute(this::handOverBatches);
                } catch (final RejectedExecutionException e) {
                    handOverTasks.decrementAndGet();
                    Departure departure;
                    while ((departure = handOvers.poll()) != null) {
                        callOff(departure, null, "too many transfers at once");
                    }
                }
            }
        }
    }

    /** Offer the queued hand-overs in batches until none is left. */
    private void handOverBatches() {
        try {
            final List<Departure> batch = new ArrayList<>(HAND_OVER_BATCH);
            while (true) {
                batch.clear();
                Departure next;
                while (batch.size() < HAND_OVER_BATCH && (next = handOvers.poll()) != null) {
                    batch.add(next);
                }
                if (batch.isEmpty()) {
                    return;
                }
                handOver(batch);
            }
        } finally {
            handOverTasks.decrementAndGet();
            // One may have queued after the last poll, while this task was still counted as running.
            startHandOvers();
        }
    }

    /**
     * A batch of players of moving maps, grouped by the map each leaves (so by the copy it goes to):
     * one OfferMany per copy. Whatever the batch could not settle (a refusal, a failed call) goes the
     * way of a single transfer, which retries on the same transfer id or calls it off.
     */
    private void handOver(final List<Departure> batch) {
        if (!store.transfers()) {
            batch.forEach(this::execute);
            return;
        }
        // Keyed by the map's handle, not by its route: a protobuf message's hashCode goes through reflection, and
        // its first use took 1.3 s on a saturated machine, a stall every player of a node's first drain waited out.
        final Int2ObjectHashMap<List<Departure>> byMap = new Int2ObjectHashMap<>();
        for (final Departure departure : batch) {
            byMap.computeIfAbsent(departure.mapHandle(), handle -> new ArrayList<>())
                    .add(departure);
        }
        byMap.forEach((handle, departures) -> {
            final InstanceRoute route;
            try {
                route = handOverRoute(departures.get(0));
            } catch (final StatusRuntimeException e) {
                // Its map left this node or stopped moving: on its own, each transfer is called off.
                departures.forEach(this::execute);
                return;
            }
            offerMany(route, departures);
        });
    }

    private void offerMany(final InstanceRoute route, final List<Departure> departures) {
        Failpoints.reach(Failpoints.SOURCE_AFTER_FREEZE);
        final long started = System.nanoTime();
        final String realm = route.getInstance().getRealm();
        final TransferOffers.Builder offers = TransferOffers.newBuilder();
        for (final Departure departure : departures) {
            offers.addOffers(offerOf(route, departure, realm));
        }
        final TransferResults results;
        try {
            results = TransferGrpc.newBlockingStub(peer(route))
                    .withDeadlineAfter(
                            callDeadline(started + deadline.toNanos()).toMillis(), TimeUnit.MILLISECONDS)
                    .offerMany(offers.build());
        } catch (final StatusRuntimeException e) {
            LOG.debug(
                    "offering {} players to {} failed ({}); each goes on its own",
                    departures.size(),
                    route.getNode().getNodeId(),
                    e.getStatus().getCode());
            departures.forEach(this::execute);
            return;
        }
        Failpoints.reach(Failpoints.SOURCE_AFTER_OFFER);
        for (int i = 0; i < departures.size(); i++) {
            final Departure departure = departures.get(i);
            final TransferResult result = i < results.getResultsCount() ? results.getResults(i) : null;
            if (result == null || !result.hasAccepted()) {
                execute(departure);
                continue;
            }
            redirect(departure, result.getAccepted(), route.getInstance().getInstanceId());
            stats.completed.incrementAndGet();
            stats.nanos.addAndGet(System.nanoTime() - started);
        }
    }

    private void transfer(final Departure departure) {
        Failpoints.reach(Failpoints.SOURCE_AFTER_FREEZE);
        final long started = System.nanoTime();
        final long deadlineNanos = started + deadline.toNanos();
        final InstanceHost.Running source = instances.byHandle(departure.mapHandle());
        if (!store.transfers() || source == null) {
            callOff(
                    departure,
                    null,
                    store.transfers() ? "its map left this node" : "this node keeps its characters to itself");
            return;
        }
        final String realm = source.assignment().getRealm();
        long backoff = FIRST_RETRY_MILLIS;
        String why = "no answer";
        while (System.nanoTime() - deadlineNanos < 0) {
            try {
                complete(departure, realm, deadlineNanos, started);
                return;
            } catch (final StatusRuntimeException e) {
                why = e.getStatus().getCode() + ": " + e.getStatus().getDescription();
                if (!retryable(e.getStatus().getCode())) {
                    break;
                }
            }
            park(Math.min(backoff, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
            backoff = Math.min(MAX_RETRY_MILLIS, backoff * 2);
        }
        callOff(departure, realm, why);
    }

    private void complete(final Departure departure, final String realm, final long deadlineNanos, final long started) {
        final InstanceRoute route = departure.toMapId() == Saves.SAME_INSTANCE
                ? handOverRoute(departure)
                : route(departure.toMapId(), realm, "c" + departure.characterId(), deadlineNanos);
        final TransferAccepted accepted = offer(route, departure, realm, deadlineNanos);
        Failpoints.reach(Failpoints.SOURCE_AFTER_OFFER);
        redirect(departure, accepted, route.getInstance().getInstanceId());
        stats.completed.incrementAndGet();
        stats.nanos.addAndGet(System.nanoTime() - started);
        LOG.debug(
                "character {} went to {} on {} (transfer {})",
                departure.characterId(),
                route.getInstance().getInstanceId(),
                route.getNode().getNodeId(),
                departure.transferId());
    }

    /** A player handed over as its instance moves: to the instance's copy on the move's target, known without asking. */
    private InstanceRoute handOverRoute(final Departure departure) {
        final InstanceHost.Running source = instances.byHandle(departure.mapHandle());
        final MapInstance assignment = source == null ? null : source.assignment();
        if (assignment == null
                || assignment.getMove().getPhase() != MovePhase.MOVE_PHASE_HANDING_OVER
                || !assignment.getMove().hasToNode()) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("its map is no longer moving")
                    .asRuntimeException();
        }
        return InstanceRoute.newBuilder()
                .setInstance(assignment)
                .setNode(assignment.getMove().getToNode())
                .build();
    }

    /** The control plane's route, or while it cannot answer, the last one it gave. */
    private InstanceRoute route(final int mapId, final String realm, final String owner, final long deadlineNanos) {
        final String map = mapId + "/" + realm;
        final String key = map + "/" + owner;
        try {
            final InstanceRoute route = router.route(mapId, realm, owner, callDeadline(deadlineNanos));
            lastRoutes.put(key, route);
            if (route.getInstance().getKind() == MapKind.MAP_KIND_CONTINENT) {
                // A continent's route is everyone's.
                lastRoutes.put(map, route);
            }
            return route;
        } catch (final StatusRuntimeException e) {
            final InstanceRoute remembered = lastRoutes.getOrDefault(key, lastRoutes.get(map));
            final Status.Code code = e.getStatus().getCode();
            if (remembered == null || code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED) {
                throw e;
            }
            LOG.debug(
                    "the control plane does not answer ({}); taking the last route to {}",
                    code,
                    remembered.getInstance().getInstanceId());
            return remembered;
        }
    }

    private TransferAccepted offer(
            final InstanceRoute route, final Departure departure, final String realm, final long deadlineNanos) {
        return TransferGrpc.newBlockingStub(peer(route))
                .withDeadlineAfter(callDeadline(deadlineNanos).toMillis(), TimeUnit.MILLISECONDS)
                .offer(offerOf(route, departure, realm));
    }

    private ManagedChannel peer(final InstanceRoute route) {
        return peer(route.getNode().getGrpc());
    }

    private ManagedChannel peer(final Endpoint grpc) {
        return peers.computeIfAbsent(
                grpc.getHost() + ":" + grpc.getPort(),
                address -> Channels.forTargets(List.of(HostPort.parse(address)), 30));
    }

    private TransferOffer offerOf(final InstanceRoute route, final Departure departure, final String realm) {
        return TransferOffer.newBuilder()
                .setTransferId(departure.transferId().toString())
                .setCharacterId(departure.characterId())
                .setRealm(realm)
                .setEpoch(departure.epoch())
                .setSourceNode(nodeId)
                .setTargetInstanceId(route.getInstance().getInstanceId())
                .setX(departure.x())
                .setY(departure.y())
                .setZ(departure.z())
                .setOrientation(departure.orientation())
                .setFrozenAtUnixMs(departure.frozenAtMillis())
                .build();
    }

    /** Not found: the instance is still loading on its node. Unavailable or late: the control plane or the peer, for now. */
    private static boolean retryable(final Status.Code code) {
        return code == Status.Code.UNAVAILABLE
                || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.NOT_FOUND
                || code == Status.Code.RESOURCE_EXHAUSTED;
    }

    private void redirect(final Departure departure, final TransferAccepted accepted, final String instanceId) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[ClientProtocol.MAX_BODY]);
        final int length = ServerMessages.redirect(
                frame,
                0,
                accepted.getClient().getHost(),
                accepted.getClient().getPort(),
                accepted.getToken().toByteArray(),
                instanceId);
        // The client goes now; the map, at its next tick, only lets the character go. When the
        // session cannot be reached from here, the map sends the REDIRECT itself.
        final boolean told =
                redirector.redirect(departure.session(), departure.characterId(), frame.byteArray(), length);
        if (departure.frozenAtMillis() > 0) {
            // Told directly or by its map within a tick: this is when the REDIRECT left this class.
            stats.redirected.observe(Math.max(0, System.currentTimeMillis() - departure.frozenAtMillis()) / 1000.0);
        }
        final int forMap = told ? 0 : length;
        if (!tell(
                departure,
                Inputs.DEPARTED,
                (buffer, index) -> Inputs.encodeDeparted(
                        buffer, index, departure.characterId(), departure.session(), frame, forMap),
                Inputs.DEPARTED_FRAME + forMap)) {
            LOG.info(
                    "character {} went to {} but its map left this node before its client could be told",
                    departure.characterId(),
                    instanceId);
        }
    }

    /**
     * Call the transfer off: CAS the character back to this node (epoch + 1). If the target's claim
     * won that race, ask the target once more for the answer it gave (offers are idempotent).
     */
    private void callOff(final Departure departure, final String realm, final String why) {
        long epoch = -2;
        for (int attempt = 0; attempt < 5 && epoch == -2; attempt++) {
            try {
                epoch = store.abortTransfer(departure.characterId(), departure.epoch(), departure.transferId(), nodeId);
            } catch (final SQLException e) {
                LOG.warn(
                        "calling off the transfer of character {} failed ({}); retrying",
                        departure.characterId(),
                        e.getMessage());
                park(200L << attempt);
            }
        }
        if (epoch == -1 && realm != null) {
            // The target claimed it after all (its answer was lost on the way): ask for that answer again.
            try {
                complete(departure, realm, System.nanoTime() + deadline.toNanos(), System.nanoTime());
                return;
            } catch (final StatusRuntimeException e) {
                LOG.warn(
                        "transfer {} of character {} was claimed but its target does not answer: {}",
                        departure.transferId(),
                        departure.characterId(),
                        e.getStatus());
            }
        }
        if (epoch < 0) {
            stats.lost.incrementAndGet();
            LOG.warn(
                    "transfer {} of character {} could not be called off ({}); its client is disconnected and the "
                            + "character is where the database says",
                    departure.transferId(),
                    departure.characterId(),
                    why);
            tell(
                    departure,
                    Inputs.TRANSFER_LOST,
                    (buffer, index) -> Inputs.encodeCharacterLost(
                            buffer, index, departure.characterId(), departure.session(), departure.epoch()),
                    Inputs.LOST_LENGTH);
            return;
        }
        stats.aborted.incrementAndGet();
        LOG.info(
                "transfer of character {} to map {} called off ({}); it stays here",
                departure.characterId(),
                departure.toMapId(),
                why);
        final long newEpoch = epoch;
        if (!tell(
                departure,
                Inputs.DEPART_FAILED,
                (buffer, index) -> Inputs.encodeDepartFailed(
                        buffer, index, departure.characterId(), departure.session(), newEpoch),
                Inputs.FAILED_LENGTH)) {
            // Nobody plays it here any more: give it back.
            try {
                store.release(departure.characterId(), newEpoch, nodeId);
            } catch (final SQLException e) {
                LOG.warn("could not give back character {}: {}", departure.characterId(), e.getMessage());
            }
        }
    }

    @FunctionalInterface
    private interface Encoder {
        void encode(MutableDirectBuffer buffer, int index);
    }

    /** Put an input on the departure's map; false when the map is gone. Waits (briefly, off the tick) for room. */
    private boolean tell(final Departure departure, final int type, final Encoder encoder, final int length) {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            final InstanceHost.Running map = instances.byHandle(departure.mapHandle());
            if (map == null) {
                return false;
            }
            final Ingress ingress = map.agent().ingress();
            try (RingClaim claim = ingress.claim(new RingClaim(), type, length)) {
                if (claim.claimed()) {
                    encoder.encode(claim.buffer(), claim.index());
                    claim.commit();
                    return true;
                }
            }
            park(5);
        }
        LOG.warn("the map of character {} took no input for 5 s", departure.characterId());
        return false;
    }

    /** What is left of the transfer's deadline, at most {@link #CALL_DEADLINE_NANOS}. */
    private static Duration callDeadline(final long deadlineNanos) {
        return Duration.ofNanos(Math.max(
                TimeUnit.MILLISECONDS.toNanos(1), Math.min(CALL_DEADLINE_NANOS, deadlineNanos - System.nanoTime())));
    }

    private static void park(final long millis) {
        if (millis > 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
        }
    }

    public Stats stats() {
        return stats;
    }

    @Override
    public void close() {
        threads.shutdownNow();
        peers.values().forEach(Channels::close);
    }
}
