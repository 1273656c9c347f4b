package io.realmcluster.controlplane;

import java.time.Clock;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.grpc.GrpcServers;
import io.realmcluster.common.metrics.MetricsEndpoint;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.controlplane.admin.AdminService;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.controlplane.registry.NodeRegistry;
import io.realmcluster.controlplane.session.NodeSessionService;

/** One control-plane replica wired together: etcd, the gRPC services, metrics. Started by {@link ControlPlaneMain}. */
public final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

    private final ControlPlaneConfig config;
    private final PrometheusRegistry metrics = new PrometheusRegistry();
    private final HealthStatusManager health = new HealthStatusManager();
    private EtcdStore store;
    private NodeSessionService sessions;
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
            sessions = new NodeSessionService(config.id(), registry, Clock.systemUTC(),
                config.nodeLeaseTtl(), config.heartbeatInterval(), metrics);
            server = GrpcServers.start("gRPC", config.listen(), health,
                List.of(sessions, new AdminService(registry, store, keys)));
            grpcAddress = GrpcServers.boundAddress(server, config.listen());
            health.setStatus("", ServingStatus.SERVING);
            LOG.info("control plane {} serving gRPC on {}, metrics on http://{}/metrics, etcd {} (prefix {})",
                config.id(), grpcAddress, metricsEndpoint.address(), store.describeEndpoints(), keys.root());
            return this;
        } catch (final RuntimeException e) {
            close();
            throw e;
        }
    }

    public HostPort grpcAddress() {
        return grpcAddress;
    }

    @Override
    public void close() {
        health.enterTerminalState();
        if (sessions != null) {
            sessions.beginShutdown();
        }
        if (server != null) {
            GrpcServers.shutdown(server, 1_000);
        }
        if (store != null) {
            store.close();
        }
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
    }
}
