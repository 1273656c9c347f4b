package io.realmcluster.dataplane.link;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.dataplane.transfer.Departures;
import io.realmcluster.proto.v1.CreateInstanceRequest;
import io.realmcluster.proto.v1.InstanceRoute;
import io.realmcluster.proto.v1.PlacementGrpc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks the control plane (any replica; the channel moves on to the next address when one is down)
 * where a portal leads. Only transfers into instances need it: a transfer whose route cannot be
 * had is called off and the player stays where it was.
 */
public final class PlacementClient implements Departures.Router, AutoCloseable {
    /** A dungeon of five, a raid of forty: room for the group placement reserves until it reports. */
    private static final int PLAYERS = 1;

    private final ManagedChannel channel;

    /** Asks {@code controlPlanes}' internal listeners, speaking with {@code credentials}. */
    public PlacementClient(final List<HostPort> controlPlanes, final ChannelCredentials credentials) {
        this.channel = Channels.forTargets(controlPlanes, 30, credentials);
    }

    @Override
    public InstanceRoute route(final int mapId, final String realm, final String owner, final Duration deadline) {
        return PlacementGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .route(CreateInstanceRequest.newBuilder()
                        .setMapId(mapId)
                        .setRealm(realm)
                        .setOwner(owner)
                        .setPlayers(PLAYERS)
                        .build());
    }

    /** The channel to the control planes' internal listeners, for the node's other calls to them. */
    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        Channels.close(channel);
    }
}
