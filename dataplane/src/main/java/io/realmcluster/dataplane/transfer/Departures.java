package io.realmcluster.dataplane.transfer;

import com.google.protobuf.ByteString;
import io.grpc.ChannelCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.store.CharacterKey;
import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.store.Departure;
import io.realmcluster.dataplane.transfer.Departing.State;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.InstanceRoute;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.TransferAccepted;
import io.realmcluster.proto.v1.TransferOffer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source's side of a transfer (see docs/architecture.md, "A character's transfer"), from the point
 * where the saver has frozen the character IN_TRANSFER: find where it goes, offer it to that node
 * (retried on the same transfer id until the node takes it or the deadline passes), then tell the
 * map: DEPARTED with the REDIRECT its client follows, or, when the transfer is called off, abort
 * it in the database (the same compare-and-set the target's claim races) and DEPART_FAILED with
 * the epoch that gives the character back to its map. Blocking calls run on a few threads of
 * their own, never on a tick or network thread.
 *
 * <p>Each transfer is a {@link Departing}, whose state changes in {@link Departing#transition} only. The
 * players of a map that moves to another node go in batches ({@link HandOvers}); where a character
 * goes is {@link Routes}' answer, the offer a {@link TargetNodes} call, and the map hears the outcome
 * through {@link MapNotices}. Deadlines and backoff read an injected clock and wait through an
 * injected {@link Pause}, so that tests drive the time.
 */
public final class Departures implements Consumer<List<Departure>>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Departures.class);
    private static final int THREADS = 8;
    private static final int QUEUE = 4_096;
    private static final long FIRST_RETRY_MILLIS = 20;
    private static final long MAX_RETRY_MILLIS = 500;
    /** Attempts at the abort's compare-and-set while the database fails; the waits between double. */
    private static final int ABORT_ATTEMPTS = 5;

    private static final long FIRST_ABORT_RETRY_MILLIS = 200;
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
        final AtomicLong crossings = new AtomicLong();
        final AtomicLong aborted = new AtomicLong();
        final AtomicLong lost = new AtomicLong();
        final AtomicLong nanos = new AtomicLong();
        final AtomicLongArray entries = new AtomicLongArray(State.values().length);
        final Counter retries = Counter.builder()
                .name("realm_node_transfer_offer_retries")
                .help("Offers of characters leaving this node tried again, by the gRPC code of the try that failed "
                        + "(DEADLINE_EXCEEDED: the target, or the leader it asks to admit a player into a battleground, "
                        + "did not answer in time; NOT_FOUND: the target's instance was not loaded yet)")
                .labelNames("code")
                .build();
        final Histogram redirected = Histogram.builder()
                .name("realm_node_transfer_redirect_seconds")
                .help(
                        "Characters transferred away: from the tick a map here froze them to their REDIRECT handed to their "
                                + "connection (this node's part of their time out of the world; the client's reconnect follows)")
                .classicOnly()
                .classicUpperBounds(Arrivals.BUCKET_SECONDS)
                .build();

        /** Freezes made durable: transfers begun. */
        public long started() {
            return started.get();
        }

        /** Crossings into a neighbouring cell that its node claimed. */
        public long crossings() {
            return crossings.get();
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

        /** The counter of {@code realm_node_transfer_offer_retries}, for the node's registry. */
        public Counter retries() {
            return retries;
        }

        /** The histogram of {@code realm_node_transfer_redirect_seconds}, for the node's registry. */
        public Histogram redirected() {
            return redirected;
        }

        /** How often a transfer entered {@code state} (FROZEN: again, after its batch could not settle it). */
        long entries(final State state) {
            return entries.get(state.ordinal());
        }
    }

    private final String nodeId;
    private final CharacterStore store;
    private final SourceMaps maps;
    private final Routes routes;
    private final TargetNodes targets;
    private final MapNotices notices;
    private final HandOvers handOvers;
    private volatile ByteString standbyKey = ByteString.EMPTY;
    private final Duration deadline;
    private final NanoClock clock;
    private final Pause pause;
    private final Executor threads;
    private final Stats stats = new Stats();
    private final BattlegroundTrips trips = new BattlegroundTrips();
    private volatile EntryCallOffs entryCallOffs = EntryCallOffs.NONE;

    /**
     * @param deadline how long a transfer may take from freeze to commit before it is called off
     * @param credentials how offers reach target nodes (this node's certificate, or plaintext)
     */
    public Departures(
            final String nodeId,
            final CharacterStore store,
            final InstanceHost instances,
            final Router router,
            final Redirector redirector,
            final Duration deadline,
            final ChannelCredentials credentials) {
        this(
                nodeId,
                store,
                SourceMaps.of(instances),
                router,
                new GrpcTargetNodes(credentials),
                redirector,
                deadline,
                SystemNanoClock.INSTANCE,
                SystemEpochClock.INSTANCE,
                Pause.PARK,
                new ThreadPoolExecutor(
                        THREADS,
                        THREADS,
                        0,
                        TimeUnit.SECONDS,
                        new ArrayBlockingQueue<>(QUEUE),
                        new DefaultThreadFactory("transfers", true)));
    }

    /** With every collaborator given: tests run the transfers on their own thread, with time they move. */
    Departures(
            final String nodeId,
            final CharacterStore store,
            final SourceMaps maps,
            final Router router,
            final TargetNodes targets,
            final Redirector redirector,
            final Duration deadline,
            final NanoClock clock,
            final EpochClock epochClock,
            final Pause pause,
            final Executor threads) {
        this.nodeId = nodeId;
        this.store = store;
        this.maps = maps;
        this.routes = new Routes(router, maps);
        this.targets = targets;
        this.notices = new MapNotices(maps, redirector, stats.redirected, epochClock, pause);
        this.deadline = deadline;
        this.clock = clock;
        this.pause = pause;
        this.threads = threads;
        this.handOvers = new HandOvers(this, threads, store, routes, targets, clock, nodeId);
    }

    /**
     * This node's public key (X.509) that signs the STANDBY tokens it gives the players of its moving maps: their
     * offers carry it, so that their new node can check those tokens. Set once, at start.
     */
    public void standbyKey(final byte[] x509) {
        standbyKey = ByteString.copyFrom(x509);
    }

    /** Who hears that a transfer into a battleground's match was called off (the leader). Set once, at start. */
    public void entryCallOffs(final EntryCallOffs entryCallOffs) {
        this.entryCallOffs = entryCallOffs;
    }

    /** Where a player crossing a boundary of a split continent goes: the cell of its place, and its node. */
    @FunctionalInterface
    public interface CellRoutes {
        /**
         * The cell of the continent the map of {@code mapHandle} is a cell of, whose strip holds {@code x}.
         *
         * @throws io.grpc.StatusRuntimeException UNAVAILABLE when that cell runs nowhere now (tried again)
         */
        InstanceRoute cellAt(int mapHandle, float x);
    }

    private volatile CellRoutes cellRoutes = (handle, x) -> {
        throw Status.UNAVAILABLE.withDescription("this node knows no cells").asRuntimeException();
    };

    /** Where crossings go from now on. */
    public void cellRoutes(final CellRoutes routes) {
        this.cellRoutes = routes;
    }

    ByteString standbyKey() {
        return standbyKey;
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
                targets.connect(instance.getMove().getToNode().getGrpc());
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
            final Departing departing = new Departing(departure, stats, deadline.toNanos());
            if (departure.toMapId() == Saves.SAME_INSTANCE) {
                handOvers.add(departing);
                handOver = true;
            } else {
                execute(departing);
            }
        }
        if (handOver) {
            handOvers.start();
        }
    }

    /** The transfer on its own, on one of this class's threads. */
    void execute(final Departing departing) {
        try {
            threads.execute(() -> transfer(departing));
        } catch (final RejectedExecutionException e) {
            LOG.warn("too many transfers at once; calling off the transfer of character {}", departing.characterId());
            callOff(departing, null, "too many transfers at once");
        }
    }

    private void transfer(final Departing departing) {
        Failpoints.reach(Failpoints.SOURCE_AFTER_FREEZE);
        final Departure departure = departing.departure;
        final MapInstance source = maps.assignment(departure.mapHandle());
        if (!store.transfers() || source == null) {
            callOff(
                    departing,
                    null,
                    store.transfers() ? "its map left this node" : "this node keeps its characters to itself");
            return;
        }
        final String realm = source.getRealm();
        departing.transition(State.OFFERING, clock.nanoTime(), "to map " + departure.toMapId());
        long backoff = FIRST_RETRY_MILLIS;
        String why = "no answer";
        while (clock.nanoTime() - departing.deadlineNanos() < 0) {
            try {
                complete(departing, realm);
                return;
            } catch (final StatusRuntimeException e) {
                why = e.getStatus().getCode() + ": " + e.getStatus().getDescription();
                if (!retryable(e.getStatus().getCode())) {
                    break;
                }
                stats.retries.labelValues(e.getStatus().getCode().name()).inc();
            }
            backOff(
                    departing,
                    Math.min(backoff, TimeUnit.NANOSECONDS.toMillis(departing.deadlineNanos() - clock.nanoTime())),
                    why);
            backoff = Math.min(MAX_RETRY_MILLIS, backoff * 2);
        }
        callOff(departing, realm, why);
    }

    /** Wait {@code millis} (none when not positive) before the next offer. */
    private void backOff(final Departing departing, final long millis, final String why) {
        if (millis <= 0) {
            return;
        }
        final long now = clock.nanoTime();
        departing.transition(State.BACKING_OFF, now, now + TimeUnit.MILLISECONDS.toNanos(millis), why);
        pause.pauseNanos(departing.retryAtNanos() - now);
        departing.transition(State.OFFERING, clock.nanoTime(), "trying again");
    }

    /** Route, offer, and on the target's answer tell the map; throws the failure of the route or the offer. */
    private void complete(final Departing departing, final String realm) {
        final Departure departure = departing.departure;
        final BattlegroundTrips.Trip trip = trips.of(departure.characterId(), departure.toMapId());
        final BattlegroundTrips.Homeward home = trips.homeOf(departure.characterId(), departure.toMapId());
        final InstanceRoute route;
        if (departure.toMapId() == Saves.SAME_INSTANCE) {
            route = routes.handOver(departure);
        } else if (Saves.toCellOfPlace(departure.toMapId())) {
            // Across a boundary (or out of a splitting whole continent) of its split continent: known without asking,
            // from the cells this node was told of.
            route = cellRoutes.cellAt(departure.mapHandle(), departure.x());
        } else if (trip != null) {
            // Into a battleground: the accept named the match's instance and node.
            route = trip.route();
        } else if (home != null) {
            // Home from a battleground: routed before the player was frozen.
            route = home.route();
        } else {
            route = routes.route(
                    departure.toMapId(),
                    realm,
                    "c" + departure.characterId(),
                    callDeadline(departing.deadlineNanos(), clock.nanoTime()));
        }
        TransferOffer offer = Saves.toCellOfPlace(departure.toMapId())
                // Its client may stand by on the neighbour's node with a token of this node's: the key to check it.
                ? offerOf(nodeId, route, departure, characterRealm(store, departure, realm), standbyKey())
                : offerOf(nodeId, route, departure, characterRealm(store, departure, realm));
        if (trip != null) {
            offer = offer.toBuilder()
                    .setMatchId(trip.matchId())
                    .setTeam(trip.team())
                    .build();
        } else if (home != null) {
            offer = offer.toBuilder().setBattlegroundReturn(home.back()).build();
        }
        final TransferAccepted accepted = targets.offer(
                route.getNode().getGrpc(), offer, callDeadline(departing.deadlineNanos(), clock.nanoTime()));
        Failpoints.reach(Failpoints.SOURCE_AFTER_OFFER);
        departed(departing, accepted, route);
    }

    /** The target claimed it: redirect its client, tell its map. */
    void departed(final Departing departing, final TransferAccepted accepted, final InstanceRoute route) {
        final String instanceId = route.getInstance().getInstanceId();
        if (!notices.departed(departing.departure, accepted, instanceId)) {
            LOG.info(
                    "character {} went to {} but its map left this node before its client could be told",
                    departing.characterId(),
                    instanceId);
        }
        forgetTrip(departing, true);
        departing.transition(
                State.DEPARTED,
                clock.nanoTime(),
                "went to " + instanceId + " on " + route.getNode().getNodeId());
    }

    /**
     * Call the transfer off: CAS the character back to this node (epoch + 1). If the target's claim
     * won that race, ask the target once more for the answer it gave (offers are idempotent); with no
     * {@code realm} (it was never offered) there is nobody to ask.
     */
    void callOff(final Departing departing, final String realm, final String why) {
        departing.transition(State.CALLING_OFF, clock.nanoTime(), why);
        final Departure departure = departing.departure;
        final long epoch = abort(departure);
        if (epoch == -1 && realm != null) {
            // The target claimed it after all (its answer was lost on the way): ask for that answer again.
            departing.transition(State.ASKING_AGAIN, clock.nanoTime(), "the target claimed it first");
            try {
                complete(departing, realm);
                return;
            } catch (final StatusRuntimeException e) {
                LOG.warn(
                        "transfer {} of character {} was claimed but its target does not answer: {}",
                        departure.transferId(),
                        departure.characterId(),
                        e.getStatus());
            }
        }
        final BattlegroundTrips.Trip entry = trips.of(departing.characterId(), departure.toMapId());
        // Claimed (-1) though its target no longer answers: a trip home is over all the same.
        forgetTrip(departing, epoch == -1);
        if (epoch < 0) {
            departing.transition(State.LOST, clock.nanoTime(), why);
            notices.lost(departure);
            return;
        }
        departing.transition(State.ABORTED, clock.nanoTime(), why);
        if (entry != null) {
            // The abort won: its battleground's node never claimed it, whatever seat the leader gave it there.
            calledOffEntry(departure, entry, realm, why);
        }
        if (!notices.departFailed(departure, epoch)) {
            // Nobody plays it here any more: give it back.
            try {
                store.release(departure.characterId(), epoch, nodeId);
            } catch (final SQLException e) {
                LOG.warn("could not give back character {}: {}", departure.characterId(), e.getMessage());
            }
        }
    }

    private void calledOffEntry(
            final Departure departure, final BattlegroundTrips.Trip entry, final String mapRealm, final String why) {
        final String realm = characterRealm(store, departure, mapRealm);
        if (realm == null) {
            return;
        }
        LOG.info(
                "the entry of character {} of realm {} into match {} was called off ({}); its seat is given back",
                CharacterKey.id(departure.characterId()),
                realm,
                entry.matchId(),
                why);
        entryCallOffs.calledOff(
                realm,
                CharacterKey.id(departure.characterId()),
                entry.matchId(),
                departure.transferId().toString(),
                why);
    }

    private void forgetTrip(final Departing departing, final boolean departed) {
        final BattlegroundTrips.Trip trip = trips.of(departing.characterId(), departing.departure.toMapId());
        if (trip != null) {
            trips.done(departing.characterId(), trip);
        }
        final BattlegroundTrips.Homeward home = trips.homeOf(departing.characterId(), departing.departure.toMapId());
        if (home != null) {
            trips.homeDone(departing.characterId(), home, departed);
        }
    }

    /** Players of this node on their way into a battleground: the sessions plan them, the saver reads them. */
    public BattlegroundTrips trips() {
        return trips;
    }

    /**
     * The abort's compare-and-set, tried again while the database fails: the new epoch; -1 when the
     * transfer was claimed or swept meanwhile; -2 when the database never answered.
     */
    private long abort(final Departure departure) {
        long epoch = -2;
        for (int attempt = 0; attempt < ABORT_ATTEMPTS && epoch == -2; attempt++) {
            try {
                epoch = store.abortTransfer(departure.characterId(), departure.epoch(), departure.transferId(), nodeId);
            } catch (final SQLException e) {
                LOG.warn(
                        "calling off the transfer of character {} failed ({}); retrying",
                        departure.characterId(),
                        e.getMessage());
                pause.pauseNanos(TimeUnit.MILLISECONDS.toNanos(FIRST_ABORT_RETRY_MILLIS << attempt));
            }
        }
        return epoch;
    }

    /**
     * The realm of {@code departure}'s character, which its offer names (a battleground holds players of
     * several realms); {@code mapRealm} for a key no realm of {@code store} names (tests that make keys by hand).
     */
    static String characterRealm(final CharacterStore store, final Departure departure, final String mapRealm) {
        try {
            return store.realms().realmOf(departure.characterId());
        } catch (final IllegalArgumentException unknown) {
            return mapRealm;
        }
    }

    /** The offer of {@code departure}'s character (of {@code realm}), by its id in its realm's database. */
    static TransferOffer offerOf(
            final String sourceNode, final InstanceRoute route, final Departure departure, final String realm) {
        return offerOf(sourceNode, route, departure, realm, ByteString.EMPTY);
    }

    /** An offer of a player of a moving map, whose STANDBY token {@code standbyKey} (this node's) signed. */
    static TransferOffer offerOf(
            final String sourceNode,
            final InstanceRoute route,
            final Departure departure,
            final String realm,
            final ByteString standbyKey) {
        return TransferOffer.newBuilder()
                .setSourceStandbyKey(standbyKey)
                .setTransferId(departure.transferId().toString())
                .setCharacterId(CharacterKey.id(departure.characterId()))
                .setRealm(realm)
                .setEpoch(departure.epoch())
                .setSourceNode(sourceNode)
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

    /** What is left of a try's deadline at {@code now}, at least a millisecond, at most {@link #CALL_DEADLINE_NANOS}. */
    static Duration callDeadline(final long deadlineNanos, final long now) {
        return Duration.ofNanos(
                Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(CALL_DEADLINE_NANOS, deadlineNanos - now)));
    }

    /** This node's transfers away, counted. */
    public Stats stats() {
        return stats;
    }

    @Override
    public void close() {
        if (threads instanceof ExecutorService executor) {
            executor.shutdownNow();
        }
        targets.close();
    }
}
