package io.realmcluster.controlplane;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.auth.PasswordHasher;
import io.realmcluster.common.db.Database;
import io.realmcluster.common.grpc.GrpcServers;
import io.realmcluster.common.metrics.MetricsEndpoint;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.controlplane.admin.AdminService;
import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.controlplane.characters.CharacterSweeper;
import io.realmcluster.controlplane.characters.InvariantChecker;
import io.realmcluster.controlplane.election.ControlPlanes;
import io.realmcluster.controlplane.election.LeaderElection;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.controlplane.login.AccountStore;
import io.realmcluster.controlplane.login.CharacterRoster;
import io.realmcluster.controlplane.login.LoginService;
import io.realmcluster.controlplane.login.PlacementRouter;
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
import io.realmcluster.proto.v1.ControlPlaneReplica;
import io.realmcluster.proto.v1.Endpoint;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One control-plane replica wired together: etcd, the gRPC services, metrics. Started by {@link ControlPlaneMain}. */
public final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

    private final ControlPlaneConfig config;
    private final PrometheusRegistry metrics = new PrometheusRegistry();
    private final HealthStatusManager health = new HealthStatusManager();
    private EtcdStore store;
    private NodeLinkService nodeLinks;
    private PlacementController controller;
    private AssignmentPublisher publisher;
    private ClusterView view;
    private LeaderElection election;
    private LeaderForwarder forwarder;
    private CharacterSweeper sweeper;
    /** A transfer that has not committed in this long was interrupted: the sweeper gives its character back. */
    private static final long STALE_TRANSFER_SECONDS = 30;

    private static final long SWEEP_EVERY_MILLIS = 2_000;
    private Database database;
    private Server server;
    private MetricsEndpoint metricsEndpoint;
    private HostPort grpcAddress;

    public ControlPlane(final ControlPlaneConfig config) {
        this.config = config;
    }

    /** Connect to etcd, then serve; each step fails with a one-line {@code StartupException}. */
    public ControlPlane start() {
        try {
            metricsEndpoint = MetricsEndpoint.start(config.metricsListen(), metrics);
            store = EtcdStore.connect(config.etcdEndpoints(), config.etcdTimeout(), metrics);
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
            controller = new PlacementController(
                    store,
                    keys,
                    catalog,
                    Clock.systemUTC(),
                    config.placement().instanceIdleTimeout(),
                    config.placement().rebalanceContinents(),
                    metrics);
            publisher = new AssignmentPublisher(store, keys, nodeLinks);
            view = new ClusterView(store, keys, () -> {
                controller.wake();
                publisher.wake();
            });
            final AckRecorder acks = new AckRecorder(store, keys);
            nodeLinks.connect(acks::record, publisher::wake);
            forwarder = new LeaderForwarder(config.id(), controlPlanes);
            final LoginParts login = login(catalog, keys);
            server = GrpcServers.start(
                    "gRPC",
                    config.listen(),
                    health,
                    List.of(
                            nodeLinks,
                            new AdminService(
                                    store,
                                    keys,
                                    view,
                                    catalog,
                                    controlPlanes,
                                    login.accounts(),
                                    login.characters(),
                                    database == null ? null : new InvariantChecker(database, STALE_TRANSFER_SECONDS)),
                            new PlacementService(catalog, controller, forwarder, view),
                            login.service()),
                    PlacementService.interceptor());
            grpcAddress = GrpcServers.boundAddress(server, config.listen());
            controller.start();
            publisher.start();
            view.start();
            election =
                    new LeaderElection(store, keys, self(), config.placement().replicaLeaseTtl(), controller);
            election.start();
            if (database != null) {
                sweeper = new CharacterSweeper(
                                database,
                                () -> ClusterState.read(store, keys).nodes().keySet(),
                                controller::isLeader,
                                STALE_TRANSFER_SECONDS)
                        .start(SWEEP_EVERY_MILLIS);
            }
            health.setStatus("", ServingStatus.SERVING);
            LOG.info(
                    "control plane {} serving gRPC on {}, metrics on http://{}/metrics, etcd {} (prefix {})",
                    config.id(),
                    grpcAddress,
                    metricsEndpoint.address(),
                    store.describeEndpoints(),
                    keys.root());
            return this;
        } catch (final RuntimeException e) {
            close();
            throw e;
        }
    }

    public HostPort grpcAddress() {
        return grpcAddress;
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
        database = Database.open("realm-db", settings.dbUrl(), settings.credentials(), 8);
        database.migrate();
        final AccountStore accounts = new AccountStore(database, new PasswordHasher(settings.passwordIterations()));
        final CharacterRoster characters = new CharacterRoster(database);
        LOG.info(
                "accounts and characters in {}{}",
                database.where(),
                settings.allowRegistration() ? "; clients may register" : "");
        return new LoginParts(
                accounts,
                characters,
                new LoginService(
                        accounts,
                        characters,
                        new PlacementRouter(new CharacterPlacement(store, keys, catalog)),
                        settings.tokenSigner(),
                        catalog,
                        settings.allowRegistration(),
                        settings.tokenTtl(),
                        Clock.systemUTC()));
    }

    private ControlPlaneReplica self() {
        final String host = config.placement().advertiseHost() != null
                ? config.placement().advertiseHost()
                : HostPort.advertisable(grpcAddress.host());
        return ControlPlaneReplica.newBuilder()
                .setId(config.id())
                .setGrpc(Endpoint.newBuilder().setHost(host).setPort(grpcAddress.port()))
                .setVersion(
                        ControlPlane.class.getPackage().getImplementationVersion() == null
                                ? "dev"
                                : ControlPlane.class.getPackage().getImplementationVersion())
                .setStartedAtUnixMs(System.currentTimeMillis())
                .build();
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
        if (controller != null) {
            controller.close();
        }
        if (nodeLinks != null) {
            nodeLinks.beginShutdown();
        }
        if (server != null) {
            GrpcServers.shutdown(server, 1_000);
        }
        if (forwarder != null) {
            forwarder.close();
        }
        if (store != null) {
            store.close();
        }
        if (database != null) {
            database.close();
        }
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
    }
}
