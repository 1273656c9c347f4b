package io.realmcluster.controlplane;

import io.etcd.jetcd.ByteSequence;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.auth.PasswordHasher;
import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.RealmDatabases;
import io.realmcluster.common.grpc.CallPool;
import io.realmcluster.common.grpc.Callers;
import io.realmcluster.common.grpc.ClientAddress;
import io.realmcluster.common.grpc.GrpcServers;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.metrics.MetricsEndpoint;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.Role;
import io.realmcluster.controlplane.admin.AdminService;
import io.realmcluster.controlplane.battleground.BattlegroundAdminService;
import io.realmcluster.controlplane.battleground.BattlegroundService;
import io.realmcluster.controlplane.battleground.BattlegroupStore;
import io.realmcluster.controlplane.battleground.DisconnectGrace;
import io.realmcluster.controlplane.battleground.InvitePublisher;
import io.realmcluster.controlplane.battleground.Invites;
import io.realmcluster.controlplane.battleground.MatchController;
import io.realmcluster.controlplane.battleground.MatchInstances;
import io.realmcluster.controlplane.battleground.MatchMetrics;
import io.realmcluster.controlplane.battleground.MatchRejoins;
import io.realmcluster.controlplane.battleground.MatchStore;
import io.realmcluster.controlplane.battleground.Matchmaker;
import io.realmcluster.controlplane.battleground.QueueStore;
import io.realmcluster.controlplane.battleground.QueueSweeper;
import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.controlplane.characters.CharacterSweeper;
import io.realmcluster.controlplane.characters.InvariantChecker;
import io.realmcluster.controlplane.characters.MoveFailpoints;
import io.realmcluster.controlplane.characters.RealmMoves;
import io.realmcluster.controlplane.election.ControlPlanes;
import io.realmcluster.controlplane.election.LeaderElection;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.controlplane.login.AccountStore;
import io.realmcluster.controlplane.login.CharacterRoster;
import io.realmcluster.controlplane.login.LoginGuard;
import io.realmcluster.controlplane.login.LoginService;
import io.realmcluster.controlplane.login.MatchReturns;
import io.realmcluster.controlplane.login.PlacementRouter;
import io.realmcluster.controlplane.login.ResumeCredentials;
import io.realmcluster.controlplane.login.ResumeGuard;
import io.realmcluster.controlplane.login.RouteWaits;
import io.realmcluster.controlplane.nodelink.NodeLinkService;
import io.realmcluster.controlplane.placement.AckRecorder;
import io.realmcluster.controlplane.placement.AssignmentPublisher;
import io.realmcluster.controlplane.placement.CharacterPlacement;
import io.realmcluster.controlplane.placement.ClusterState;
import io.realmcluster.controlplane.placement.ClusterView;
import io.realmcluster.controlplane.placement.LeaderForwarder;
import io.realmcluster.controlplane.placement.PlacementController;
import io.realmcluster.controlplane.placement.PlacementService;
import io.realmcluster.controlplane.registry.NodeRegistry;
import io.realmcluster.proto.v1.BattlegroundsGrpc;
import io.realmcluster.proto.v1.CellLayout;
import io.realmcluster.proto.v1.ControlPlaneReplica;
import io.realmcluster.proto.v1.CreateInstanceRequest;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.NodeLinkGrpc;
import io.realmcluster.proto.v1.NodeStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One control-plane replica wired together: etcd, the gRPC services, metrics. Started by {@link ControlPlaneMain}. */
public final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

    private final ControlPlaneConfig config;
    private final Consumer<String> moveSteps;
    private final PrometheusRegistry metrics = new PrometheusRegistry();
    private final HealthStatusManager health = new HealthStatusManager();
    private EtcdStore store;
    private Duration etcdStartupWait = Duration.ZERO;
    private NodeLinkService nodeLinks;
    private PlacementController controller;
    private AssignmentPublisher publisher;
    private ClusterView view;
    private LeaderElection election;
    private LeaderForwarder forwarder;
    private CharacterSweeper sweeper;
    private QueueSweeper queueSweeper;
    private final Duration matchPassEvery;
    /** How long an entered battleground player who disconnected keeps its seat; set before {@link #start}. */
    private Duration battlegroundGrace = DisconnectGrace.DEFAULT;
    /** Where logins of characters saved in a battleground's match go; made in {@link #start}. */
    private MatchReturns matchReturns = MatchReturns.HOME;

    private volatile MatchController matchController;
    private InvitePublisher invitePublisher;
    /** A transfer that has not committed in this long was interrupted: the sweeper gives its character back. */
    /** The longest wait between two tries to reach etcd at startup. */
    private static final Duration ETCD_WAIT_CAP = Duration.ofSeconds(5);

    private static final long STALE_TRANSFER_SECONDS = 30;

    private static final long SWEEP_EVERY_MILLIS = 2_000;
    /**
     * The largest message the control plane takes: its biggest are a node's hello and load reports (a few
     * kilobytes for hundreds of instances); a caller cannot make it buffer more per message.
     */
    private static final int MAX_INBOUND_BYTES = 1 << 20;

    private LoginGuard loginGuard;
    private ResumeGuard resumeGuard;
    private RouteWaits routeWaits;
    /** How long a resume credential lives ({@code --resume-ttl}). */
    private Duration resumeTtl = Duration.ofHours(12);

    private RealmDatabases databases;
    /**
     * Threads of each listener. Node links and operators get more than players: a login flood fills
     * the public pool (and is refused RESOURCE_EXHAUSTED) without taking a thread from a node's link.
     */
    private static final int INTERNAL_THREADS = 5;
    /** Threads of the nodes' links alone. */
    private static final int NODE_LINK_THREADS = 4;
    /**
     * Threads of a player's way into a battleground alone (its node's AnswerInvite, the battleground
     * node's AdmitEntry): never queued behind queue joins and status requests waiting on etcd. Taken from
     * the other calls' threads (8 before), so that no more calls wait on etcd at once than before: at the
     * peak of a local cluster's logins and queue joins etcd answered the links' lease renewals in over 3 s
     * when the lane came on top of the 8.
     */
    private static final int ENTRY_THREADS = 3;

    private static final int INTERNAL_QUEUE = 2_048;
    private static final int PUBLIC_THREADS = 4;
    private static final int PUBLIC_QUEUE = 256;
    /**
     * Threads and queue of Resume (two reads and a write of PostgreSQL and a read of etcd each): a dead
     * node's hundreds of players wait in the queue, not behind password checks; past it they back off.
     */
    private static final int RESUME_THREADS = 4;

    private static final int RESUME_QUEUE = 1_024;
    /** Resumes waiting for their continent at most: a large node's players, a few hundred bytes each. */
    private static final int ROUTE_WAITS = 20_000;

    private GrpcTls tls;
    private CallPool internalCalls;
    private CallPool publicCalls;
    private Server internalServer;
    private Server publicServer;
    private MetricsEndpoint metricsEndpoint;
    private HostPort internalAddress;
    private HostPort publicAddress;

    public ControlPlane(final ControlPlaneConfig config) {
        this(config, MoveFailpoints.HALT, MatchController.DEFAULT_EVERY);
    }

    /** A replica whose characters' moves between realms tell {@code moveSteps} each step they reach (tests). */
    public ControlPlane(final ControlPlaneConfig config, final Consumer<String> moveSteps) {
        this(config, moveSteps, MatchController.DEFAULT_EVERY);
    }

    /** {@code matchPassEvery}: the time between the matchmaker's periodic passes on the leader. */
    public ControlPlane(final ControlPlaneConfig config, final Duration matchPassEvery) {
        this(config, MoveFailpoints.HALT, matchPassEvery);
    }

    /** A replica with both of the above. */
    public ControlPlane(
            final ControlPlaneConfig config, final Consumer<String> moveSteps, final Duration matchPassEvery) {
        this.config = config;
        this.moveSteps = moveSteps;
        this.matchPassEvery = matchPassEvery;
    }

    /** How long a resume credential given at Login or Resume stays valid (before {@link #start}). */
    public ControlPlane resumeTtl(final Duration ttl) {
        this.resumeTtl = ttl;
        return this;
    }

    /** How long {@link #start} waits for etcd to answer before it gives up (before {@link #start}; zero: forever). */
    public ControlPlane etcdStartupWait(final Duration wait) {
        if (wait.isNegative()) {
            throw new IllegalArgumentException("the wait for etcd must not be negative, got " + wait);
        }
        this.etcdStartupWait = wait;
        return this;
    }

    /** The battleground disconnect grace (before {@link #start}): a login within it goes back into the match. */
    public ControlPlane battlegroundGrace(final Duration grace) {
        this.battlegroundGrace = new DisconnectGrace(grace).grace();
        return this;
    }

    /** Connect to etcd, then serve; each step fails with a one-line {@code StartupException}. */
    public ControlPlane start() {
        try {
            metricsEndpoint = MetricsEndpoint.start(config.metricsListen(), metrics);
            // Serves nothing until etcd answers: started before etcd or while it is slow, it waits and says so.
            store = EtcdStore.connectWaiting(
                    config.etcdEndpoints(),
                    config.etcdTls(),
                    config.etcdTimeout(),
                    ETCD_WAIT_CAP,
                    etcdStartupWait,
                    metrics);
            final Keys keys = new Keys(config.etcdPrefix());
            final NodeRegistry registry = new NodeRegistry(store, keys, config.nodeLeaseTtl());
            final MapCatalog catalog = MapCatalog.vanilla(config.placement().realms());
            final ControlPlanes controlPlanes = new ControlPlanes(store, keys);
            nodeLinks = new NodeLinkService(
                    config.id(),
                    registry,
                    Clock.systemUTC(),
                    config.nodeLeaseTtl(),
                    config.heartbeatInterval(),
                    metrics);
            // Matches and the queue are read from this replica's watch (the view, made below), not listed from etcd.
            final MatchStore matchStore = new MatchStore(store, keys, prefix -> view.list(prefix));
            controller = new PlacementController(
                    store,
                    keys,
                    () -> view.current(),
                    catalog,
                    Clock.systemUTC(),
                    config.placement().instanceIdleTimeout(),
                    config.placement().rebalanceContinents(),
                    metrics,
                    new MatchInstances(matchStore),
                    // One lease TTL and a beat: a live node whose lease lapsed while this replica stood still is back.
                    config.nodeLeaseTtl().plus(config.heartbeatInterval()));
            controller.autoSplit(config.placement().autoSplit());
            publisher = new AssignmentPublisher(() -> view.current(), nodeLinks);
            invitePublisher = new InvitePublisher(matchStore, nodeLinks);
            view = new ClusterView(
                    store,
                    keys,
                    () -> {
                        controller.wake();
                        publisher.wake();
                        // A node lost or an instance placed: the matchmaker's pass sees it (on the leader).
                        if (matchController != null) {
                            matchController.wake();
                        }
                    },
                    () -> {
                        // A change of the queue or of a match: the matchmaker runs (on the leader), invites go out.
                        invitePublisher.wake();
                        if (matchController != null) {
                            matchController.wake();
                        }
                    });
            final AckRecorder acks = new AckRecorder(store, keys);
            nodeLinks.connect(acks::record, () -> {
                publisher.wake();
                invitePublisher.wake();
            });
            tls = GrpcTls.orPlaintext(config.tls());
            if (tls != null) {
                tls.requireRole(Role.CONTROLPLANE);
            }
            final boolean identified = tls != null;
            forwarder = new LeaderForwarder(config.id(), controlPlanes, tls);
            final QueueStore queue =
                    new QueueStore(store, keys, System::currentTimeMillis, prefix -> view.list(prefix));
            queueSweeper = new QueueSweeper(queue, controller::leadership, QueueSweeper.AWAY_GRACE).start();
            final PlacementService placement = new PlacementService(catalog, controller, forwarder, view);
            final MatchMetrics matchMetrics = new MatchMetrics(metrics);
            matchController = new MatchController(
                            matchStore,
                            controller::leadership,
                            new Matchmaker(Matchmaker.DEFAULT_HOLD_AFTER),
                            (mapId, realm, owner, players) -> placement.create(CreateInstanceRequest.newBuilder()
                                    .setMapId(mapId)
                                    .setRealm(realm)
                                    .setOwner(owner)
                                    .setPlayers(players)
                                    .build()),
                            System::currentTimeMillis,
                            matchPassEvery,
                            matchMetrics,
                            // Gone: no longer registered (its lease ran out), while the view knows any node at all.
                            nodeId -> {
                                final var nodes = view.atLeast(0).nodes();
                                return !nodes.isEmpty() && !nodes.containsKey(nodeId);
                            })
                    .disconnectGrace(battlegroundGrace)
                    .start();
            final MatchController matches = matchController;
            final BattlegroundService.Matches matchParts = new BattlegroundService.Matches(
                    new Invites(matchStore, System::currentTimeMillis, matchMetrics), matches::wake, nodeId -> {
                        final NodeStatus node = view.atLeast(0).nodes().get(nodeId);
                        return node == null ? null : node.getNode();
                    });
            matchReturns = new MatchRejoins(
                    matchStore, new DisconnectGrace(battlegroundGrace), System::currentTimeMillis, nodeId -> {
                        final NodeStatus node = view.atLeast(0).nodes().get(nodeId);
                        return node == null ? null : node.getNode();
                    });
            final LoginParts login = login(catalog, keys);
            // Moves between realms: any replica with the databases (their rows fence them), finished by the leader's
            // sweep.
            final RealmMoves moves =
                    databases == null ? null : new RealmMoves(databases, "controlplane/" + config.id(), moveSteps);
            // The nodes' links (heartbeats, acknowledgements) on threads of their own: never behind queue joins,
            // invites and operators' calls waiting on etcd (all eight threads were once, and every node's
            // heartbeats went unanswered until the nodes reconnected and were taken for dead).
            // A player's entry into a battleground on threads of its own too: behind a burst of queue joins (two
            // hundred bots joining three queues each) an AdmitEntry waited past its 2 s deadline, and the transfer
            // into the battleground was called off after 10 s of such waits.
            internalCalls = new CallPool("grpc-internal", INTERNAL_THREADS, INTERNAL_QUEUE)
                    .lane(NodeLinkGrpc.SERVICE_NAME, "links", NODE_LINK_THREADS)
                    .methodLane(
                            List.of(
                                    BattlegroundsGrpc.getAnswerInviteMethod().getFullMethodName(),
                                    BattlegroundsGrpc.getAdmitEntryMethod().getFullMethodName()),
                            "entries",
                            ENTRY_THREADS);
            internalServer = GrpcServers.start(
                    "nodes and operators (--internal-listen)",
                    config.internalListen(),
                    GrpcTls.mutualServer(tls),
                    health,
                    internalCalls,
                    MAX_INBOUND_BYTES,
                    List.of(
                            Callers.only(identified, nodeLinks, Role.NODE),
                            Callers.only(
                                    identified,
                                    new AdminService(
                                                    store,
                                                    keys,
                                                    view,
                                                    catalog,
                                                    controlPlanes,
                                                    login.accounts(),
                                                    login.characters(),
                                                    databases == null
                                                            ? null
                                                            : new InvariantChecker(databases, STALE_TRANSFER_SECONDS))
                                            .movingCharacters(moves),
                                    Role.OPERATOR),
                            Callers.only(identified, placement, Role.NODE, Role.CONTROLPLANE),
                            Callers.only(
                                    identified,
                                    new BattlegroundService(
                                            queue,
                                            new BattlegroupStore(store, keys),
                                            controller::leadership,
                                            forwarder,
                                            System::currentTimeMillis,
                                            matchParts),
                                    Role.NODE,
                                    Role.CONTROLPLANE),
                            Callers.only(identified, new BattlegroundAdminService(matchStore), Role.OPERATOR)),
                    LeaderForwarder.interceptor());
            internalAddress = GrpcServers.boundAddress(internalServer, config.internalListen());
            publicCalls = new CallPool("grpc-public", PUBLIC_THREADS, PUBLIC_QUEUE);
            publicServer = GrpcServers.start(
                    "players (--listen)",
                    config.listen(),
                    GrpcTls.publicServer(tls),
                    health,
                    publicCalls,
                    MAX_INBOUND_BYTES,
                    List.of(login.service()),
                    ClientAddress.interceptor());
            publicAddress = GrpcServers.boundAddress(publicServer, config.listen());
            final CallPool publicPool = publicCalls;
            final CallPool internalPool = internalCalls;
            CounterWithCallback.builder()
                    .name("realm_controlplane_calls_refused")
                    .help("gRPC calls answered RESOURCE_EXHAUSTED because their listener's pool was full, by "
                            + "listener (public: players; internal: nodes, replicas, operators)")
                    .labelNames("listener")
                    .callback(callback -> {
                        callback.call(publicPool.refused(), "public");
                        callback.call(internalPool.refused(), "internal");
                    })
                    .register(metrics);
            controller.start();
            publisher.start();
            invitePublisher.start();
            config.placement().splitContinents().forEach((continent, cells) -> {
                final Long written = store.putIfAbsent(
                        keys.cellLayout(continent),
                        ByteSequence.from(CellLayout.newBuilder()
                                .setCells(cells)
                                .setRequestedAtUnixMs(System.currentTimeMillis())
                                .build()
                                .toByteArray()),
                        0);
                LOG.info(
                        written != null
                                ? "continent {} is to run as {} cells (--split-continent)"
                                : "continent {} keeps the layout an operator gave it (--split-continent {} ignored)",
                        continent,
                        cells);
            });
            view.start();
            election =
                    new LeaderElection(store, keys, self(), config.placement().replicaLeaseTtl(), controller);
            election.start();
            if (databases != null) {
                sweeper = new CharacterSweeper(
                                databases,
                                () -> ClusterState.read(store, keys).nodes().keySet(),
                                // Characters of a node that may be registering again stay its own meanwhile.
                                controller::leadsOutsideAdoption,
                                STALE_TRANSFER_SECONDS)
                        .finishingMoves(moves)
                        .start(SWEEP_EVERY_MILLIS);
            }
            if (MoveFailpoints.warning() != null) {
                LOG.warn(MoveFailpoints.warning());
            }
            health.setStatus("", ServingStatus.SERVING);
            LOG.info(
                    "control plane {} serving gRPC on {} for players, {} for nodes and operators ({}), metrics on "
                            + "http://{}/metrics, etcd {} (prefix {})",
                    config.id(),
                    publicAddress,
                    internalAddress,
                    tls == null ? "no TLS" : "mutual TLS as " + tls.identity(),
                    metricsEndpoint.address(),
                    store.describeEndpoints(),
                    keys.root());
            return this;
        } catch (final RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The internal listener: nodes, peer replicas, operators. */
    public HostPort grpcAddress() {
        return internalAddress;
    }

    /** The public listener: players' Login. */
    public HostPort publicAddress() {
        return publicAddress;
    }

    public HostPort metricsAddress() {
        return metricsEndpoint.address();
    }

    /** True while this replica leads. */
    public boolean isLeader() {
        return controller != null && controller.isLeader();
    }

    /** The login side: served from the realm database when there is one, refused with a reason otherwise. */
    private record LoginParts(AccountStore accounts, CharacterRoster characters, BindableService service) {}

    private LoginParts login(final MapCatalog catalog, final Keys keys) {
        final ControlPlaneConfig.Login settings = config.login();
        if (settings.dbUrl() == null) {
            return new LoginParts(null, null, LoginService.withoutDatabase());
        }
        databases = RealmDatabases.open(
                "realm-db",
                Database.open("accounts-db", settings.dbUrl(), settings.credentials(), settings.dbCa(), 8),
                config.placement().realms(),
                settings.realmDatabases(),
                settings.dbCa(),
                4);
        databases.migrate();
        final AccountStore accounts =
                new AccountStore(databases.accounts(), new PasswordHasher(settings.passwordIterations()));
        loginGuard = new LoginGuard(settings.limits(), Clock.systemUTC(), metrics);
        resumeGuard = new ResumeGuard(Clock.systemUTC(), metrics, RESUME_THREADS, RESUME_QUEUE);
        final CharacterRoster characters = new CharacterRoster(databases, settings.newCharacterLevel());
        final StringBuilder where = new StringBuilder();
        databases
                .byDatabase()
                .forEach((database, realms) -> where.append(where.isEmpty() ? "" : ", ")
                        .append("realm ")
                        .append(String.join(", ", realms))
                        .append(" in ")
                        .append(database.where()));
        LOG.info(
                "accounts in {}; characters of {}{}",
                databases.accounts().where(),
                where,
                settings.allowRegistration() ? "; clients may register" : "");
        final PlacementRouter router = new PlacementRouter(new CharacterPlacement(view, catalog));
        routeWaits = RouteWaits.start(router, ROUTE_WAITS, metrics);
        return new LoginParts(
                accounts,
                characters,
                new LoginService(
                                accounts,
                                characters,
                                router,
                                settings.tokenSigner(),
                                catalog,
                                settings.allowRegistration(),
                                settings.tokenTtl(),
                                Clock.systemUTC(),
                                loginGuard,
                                matchReturns)
                        .resuming(
                                new ResumeCredentials(databases.accounts(), Clock.systemUTC(), resumeTtl), resumeGuard)
                        .waitingForRoutes(routeWaits));
    }

    private ControlPlaneReplica self() {
        return ControlPlaneReplica.newBuilder()
                .setId(config.id())
                .setGrpc(advertised(internalAddress))
                .setPublicGrpc(advertised(publicAddress))
                .setVersion(
                        ControlPlane.class.getPackage().getImplementationVersion() == null
                                ? "dev"
                                : ControlPlane.class.getPackage().getImplementationVersion())
                .setStartedAtUnixMs(System.currentTimeMillis())
                .build();
    }

    private Endpoint advertised(final HostPort bound) {
        final String host = config.placement().advertiseHost() != null
                ? config.placement().advertiseHost()
                : HostPort.advertisable(bound.host());
        return Endpoint.newBuilder().setHost(host).setPort(bound.port()).build();
    }

    @Override
    public void close() {
        health.enterTerminalState();
        if (election != null) {
            // Resign first: another replica leads at once instead of after our lease's TTL.
            election.close();
        }
        if (sweeper != null) {
            sweeper.close();
        }
        if (view != null) {
            view.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (matchController != null) {
            matchController.close();
        }
        if (invitePublisher != null) {
            invitePublisher.close();
        }
        if (queueSweeper != null) {
            queueSweeper.close();
        }
        if (controller != null) {
            controller.close();
        }
        if (nodeLinks != null) {
            nodeLinks.beginShutdown();
        }
        if (publicServer != null) {
            GrpcServers.shutdown(publicServer, 1_000);
        }
        if (internalServer != null) {
            GrpcServers.shutdown(internalServer, 1_000);
        }
        if (publicCalls != null) {
            publicCalls.close();
        }
        if (internalCalls != null) {
            internalCalls.close();
        }
        if (forwarder != null) {
            forwarder.close();
        }
        if (loginGuard != null) {
            loginGuard.close();
        }
        if (routeWaits != null) {
            // Before the pool its waiters would go on in.
            routeWaits.close();
        }
        if (resumeGuard != null) {
            resumeGuard.close();
        }
        if (store != null) {
            store.close();
        }
        if (databases != null) {
            databases.close();
        }
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        if (tls != null) {
            tls.close();
        }
    }
}
