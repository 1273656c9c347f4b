package io.realmcluster.common.grpc;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.net.HostPort;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** Builds the gRPC servers of the cluster: standard health service and server reflection on every one. */
public final class GrpcServers {
    /** Clients may ping this often to detect a dead peer; anything faster is abuse. */
    public static final long MIN_CLIENT_KEEPALIVE_SECONDS = 1;

    /**
     * The largest message a server takes unless told otherwise: room for a node's {@code OfferMany} (a batch of
     * characters with their items), while a caller cannot make the server buffer more than this per message.
     */
    public static final int DEFAULT_MAX_INBOUND_BYTES = 4 << 20;

    private GrpcServers() {}

    /**
     * Bind and start a server on {@code listen} with the given services plus health and reflection.
     *
     * @param what names the server in errors, e.g. "gRPC".
     * @throws StartupException when the address cannot be bound.
     */
    public static Server start(
            final String what,
            final HostPort listen,
            final HealthStatusManager health,
            final List<BindableService> services,
            final ServerInterceptor... interceptors) {
        return start(what, listen, health, null, services, interceptors);
    }

    /**
     * {@link #start(String, HostPort, HealthStatusManager, List, ServerInterceptor...)} with the
     * calls run on {@code executor} (null: gRPC's own, which grows a thread for every call at once).
     */
    public static Server start(
            final String what,
            final HostPort listen,
            final HealthStatusManager health,
            final Executor executor,
            final List<BindableService> services,
            final ServerInterceptor... interceptors) {
        return start(what, listen, health, executor, DEFAULT_MAX_INBOUND_BYTES, services, interceptors);
    }

    /** The same, refusing (RESOURCE_EXHAUSTED) any message longer than {@code maxInboundBytes}. */
    public static Server start(
            final String what,
            final HostPort listen,
            final HealthStatusManager health,
            final Executor executor,
            final int maxInboundBytes,
            final List<BindableService> services,
            final ServerInterceptor... interceptors) {
        return start(
                what,
                listen,
                InsecureServerCredentials.create(),
                health,
                null,
                executor,
                maxInboundBytes,
                services,
                interceptors);
    }

    /**
     * {@link #start(String, HostPort, HealthStatusManager, Executor, List, ServerInterceptor...)}
     * speaking TLS with {@code credentials} (see {@link GrpcTls}).
     */
    public static Server start(
            final String what,
            final HostPort listen,
            final ServerCredentials credentials,
            final HealthStatusManager health,
            final Executor executor,
            final List<BindableService> services,
            final ServerInterceptor... interceptors) {
        return start(
                what, listen, credentials, health, null, executor, DEFAULT_MAX_INBOUND_BYTES, services, interceptors);
    }

    /**
     * A server speaking TLS with {@code credentials} whose every call (health and reflection
     * included) runs on {@code calls}, which answers RESOURCE_EXHAUSTED when it is full, as does a
     * message longer than {@code maxInboundBytes}.
     */
    public static Server start(
            final String what,
            final HostPort listen,
            final ServerCredentials credentials,
            final HealthStatusManager health,
            final CallPool calls,
            final int maxInboundBytes,
            final List<BindableService> services,
            final ServerInterceptor... interceptors) {
        return start(what, listen, credentials, health, calls, null, maxInboundBytes, services, interceptors);
    }

    private static Server start(
            final String what,
            final HostPort listen,
            final ServerCredentials credentials,
            final HealthStatusManager health,
            final CallPool calls,
            final Executor executor,
            final int maxInboundBytes,
            final List<BindableService> services,
            final ServerInterceptor... interceptors) {
        final NettyServerBuilder builder = NettyServerBuilder.forAddress(listen.toSocketAddress(), credentials)
                .maxInboundMessageSize(maxInboundBytes)
                .permitKeepAliveTime(MIN_CLIENT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance());
        if (calls != null) {
            // Admission runs on the pool's own transport thread; the call itself on the pool.
            builder.directExecutor()
                    .bossEventLoopGroup(calls.transport())
                    .workerEventLoopGroup(calls.transport())
                    .channelType(NioServerSocketChannel.class)
                    .intercept(calls);
        }
        if (executor != null) {
            builder.executor(executor);
        }
        for (final BindableService service : services) {
            builder.addService(ServerInterceptors.intercept(service, interceptors));
        }
        final Server server = builder.build();
        try {
            server.start();
        } catch (final IOException e) {
            throw new StartupException("cannot listen for " + what + " on " + listen + ": " + bindFailure(e), e);
        }
        return server;
    }

    /** The address a started server actually bound (port 0 resolved). */
    public static HostPort boundAddress(final Server server, final HostPort requested) {
        final InetSocketAddress address =
                (InetSocketAddress) server.getListenSockets().get(0);
        return requested.withPort(address.getPort());
    }

    /** Stop accepting calls, give running calls a moment, then cut them. */
    public static void shutdown(final Server server, final long graceMillis) {
        server.shutdown();
        try {
            if (!server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS);
            }
        } catch (final InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** A readable reason for a failed bind: the JDK, epoll and gRPC each word it their own way. */
    public static String bindFailure(final Throwable e) {
        String deepest = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            final String message = t.getMessage() == null ? "" : t.getMessage();
            if (message.toLowerCase(Locale.ROOT).contains("in use")) {
                return "address already in use";
            }
            if (t instanceof BindException || !message.isEmpty()) {
                deepest = message;
            }
        }
        return deepest;
    }
}
