package io.realmcluster.dataplane;

import io.grpc.ChannelCredentials;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.auth.Ed25519TokenKeys;
import io.realmcluster.common.auth.NodeTokenKey;
import io.realmcluster.common.auth.TokenKey;
import io.realmcluster.common.auth.TokenVerifier;
import io.realmcluster.common.auth.UsedTokens;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.grpc.Callers;
import io.realmcluster.common.grpc.GrpcServers;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.metrics.MetricsEndpoint;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.PeerIdentity;
import io.realmcluster.common.tls.Role;
import io.realmcluster.dataplane.cells.CellLinks;
import io.realmcluster.dataplane.link.ControlPlaneLink;
import io.realmcluster.dataplane.link.GrpcEntryAdmission;
import io.realmcluster.dataplane.link.GrpcEntryCallOffs;
import io.realmcluster.dataplane.link.GrpcMatchReports;
import io.realmcluster.dataplane.link.GrpcPeers;
import io.realmcluster.dataplane.link.GrpcQueueDesk;
import io.realmcluster.dataplane.link.PartitionWatch;
import io.realmcluster.dataplane.link.PeerService;
import io.realmcluster.dataplane.link.PlacementClient;
import io.realmcluster.dataplane.net.BattlegroundExits;
import io.realmcluster.dataplane.net.ClientListener;
import io.realmcluster.dataplane.net.ClientMetrics;
import io.realmcluster.dataplane.net.ClientSessions;
import io.realmcluster.dataplane.net.ClientTls;
import io.realmcluster.dataplane.net.InviteBoard;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.EphemeralCharacterStore;
import io.realmcluster.dataplane.store.ItemIdPool;
import io.realmcluster.dataplane.store.PostgresCharacterStore;
import io.realmcluster.dataplane.store.RealmStores;
import io.realmcluster.dataplane.store.Saver;
import io.realmcluster.dataplane.tick.RealtimeThreads;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.transfer.Departures;
import io.realmcluster.dataplane.transfer.EntryCallOffs;
import io.realmcluster.dataplane.transfer.Failpoints;
import io.realmcluster.dataplane.transfer.TransferService;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeDescriptor;
import java.lang.management.ManagementFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A data-plane node wired together: its listeners, its link to the control plane, metrics. */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    /** Client sessions one node holds at most. */
    private static final int MAX_SESSIONS = 20_000;
    /** What the maps may have waiting for the saver: 8 MiB, about 95,000 records. */
    private static final int SAVE_LOG_BYTES = 8 << 20;
    /** Threads for the character store's blocking calls (claims at login), and logins they may queue. */
    private static final int STORE_THREADS = 4;

    private static final int STORE_QUEUE = 4_096;
    /**
     * One connection for each thread that may use the database at once, so none waits for one: the
     * store threads, the transfer threads, the saver, and one for housekeeping and called-off transfers.
     */
    public static final int DATABASE_CONNECTIONS = STORE_THREADS + TransferService.THREADS + 2;
    /** How long a stopping node waits for its maps to let their players go before saving what is left. */
    private static final long LEAVE_DEADLINE_MILLIS = 2_000;
    /** How long a transfer away may take, from freeze to the target's claim, before it is called off. */
    private static final Duration TRANSFER_DEADLINE = Duration.ofSeconds(10);

    private final NodeConfig config;
    private final PrometheusRegistry metrics = new PrometheusRegistry();
    private final HealthStatusManager health = new HealthStatusManager();
    private TickScheduler ticks;
    private InstanceHost instances;
    private MetricsEndpoint metricsEndpoint;
    private Server server;
    private volatile ClientListener clients;
    private ClientTls clientTls;
    private volatile ControlPlaneLink link;
    private GrpcPeers peers;
    /** The streams of this node's cells' ghosts to and from their neighbours. */
    private CellLinks cellLinks;
    /** The character databases: the shared one and each realm's own. */
    private final List<Database> databases = new ArrayList<>();

    private ThreadPoolExecutor storeThreads;
    private ExecutorService transferThreads;
    private AgentRunner saverRunner;
    /** Item ids reserved ahead per realm database, for the maps' loots and splits. */
    private ItemIdPool itemIds;

    private PlacementClient placement;
    private Departures departures;
    private ScheduledExecutorService housekeeping;
    private BattlegroundExits exits;
    private GrpcTls tls;

    public Node(final NodeConfig config) {
        this.config = config;
    }

    /** Bind every listener (one-line {@code StartupException} on failure), then register in the background. */
    public Node start() {
        try {
            tls = GrpcTls.orPlaintext(config.tls());
            if (tls != null) {
                tls.requireIdentity(new PeerIdentity(Role.NODE, config.nodeId()));
            }
            final ChannelCredentials credentials = GrpcTls.channel(tls);
            metricsEndpoint = MetricsEndpoint.start(config.metricsListen(), metrics);
            final CharacterStore store = openStore();
            itemIds = new ItemIdPool(store).start();
            NodeMetrics.itemIds(metrics, itemIds);
            final RealtimeThreads realtime = new RealtimeThreads(config.tickRealtimePriority(), config.tickThreads());
            ticks = new TickScheduler(config.tickThreads(), realtime, error -> LOG.error("a map's tick failed", error));
            final SaveLog saveLog = SaveLog.allocate(SAVE_LOG_BYTES);
            instances = new InstanceHost(
                    config.nodeId(),
                    ticks,
                    saveLog,
                    this::mapLeft,
                    NodeMetrics.tickTimes(metrics),
                    config.battlegroundPreparation().toMillis(),
                    config.battlegroundEnd().toMillis(),
                    config.battlegroundUnderMinimum().toMillis(),
                    config.scoresToEnd(),
                    itemIds);
            placement = new PlacementClient(config.controlPlanes(), credentials);
            final ClientSessions sessions = new ClientSessions(MAX_SESSIONS);
            departures = new Departures(
                    config.nodeId(), store, instances, placement, sessions::redirect, TRANSFER_DEADLINE, credentials);
            final Saver saver = new Saver(
                    saveLog,
                    store,
                    config.nodeId(),
                    instances,
                    SystemNanoClock.INSTANCE,
                    departures,
                    sessions::logoutSaved);
            saver.entries(departures.trips()::matchOf);
            saverRunner = new AgentRunner(
                    new SleepingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(1)),
                    error -> LOG.error("the saver failed", error),
                    null,
                    saver);
            AgentRunner.startOnThread(saverRunner);
            storeThreads = new ThreadPoolExecutor(
                    STORE_THREADS,
                    STORE_THREADS,
                    0,
                    TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(STORE_QUEUE),
                    new DefaultThreadFactory("character-store", true));
            // Login tokens come signed by the control plane; transfer tokens by this node's own key, which never leaves
            // the process; a STANDBY token this node gives a moving map's players by a key its transfers' offers carry.
            final NodeTokenKey ownKey = NodeTokenKey.random(new SecureRandom());
            final List<TokenKey> tokenKeys = new ArrayList<>(config.tokenKeys());
            tokenKeys.add(ownKey);
            final TokenVerifier tokens = new TokenVerifier(tokenKeys, new UsedTokens(UsedTokens.DEFAULT_CAPACITY));
            final KeyPair standbyKeys = Ed25519TokenKeys.generate();
            departures.standbyKey(standbyKeys.getPublic().getEncoded());
            final Arrivals arrivals = new Arrivals();
            housekeeping = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("housekeeping", true));
            final long lookEveryMillis =
                    Math.min(5_000, Math.max(200, config.transferArrival().toMillis() / 4));
            final GrpcQueueDesk queueDesk = new GrpcQueueDesk(placement.channel(), config.nodeId());
            final EntryCallOffs entryCallOffs = new GrpcEntryCallOffs(placement.channel());
            housekeeping.scheduleWithFixedDelay(
                    () -> releaseNoShows(arrivals, store, entryCallOffs),
                    lookEveryMillis,
                    lookEveryMillis,
                    TimeUnit.MILLISECONDS);
            if (config.tls() != null) {
                clientTls = ClientTls.start(config.tls(), metrics);
                if (!clientTls.names(config.advertiseHost())) {
                    LOG.warn(
                            "the game-client certificate {} does not name {}, the host this node gives players: they "
                                    + "will refuse it; issue it with --host {} (realmctl pki issue)",
                            config.tls().certificate(),
                            config.advertiseHost(),
                            config.advertiseHost());
                }
            }
            clients = ClientListener.bind(
                    config.clientListen(),
                    Math.max(1, Runtime.getRuntime().availableProcessors()),
                    new ClientListener.Serving(
                            config.nodeId(),
                            tokens,
                            Ed25519TokenKeys.signer(standbyKeys.getPrivate(), standbyKeys.getPublic()),
                            instances,
                            sessions,
                            new ClientMetrics(metrics, sessions),
                            store,
                            storeThreads,
                            arrivals,
                            queueDesk,
                            departures.trips()),
                    realtime.egressFactory(),
                    config.clientLimits(),
                    clientTls);
            final TransferService transfers = new TransferService(
                    config.nodeId(),
                    store,
                    instances,
                    arrivals,
                    ownKey,
                    endpoint(config.advertiseHost(), clients.address()),
                    config.transferArrival(),
                    System::currentTimeMillis);
            transfers.admission(new GrpcEntryAdmission(placement.channel()));
            departures.entryCallOffs(entryCallOffs);
            exits = new BattlegroundExits(
                            instances,
                            sessions,
                            placement,
                            departures.trips(),
                            new GrpcMatchReports(placement.channel()),
                            SystemEpochClock.INSTANCE,
                            SystemNanoClock.INSTANCE)
                    .start();
            NodeMetrics.register(
                    metrics, instances, ticks, realtime, saver.stats(), departures.stats(), transfers::transfersIn);
            metrics.register(transfers.admissions());
            transferThreads = TransferService.threads();
            cellLinks = new CellLinks(instances, credentials).start();
            departures.cellRoutes(cellLinks::cellAt);
            NodeMetrics.cells(metrics, cellLinks, departures.stats()::crossings);
            sessions.cells(cellLinks::across);
            // Only nodes offer transfers; without TLS there is no one to tell apart.
            server = GrpcServers.start(
                    "gRPC (Transfer, Peer and CellLink, for peer nodes)",
                    config.listen(),
                    GrpcTls.mutualServer(tls),
                    health,
                    transferThreads,
                    List.of(
                            Callers.only(tls != null, transfers, Role.NODE),
                            Callers.only(tls != null, new PeerService(() -> link), Role.NODE),
                            Callers.only(tls != null, cellLinks, Role.NODE)));
            final HostPort grpc = GrpcServers.boundAddress(server, config.listen());
            final NodeDescriptor descriptor = NodeDescriptor.newBuilder()
                    .setNodeId(config.nodeId())
                    .setGrpc(endpoint(config.advertiseHost(), grpc))
                    .setClient(endpoint(config.advertiseHost(), clients.address()))
                    .addAllPools(config.pools())
                    .setCapacityPlayers(config.capacityPlayers())
                    .setVersion(
                            Node.class.getPackage().getImplementationVersion() == null
                                    ? "dev"
                                    : Node.class.getPackage().getImplementationVersion())
                    .setStartedAtUnixMs(System.currentTimeMillis())
                    .setIncarnation(config.incarnation())
                    .addAllRealms(store.realms().held())
                    .build();
            health.setStatus("", ServingStatus.SERVING);
            LOG.info(
                    "node {} serving gRPC on {}, game clients on {} ({}), metrics on http://{}/metrics",
                    config.nodeId(),
                    grpc,
                    clients.address(),
                    clientTls != null ? "tcp over TLS, udp" : "tcp+udp",
                    metricsEndpoint.address());
            if (databases.isEmpty()) {
                LOG.warn(
                        "no --db-url: characters are NOT saved; they start at level 1 and are forgotten when this node "
                                + "stops (for tests only)");
            }
            if (Failpoints.warning() != null) {
                LOG.warn(Failpoints.warning());
            }
            link = new ControlPlaneLink(
                    descriptor,
                    config.controlPlanes(),
                    () -> instances.load(arrivals::expects),
                    this::apply,
                    () -> Arrays.stream(instances.snapshot())
                            .map(InstanceHost.Running::assignment)
                            .toList(),
                    credentials);
            final InviteBoard invites = new InviteBoard(sessions, store.realms(), System::currentTimeMillis);
            sessions.onWorldEntered(invites::retell);
            link.onInvites(invites::apply);
            link.onOwnershipConfirmed(instances.ownershipConfirmations());
            peers = new GrpcPeers(config.nodeId(), credentials);
            final ControlPlaneLink linked = link;
            final PartitionWatch partitions =
                    new PartitionWatch(config.nodeId(), linked, peers, linked::dropAll, System::nanoTime);
            NodeMetrics.cutOff(metrics, partitions::closedCount);
            housekeeping.scheduleWithFixedDelay(partitions::check, 1, 1, TimeUnit.SECONDS);
            link.start();
            return this;
        } catch (final RuntimeException e) {
            close();
            throw e;
        }
    }

    private CharacterStore openStore() {
        if (config.dbUrl() == null && config.realmDatabases().isEmpty()) {
            // Said once the node is up (see start), so that a node that cannot start says only why.
            return new EphemeralCharacterStore();
        }
        final long opening = System.nanoTime();
        final PostgresCharacterStore shared = config.dbUrl() == null
                ? null
                : new PostgresCharacterStore(
                        openDatabase("characters", config.dbUrl(), config.dbCredentials(), "--db-url"));
        final Map<String, PostgresCharacterStore> own = new LinkedHashMap<>();
        config.realmDatabases()
                .forEach((realm, settings) -> own.put(
                        realm,
                        new PostgresCharacterStore(openDatabase(
                                "characters-" + realm,
                                settings.url(),
                                settings.credentials(),
                                "--realm-db " + realm + "=..."))));
        final RealmStores store = new RealmStores(own, shared);
        // How long each took: a slow start says whether the JVM or the databases held it up.
        LOG.info(
                "characters of {} in {} database(s), opened and migrated in {} ms ({} ms after the JVM started)",
                store.realms().holdsEveryRealm()
                        ? "every realm"
                        : "realms " + store.realms().held(),
                databases.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opening),
                ManagementFactory.getRuntimeMXBean().getUptime());
        try {
            // This node id's earlier process died with these (a crash, a kill): nobody plays them any more.
            final int released = store.releaseAll(config.nodeId());
            if (released > 0) {
                LOG.info("gave back {} characters an earlier run of node {} left claimed", released, config.nodeId());
            }
        } catch (final SQLException e) {
            throw new StartupException("cannot give back the characters an earlier run of node " + config.nodeId()
                    + " left claimed: " + e.getMessage());
        }
        return store;
    }

    /** Open a character database and bring its realm schema up to date; closed with the node. */
    private Database openDatabase(
            final String pool, final String url, final DatabaseCredentials credentials, final String flag) {
        final Database database;
        try {
            database = Database.open(pool, url, credentials, config.dbCa(), DATABASE_CONNECTIONS);
        } catch (final StartupException e) {
            throw new StartupException(flag + ": " + e.getMessage(), e);
        }
        databases.add(database);
        // Characters only: the accounts schema is the control plane's, perhaps in another database.
        database.migrate(Database.Schema.REALM);
        return database;
    }

    /** Give back characters this node claimed in a transfer whose clients never came. */
    private void releaseNoShows(final Arrivals arrivals, final CharacterStore store, final EntryCallOffs callOffs) {
        for (final Arrivals.Arrival arrival : arrivals.expire(System.currentTimeMillis())) {
            try {
                store.release(arrival.claim().key(), arrival.claim().epoch(), config.nodeId());
                LOG.info(
                        "character {} was transferred here but its client never came; it is OFFLINE again",
                        arrival.claim().characterId());
                noShowInMatch(callOffs, arrival);
            } catch (final SQLException | RuntimeException e) {
                LOG.warn(
                        "could not give back character {} whose client never came: {}",
                        arrival.claim().characterId(),
                        e.getMessage());
            }
        }
    }

    /**
     * A no-show into a battleground's match (its client quit on the loading screen): the player never got in
     * (its row, given back, is still where it stood at home, and its next login goes there), so its seat, ENTERED
     * at the admission, is given back as a called-off entry's: LEFT, no Deserter, and the match topped up.
     * Whether it was one.
     */
    static boolean noShowInMatch(final EntryCallOffs callOffs, final Arrivals.Arrival arrival) {
        final ClaimedCharacter.BattlegroundEntry entry = arrival.claim().battleground();
        if (entry == null
                || arrival.team() == 0
                || entry.matchId() == null
                || entry.matchId().isEmpty()) {
            return false;
        }
        callOffs.calledOff(
                arrival.claim().realm(),
                arrival.claim().characterId(),
                entry.matchId(),
                arrival.transferId(),
                "its client never came to the battleground's node");
        return true;
    }

    private void mapLeft(final MapInstance gone) {
        final ClientListener listener = clients;
        if (listener != null) {
            listener.mapLeft(gone);
        }
    }

    /** Wait (a bounded while) for the maps to process their players' leaves, which saves them. */
    private void awaitPlayersGone() {
        if (instances == null) {
            return;
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LEAVE_DEADLINE_MILLIS);
        while (System.nanoTime() - deadline < 0
                && instances.instances().stream()
                        .anyMatch(running -> running.world().players() > 0)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static Endpoint endpoint(final String advertiseHost, final HostPort bound) {
        final String host = advertiseHost != null ? advertiseHost : bound.host();
        return Endpoint.newBuilder().setHost(host).setPort(bound.port()).build();
    }

    /**
     * An assignment set from the control plane: connect ahead to where maps move (and tell their
     * players to stand by there), then load and unload maps.
     */
    private List<AssignmentAck> apply(final AssignmentSet set) {
        if (departures != null) {
            departures.connectAhead(set);
        }
        if (clients != null) {
            // Before the maps hear of a hand-over: each STANDBY goes out ahead of its player's REDIRECT.
            clients.standBy(set);
        }
        final List<AssignmentAck> acks = instances.apply(set);
        if (cellLinks != null) {
            cellLinks.apply(set);
        }
        return acks;
    }

    @Override
    public void close() {
        health.enterTerminalState();
        if (link != null) {
            step("the control-plane link", link::close);
        }
        if (clients != null) {
            step("the players' leaving", () -> {
                clients.disconnectAll(DisconnectReason.SHUTDOWN, "the node is stopping");
                awaitPlayersGone();
                clients.close();
            });
        }
        if (clientTls != null) {
            clientTls.close();
        }
        if (server != null) {
            step("the gRPC server", () -> GrpcServers.shutdown(server, 1_000));
        }
        if (ticks != null) {
            step("the tick threads", ticks::close);
        }
        if (instances != null) {
            // Whoever did not leave in time is saved as the maps last saw them.
            instances.instances().forEach(running -> running.world().logoutAll());
        }
        if (itemIds != null) {
            itemIds.close();
        }
        if (saverRunner != null) {
            step("the saver's last saves", saverRunner::close);
        }
        if (departures != null) {
            step("the departures", departures::close);
        }
        if (placement != null) {
            step("the placement client", placement::close);
        }
        if (peers != null) {
            peers.close();
        }
        if (cellLinks != null) {
            cellLinks.close();
        }
        if (exits != null) {
            exits.close();
        }
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        if (transferThreads != null) {
            transferThreads.shutdownNow();
        }
        if (storeThreads != null) {
            storeThreads.shutdownNow();
        }
        step("the databases", () -> {
            databases.forEach(Database::close);
            databases.clear();
        });
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    /** One step of the stop, said in the log when it took over a second: what a slow stop waited for. */
    private static void step(final String what, final Runnable step) {
        final long started = System.nanoTime();
        step.run();
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (millis > 1_000) {
            LOG.warn("stopping: {} took {} ms", what, millis);
        }
    }
}
