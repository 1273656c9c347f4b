package io.realmcluster.common.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.netty.NettyChannelBuilder;
import io.realmcluster.common.net.HostPort;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Channels to one service reachable at several addresses (control-plane replicas), failing over in order. */
public final class Channels {
    private static final StaticAddressResolver.Provider PROVIDER = new StaticAddressResolver.Provider();

    static {
        NameResolverRegistry.getDefaultRegistry().register(PROVIDER);
    }

    private Channels() {}

    /**
     * A channel that connects to the first reachable address of {@code targets} and moves to the
     * next when it breaks. Keepalive pings detect a peer that stopped answering (a paused process,
     * a cut cable) within {@code keepAliveSeconds + 2} seconds.
     */
    public static ManagedChannel forTargets(final List<HostPort> targets, final long keepAliveSeconds) {
        return forTargets(targets, keepAliveSeconds, InsecureChannelCredentials.create());
    }

    /**
     * {@link #forTargets(List, long)} speaking TLS with {@code credentials} (see {@link GrpcTls}):
     * each address's server certificate is checked against that address's host.
     */
    public static ManagedChannel forTargets(
            final List<HostPort> targets, final long keepAliveSeconds, final ChannelCredentials credentials) {
        final String target = StaticAddressResolver.SCHEME + ":///"
                + targets.stream().map(HostPort::toString).collect(Collectors.joining(","));
        return NettyChannelBuilder.forTarget(target, credentials)
                .defaultLoadBalancingPolicy("pick_first")
                .keepAliveTime(Math.max(keepAliveSeconds, GrpcServers.MIN_CLIENT_KEEPALIVE_SECONDS), TimeUnit.SECONDS)
                .keepAliveTimeout(2, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .build();
    }

    /** Close a channel, waiting briefly for calls to end. */
    public static void close(final ManagedChannel channel) {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (final InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
