package io.realmcluster.dataplane;

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
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.dataplane.net.ClientListener;
import io.realmcluster.dataplane.net.ClientMetrics;
import io.realmcluster.dataplane.net.ClientSessions;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.dataplane.session.ControlPlaneSession;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.world.EconomyListener;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.NodeDescriptor;

/** A data-plane node wired together: its listeners, its session with the control plane, metrics. */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    /** Client sessions one node holds at most. */
    private static final int MAX_SESSIONS = 20_000;

    private final NodeConfig config;
    private final PrometheusRegistry metrics = new PrometheusRegistry();
    private final HealthStatusManager health = new HealthStatusManager();
    private TickScheduler ticks;
    private InstanceHost instances;
    private MetricsEndpoint metricsEndpoint;
    private Server server;
    private volatile ClientListener clients;
    private ControlPlaneSession session;

    public Node(final NodeConfig config) {
        this.config = config;
    }

    /** Bind every listener (one-line {@code StartupException} on failure), then register in the background. */
    public Node start() {
        try {
            metricsEndpoint = MetricsEndpoint.start(config.metricsListen(), metrics);
            ticks = new TickScheduler(config.tickThreads(), error -> LOG.error("a map's tick failed", error));
            instances = new InstanceHost(ticks, EconomyListener.NONE, this::mapLeft, NodeMetrics.tickDurations(metrics));
            NodeMetrics.register(metrics, instances, ticks);
            final ClientSessions sessions = new ClientSessions(MAX_SESSIONS);
            server = GrpcServers.start("gRPC", config.listen(), health, List.of());
            final HostPort grpc = GrpcServers.boundAddress(server, config.listen());
            clients = ClientListener.bind(config.clientListen(), Math.max(1, Runtime.getRuntime().availableProcessors()),
                new ClientListener.Serving(config.nodeId(), new SessionToken(config.tokenSecret()), instances, sessions,
                    new ClientMetrics(metrics, sessions)));
            final NodeDescriptor descriptor = NodeDescriptor.newBuilder()
                .setNodeId(config.nodeId())
                .setGrpc(endpoint(config.advertiseHost(), grpc))
                .setClient(endpoint(config.advertiseHost(), clients.address()))
                .addAllPools(config.pools())
                .setCapacityPlayers(config.capacityPlayers())
                .setVersion(Node.class.getPackage().getImplementationVersion() == null ? "dev"
                    : Node.class.getPackage().getImplementationVersion())
                .setStartedAtUnixMs(System.currentTimeMillis())
                .setIncarnation(config.incarnation())
                .build();
            health.setStatus("", ServingStatus.SERVING);
            LOG.info("node {} serving gRPC on {}, game clients on {} (tcp+udp), metrics on http://{}/metrics",
                config.nodeId(), grpc, clients.address(), metricsEndpoint.address());
            session = new ControlPlaneSession(descriptor, config.controlPlanes(), instances::load, instances::apply);
            session.start();
            return this;
        } catch (final RuntimeException e) {
            close();
            throw e;
        }
    }

    private void mapLeft(final String instanceId) {
        final ClientListener listener = clients;
        if (listener != null) {
            listener.disconnectMap(instanceId);
        }
    }

    private static Endpoint endpoint(final String advertiseHost, final HostPort bound) {
        final String host = advertiseHost != null ? advertiseHost : bound.host();
        return Endpoint.newBuilder().setHost(host).setPort(bound.port()).build();
    }

    @Override
    public void close() {
        health.enterTerminalState();
        if (session != null) {
            session.close();
        }
        if (clients != null) {
            clients.disconnectAll(DisconnectReason.SHUTDOWN, "the node is stopping");
            clients.close();
        }
        if (server != null) {
            GrpcServers.shutdown(server, 1_000);
        }
        if (ticks != null) {
            ticks.close();
        }
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
    }
}
