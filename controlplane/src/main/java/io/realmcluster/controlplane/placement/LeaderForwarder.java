package io.realmcluster.controlplane.placement;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.controlplane.election.ControlPlanes;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.proto.v1.ControlPlaneReplica;
import io.realmcluster.proto.v1.CreateInstanceRequest;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.PlacementGrpc;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Hands a placement request that reached a follower to the leader, once: a forwarded request is
 * marked, and a replica that receives one while not leading answers instead of forwarding again.
 */
public final class LeaderForwarder implements AutoCloseable {
    /** Set on requests a follower forwarded. */
    public static final Metadata.Key<String> FORWARDED =
            Metadata.Key.of("x-realm-forwarded-by", Metadata.ASCII_STRING_MARSHALLER);

    private final String selfId;
    private final ControlPlanes controlPlanes;
    private final GrpcTls tls;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    /** Forwards to the leader's internal listener, with this replica's certificate ({@code tls} null: plaintext). */
    public LeaderForwarder(final String selfId, final ControlPlanes controlPlanes, final GrpcTls tls) {
        this.selfId = selfId;
        this.controlPlanes = controlPlanes;
        this.tls = tls;
    }

    /** Who forwarded the current call, from {@link #FORWARDED}; set by {@link #interceptor()}. */
    private static final Context.Key<String> FORWARDED_BY = Context.key("realm-forwarded-by");

    /** Puts the forwarding mark of incoming calls into their context (see {@link #forwardedBy()}). */
    public static ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    final ServerCall<Q, R> call, final Metadata headers, final ServerCallHandler<Q, R> next) {
                final String forwardedBy = headers.get(FORWARDED);
                if (forwardedBy == null) {
                    return next.startCall(call, headers);
                }
                return Contexts.interceptCall(
                        Context.current().withValue(FORWARDED_BY, forwardedBy), call, headers, next);
            }
        };
    }

    /**
     * Throws UNAVAILABLE when the current call was forwarded here by another replica: this one does
     * not lead either (leadership moved meanwhile), and a request goes to the leader once, not round.
     */
    public static void refuseIfForwarded() {
        final String forwardedBy = FORWARDED_BY.get();
        if (forwardedBy != null) {
            throw Status.UNAVAILABLE
                    .withDescription("control plane " + forwardedBy + " forwarded this to a replica that no longer "
                            + "leads; retry")
                    .asRuntimeException();
        }
    }

    /** Ask the leader to place an instance; a status exception saying why when there is none or it does not answer in time. */
    public MapInstance createInstance(final CreateInstanceRequest request, final long deadlineMillis) {
        return forward(
                "place the instance",
                channel -> PlacementGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                        .createInstance(request));
    }

    /**
     * Make {@code call} on the leader's internal listener, marked as forwarded by this replica (the
     * stub it builds sets its own deadline); UNAVAILABLE naming the leader and {@code what} when there
     * is no leader or it does not answer.
     */
    public <R> R forward(final String what, final Function<Channel, R> call) {
        final ControlPlaneReplica leader = leader().orElseThrow(() -> Status.UNAVAILABLE
                .withDescription("no control-plane leader is elected yet; retry shortly")
                .asRuntimeException());
        final String address =
                leader.getGrpc().getHost() + ":" + leader.getGrpc().getPort();
        final ManagedChannel channel = channels.computeIfAbsent(
                address, a -> Channels.forTargets(List.of(HostPort.parse(a)), 30, GrpcTls.channel(tls)));
        final Metadata headers = new Metadata();
        headers.put(FORWARDED, selfId);
        try {
            return call.apply(
                    ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)));
        } catch (final StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAVAILABLE
                    || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                throw Status.UNAVAILABLE
                        .withDescription("the leader " + leader.getId() + " at " + address + " did not " + what + ": "
                                + e.getStatus().getDescription())
                        .asRuntimeException();
            }
            throw e;
        }
    }

    private Optional<ControlPlaneReplica> leader() {
        try {
            return controlPlanes.list().stream()
                    .filter(ControlPlaneReplica::getLeader)
                    .filter(replica -> !replica.getId().equals(selfId))
                    .findFirst();
        } catch (final EtcdUnavailableException e) {
            throw Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
        }
    }

    @Override
    public void close() {
        channels.values().forEach(Channels::close);
    }
}
