package io.realmcluster.common.grpc;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.realmcluster.common.net.HostPort;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves {@code realm-static:///host1:port1,host2:port2} to those addresses in order, so one
 * channel with pick_first fails over between control-plane replicas on its own.
 */
final class StaticAddressResolver extends NameResolver {
    static final String SCHEME = "realm-static";

    private final List<HostPort> targets;

    StaticAddressResolver(final List<HostPort> targets) {
        this.targets = targets;
    }

    @Override
    public String getServiceAuthority() {
        return targets.get(0).toString();
    }

    @Override
    public void start(final Listener2 listener) {
        final List<EquivalentAddressGroup> groups = new ArrayList<>(targets.size());
        for (final HostPort target : targets) {
            // Each replica's certificate is checked against its own host, not the first one's.
            groups.add(new EquivalentAddressGroup(
                    target.toSocketAddress(),
                    Attributes.newBuilder()
                            .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, target.toString())
                            .build()));
        }
        listener.onResult2(ResolutionResult.newBuilder()
                .setAddressesOrError(StatusOr.fromValue(groups))
                .build());
    }

    @Override
    public void shutdown() {
        // Nothing held.
    }

    /** Provider registered by {@link Channels}; only it builds targets of this scheme. */
    static final class Provider extends NameResolverProvider {
        @Override
        public NameResolver newNameResolver(final URI targetUri, final NameResolver.Args args) {
            if (!SCHEME.equals(targetUri.getScheme())) {
                return null;
            }
            final String path = targetUri.getPath();
            try {
                return new StaticAddressResolver(HostPort.parseList(path.startsWith("/") ? path.substring(1) : path));
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        Status.INVALID_ARGUMENT.withDescription(e.getMessage()).toString(), e);
            }
        }

        @Override
        public String getDefaultScheme() {
            return SCHEME;
        }

        @Override
        protected boolean isAvailable() {
            return true;
        }

        @Override
        protected int priority() {
            return 4;
        }
    }
}
