package io.realmcluster.dataplane.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.auth.TokenSecret;
import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcServers;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.PendingSave;
import io.realmcluster.dataplane.store.PostgresCharacterStore;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.dataplane.world.SaveLog;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.TransferAccepted;
import io.realmcluster.proto.v1.TransferGrpc;
import io.realmcluster.proto.v1.TransferOffer;
import io.realmcluster.testkit.PostgresExtension;

/** The target's side of a transfer over real gRPC and a real PostgreSQL: one claim however often offered. */
class TransferServiceTest {
    @RegisterExtension
    final PostgresExtension postgres = new PostgresExtension();

    private static final String TARGET = "node-t";
    private static final String DUNGEON = "main.36.g1";
    private final SessionToken tokens = new SessionToken(TokenSecret.of("transfer-test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
    private Database database;
    private PostgresCharacterStore store;
    private TickScheduler scheduler;
    private Server server;
    private ManagedChannel channel;
    private long account;

    @BeforeEach
    void start() throws Exception {
        database = Database.open("transfer-test", postgres.jdbcUrl(), new DatabaseCredentials(postgres.user(), postgres.password()), 4);
        database.migrate();
        store = new PostgresCharacterStore(database);
        account = value("INSERT INTO account (name, password_hash, password_salt, password_iterations) "
            + "VALUES ('Mover', '\\x00', '\\x00', 1) RETURNING account_id");
        scheduler = new TickScheduler(1, Throwable::printStackTrace);
        final InstanceHost host = new InstanceHost(scheduler, SaveLog.allocate(1 << 20));
        host.apply(AssignmentSet.newBuilder().addInstances(MapInstance.newBuilder().setInstanceId(DUNGEON).setMapId(36)
            .setKind(MapKind.MAP_KIND_DUNGEON).setRealm("main").setNodeId(TARGET).setEpoch(1)
            .setState(InstanceState.INSTANCE_STATE_PENDING)).build());
        final HostPort listen = HostPort.parse("127.0.0.1:0");
        server = GrpcServers.start("gRPC", listen, new io.grpc.protobuf.services.HealthStatusManager(), List.of(
            new TransferService(TARGET, store, host, new Arrivals(), tokens,
                Endpoint.newBuilder().setHost("127.0.0.1").setPort(8086).build(), Duration.ofSeconds(60),
                System::currentTimeMillis)));
        channel = Channels.forTargets(List.of(GrpcServers.boundAddress(server, listen)), 5);
    }

    @AfterEach
    void stop() {
        Channels.close(channel);
        GrpcServers.shutdown(server, 1_000);
        scheduler.close();
        database.close();
    }

    @Test
    void anOfferIsClaimedOnceAndAReplayGetsTheSameAnswer() throws Exception {
        final long character = character("Mover");
        final ClaimedCharacter claim = store.claim(character, account, "node-s");
        final long epoch = claim.epoch();
        final UUID transfer = UUID.randomUUID();
        assertThat(store.save(List.of(PendingSave.departure(claim, epoch, 1, transfer)), "node-s")).containsExactly(true);

        final TransferAccepted accepted = offer(character, epoch, transfer, DUNGEON);
        assertThat(accepted.getEpoch()).isEqualTo(epoch + 1);
        assertThat(accepted.getClient().getPort()).isEqualTo(8086);
        final SessionToken.Verdict verdict = tokens.verify(accepted.getToken().toByteArray(), TARGET, System.currentTimeMillis());
        assertThat(verdict.valid()).isTrue();
        assertThat(verdict.claims().characterId()).isEqualTo(character);
        assertThat(offer(character, epoch, transfer, DUNGEON).getEpoch()).as("the offer replayed").isEqualTo(epoch + 1);
        assertThat(text("SELECT owner_node || ' ' || state || ' ' || epoch FROM character WHERE character_id = " + character))
            .isEqualTo(TARGET + " ONLINE " + (epoch + 1));
    }

    @Test
    void offersThatCannotLandAreRefusedWithTheirReason() throws Exception {
        final long character = character("Stayer");
        final ClaimedCharacter claim = store.claim(character, account, "node-s");
        final long epoch = claim.epoch();
        final UUID transfer = UUID.randomUUID();
        assertThat(store.save(List.of(PendingSave.departure(claim, epoch, 1, transfer)), "node-s")).containsExactly(true);

        assertThatThrownBy(() -> offer(character, epoch, transfer, "main.999.x")).isInstanceOfSatisfying(
            StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> offer(character, epoch, UUID.randomUUID(), DUNGEON)).as("another transfer's id")
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        assertThat(store.abortTransfer(character, epoch, transfer, "node-s")).isEqualTo(epoch + 1);
        assertThatThrownBy(() -> offer(character, epoch, transfer, DUNGEON)).as("an aborted transfer")
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        final TransferOffer bad = TransferOffer.newBuilder().setTransferId("not-a-uuid").setTargetInstanceId(DUNGEON).build();
        assertThatThrownBy(() -> stub().offer(bad)).isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    private TransferAccepted offer(final long character, final long epoch, final UUID transfer, final String instance) {
        return stub().offer(TransferOffer.newBuilder().setTransferId(transfer.toString()).setCharacterId(character)
            .setRealm("main").setEpoch(epoch).setSourceNode("node-s").setTargetInstanceId(instance)
            .setX(1f).setY(2f).build());
    }

    private TransferGrpc.TransferBlockingStub stub() {
        return TransferGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    }

    private long character(final String name) throws SQLException {
        return value("INSERT INTO character (account_id, realm, name, race, class, map_id, x, y, z) VALUES (" + account
            + ", 'main', '" + name + "', 1, 1, 0, 0, 0, 0) RETURNING character_id");
    }

    private long value(final String sql) throws SQLException {
        return Long.parseLong(text(sql));
    }

    private String text(final String sql) throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
