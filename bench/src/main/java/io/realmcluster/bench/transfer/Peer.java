package io.realmcluster.bench.transfer;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.realmcluster.common.auth.NodeTokenKey;
import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.grpc.Callers;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcServers;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.Role;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.store.PostgresCharacterStore;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.transfer.TransferService;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.TransferGrpc;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * A node as far as transfers go: its own pool to the database, the real TransferService on two
 * gRPC servers on loopback with one dungeon instance to take characters into, and the channels its
 * peer offers characters over: one in plaintext, one over mutual TLS (the server requires a node's
 * certificate, the channel presents the peer's, as between two real nodes), so that a run measures
 * both side by side.
 */
final class Peer implements AutoCloseable {
    final int index;
    final String id;
    final String instanceId;
    final Database database;
    final PostgresCharacterStore store;
    /** Offers in plaintext. */
    final Link plaintext;
    /** Offers over mutual TLS. */
    final Link mutualTls;

    final Steps steps;
    /** The node's fixed pool for other nodes' calls. */
    private final ExecutorService calls;

    /** One server of this node and the channel the peer offers over. */
    record Link(
            Server server,
            ManagedChannel channel,
            TransferGrpc.TransferBlockingStub offers,
            HealthGrpc.HealthBlockingStub health) {
        void close() {
            Channels.close(channel);
            GrpcServers.shutdown(server, 1_000);
        }
    }

    Peer(
            final int index,
            final String id,
            final PostgresProcess postgres,
            final TickScheduler ticks,
            final Steps steps,
            final GrpcTls own,
            final GrpcTls peer) {
        this.steps = steps;
        this.index = index;
        this.id = id;
        this.instanceId = TransferBench.REALM + "." + TransferBench.STOCKADE + "." + id;
        database = Database.open(
                id,
                postgres.jdbcUrl(),
                new DatabaseCredentials(postgres.user(), postgres.password()),
                TransferBench.POOL);
        database.migrate();
        store = new PostgresCharacterStore(database);
        final InstanceHost instances = new InstanceHost(ticks, SaveLog.allocate(1 << 20));
        instances.apply(AssignmentSet.newBuilder()
                .addInstances(MapInstance.newBuilder()
                        .setInstanceId(instanceId)
                        .setMapId(TransferBench.STOCKADE)
                        .setKind(MapKind.MAP_KIND_DUNGEON)
                        .setRealm(TransferBench.REALM)
                        .setNodeId(id)
                        .setEpoch(1)
                        .setState(InstanceState.INSTANCE_STATE_PENDING))
                .build());
        calls = TransferService.threads();
        plaintext = link(instances, null, null);
        mutualTls = link(instances, own, peer);
    }

    private Link link(final InstanceHost instances, final GrpcTls own, final GrpcTls peer) {
        // No client connects here: the address in the answer is never used.
        final Endpoint clients =
                Endpoint.newBuilder().setHost("127.0.0.1").setPort(1).build();
        final HostPort listen = HostPort.parse("127.0.0.1:0");
        final Server server = GrpcServers.start(
                "gRPC",
                listen,
                GrpcTls.mutualServer(own),
                new HealthStatusManager(),
                calls,
                List.of(Callers.only(
                        own != null,
                        new TransferService(
                                id,
                                new TimedClaims(store, steps.claim()),
                                instances,
                                new Arrivals(),
                                // A node's own key, as a real node's: the target signs the tokens of its arrivals.
                                NodeTokenKey.random(new SecureRandom()),
                                clients,
                                Duration.ofSeconds(60),
                                System::currentTimeMillis),
                        Role.NODE)));
        // The other node offers over this channel: it holds the other node's certificate.
        final ManagedChannel channel =
                Channels.forTargets(List.of(GrpcServers.boundAddress(server, listen)), 30, GrpcTls.channel(peer));
        return new Link(server, channel, TransferGrpc.newBlockingStub(channel), HealthGrpc.newBlockingStub(channel));
    }

    @Override
    public void close() {
        plaintext.close();
        mutualTls.close();
        calls.shutdownNow();
        database.close();
    }
}
