package io.realmcluster.common.grpc;

import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.realmcluster.common.tls.PeerIdentity;
import io.realmcluster.common.tls.Role;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who calls: the identity in the caller's certificate (mutual TLS), put in the call's context,
 * and the rule of each service on which roles may call it. Without TLS there are no identities
 * and no rules ({@code --insecure-plaintext}).
 */
public final class Callers {
    private static final Context.Key<PeerIdentity> IDENTITY = Context.key("realm-peer-identity");

    private Callers() {}

    /** The identity of the current call's caller; empty without TLS. */
    public static Optional<PeerIdentity> current() {
        return Optional.ofNullable(IDENTITY.get());
    }

    /**
     * {@code service} callable only by holders of a certificate of one of {@code roles} when
     * {@code identified} (TLS on); as it is otherwise.
     */
    public static BindableService only(final boolean identified, final BindableService service, final Role... roles) {
        if (!identified) {
            return service;
        }
        final ServerInterceptor rule =
                new RoleRule(service.bindService().getServiceDescriptor().getName(), roles);
        return () -> ServerInterceptors.intercept(service, rule);
    }

    /** Puts the caller's identity into the context and refuses roles the service does not serve. */
    private static final class RoleRule implements ServerInterceptor {
        private final String service;
        private final Set<Role> roles;

        RoleRule(final String service, final Role... roles) {
            this.service = service;
            this.roles = EnumSet.copyOf(Arrays.asList(roles));
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                final ServerCall<Q, R> call, final Metadata headers, final ServerCallHandler<Q, R> next) {
            final Optional<PeerIdentity> caller =
                    PeerIdentity.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
            if (caller.isEmpty() || !roles.contains(caller.get().role())) {
                call.close(
                        Status.PERMISSION_DENIED.withDescription(service + " serves holders of a certificate of role "
                                + roles.stream().map(Role::word).collect(Collectors.joining(" or "))
                                + " of the realm's CA; the caller's names "
                                + caller.map(PeerIdentity::toString).orElse("no realm identity")),
                        new Metadata());
                return new ServerCall.Listener<>() {};
            }
            return Contexts.interceptCall(Context.current().withValue(IDENTITY, caller.get()), call, headers, next);
        }
    }
}
