package io.realmcluster.common.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.grpc.GrpcServers;
import io.realmcluster.common.net.HostPort;
import java.io.IOException;

/** The Prometheus {@code /metrics} endpoint of a process, with JVM metrics included. */
public final class MetricsEndpoint implements AutoCloseable {
    private final HTTPServer server;
    private final HostPort address;

    private MetricsEndpoint(final HTTPServer server, final HostPort address) {
        this.server = server;
        this.address = address;
    }

    /** Serve {@code registry} on {@code listen}; port 0 picks a free port. */
    public static MetricsEndpoint start(final HostPort listen, final PrometheusRegistry registry) {
        JvmMetrics.builder().register(registry);
        try {
            final HTTPServer server = HTTPServer.builder()
                    .hostname(listen.host())
                    .port(listen.port())
                    .registry(registry)
                    .buildAndStart();
            return new MetricsEndpoint(server, listen.withPort(server.getPort()));
        } catch (final IOException e) {
            throw new StartupException("cannot listen for metrics on " + listen + ": " + GrpcServers.bindFailure(e), e);
        }
    }

    public HostPort address() {
        return address;
    }

    @Override
    public void close() {
        server.close();
    }
}
