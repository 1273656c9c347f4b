package io.realmcluster.common.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The address a gRPC call came from (the transport's peer, not a header a client could forge), put in the
 * call's {@link Context} by {@link #interceptor()} and read with {@link #current()} by services that
 * throttle per address.
 */
public final class ClientAddress {
    private static final Context.Key<InetAddress> KEY = Context.key("client-address");

    private ClientAddress() {}

    /** Puts each call's remote IP address in its context. */
    public static ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    final ServerCall<Q, R> call, final Metadata headers, final ServerCallHandler<Q, R> next) {
                final SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
                    return next.startCall(call, headers);
                }
                return Contexts.interceptCall(Context.current().withValue(KEY, inet.getAddress()), call, headers, next);
            }
        };
    }

    /** The current call's remote IP address; null outside a call or on a transport without one (in-process). */
    public static InetAddress current() {
        return KEY.get();
    }
}
