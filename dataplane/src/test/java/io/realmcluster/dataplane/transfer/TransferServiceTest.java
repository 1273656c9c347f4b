package io.realmcluster.dataplane.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.services.HealthStatusManager;
import io.realmcluster.common.auth.NodeTokenKey;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcServers;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.PendingSave;
import io.realmcluster.dataplane.store.PostgresCharacterStore;
import io.realmcluster.dataplane.store.RealmStores;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.TransferAccepted;
import io.realmcluster.proto.v1.TransferGrpc;
import io.realmcluster.proto.v1.TransferOffer;
import io.realmcluster.proto.v1.TransferOffers;
import io.realmcluster.proto.v1.TransferResult;
import io.realmcluster.testkit.PostgresExtension;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The target's side of a transfer over real gRPC and a real PostgreSQL: one claim however often offered. */
class TransferServiceTest {
    @RegisterExtension
    final PostgresExtension postgres = new PostgresExtension();

    private static final String TARGET = "node-t";
    private static final String DUNGEON = "main.36.g1";
    /** A Warsong Gulch bound to match m1. */
    private static final String GULCH = "main.489.m1";
    /** The target's own key: the tokens it gives for its arrivals are signed by it, and only it checks them. */
    private final NodeTokenKey tokens = NodeTokenKey.random(new SecureRandom());

    private Database database;
    private PostgresCharacterStore store;
    private TickScheduler scheduler;
    private Server server;
    private ManagedChannel channel;
    private long account;
    private final Arrivals arrivals = new Arrivals();
    /** Characters the leader admits into match m1 (as a Horde seat). */
    private final java.util.Set<Long> seated = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private TransferService service;

    @BeforeEach
    void start() throws Exception {
        database = Database.open(
                "transfer-test", postgres.jdbcUrl(), new DatabaseCredentials(postgres.user(), postgres.password()), 4);
        database.migrate();
        store = new PostgresCharacterStore(database);
        account = value("INSERT INTO account (name, password_hash, password_salt, password_iterations) "
                + "VALUES ('Mover', '\\x00', '\\x00', 1) RETURNING account_id");
        scheduler = new TickScheduler(1, Throwable::printStackTrace);
        final InstanceHost host = new InstanceHost(scheduler, SaveLog.allocate(1 << 20));
        host.apply(AssignmentSet.newBuilder()
                .addInstances(MapInstance.newBuilder()
                        .setInstanceId(DUNGEON)
                        .setMapId(36)
                        .setKind(MapKind.MAP_KIND_DUNGEON)
                        .setRealm("main")
                        .setNodeId(TARGET)
                        .setEpoch(1)
                        .setState(InstanceState.INSTANCE_STATE_PENDING))
                .addInstances(MapInstance.newBuilder()
                        .setInstanceId(GULCH)
                        .setMapId(489)
                        .setKind(MapKind.MAP_KIND_BATTLEGROUND)
                        .setRealm("main")
                        .setOwner("m1")
                        .setNodeId(TARGET)
                        .setEpoch(1)
                        .setState(InstanceState.INSTANCE_STATE_PENDING))
                .build());
        service = new TransferService(
                TARGET,
                // A node holding realm main's database only.
                new RealmStores(Map.of("main", store), null),
                host,
                arrivals,
                tokens,
                Endpoint.newBuilder().setHost("127.0.0.1").setPort(8086).build(),
                Duration.ofSeconds(60),
                System::currentTimeMillis);
        service.admission((realm, characterId, matchId, instanceId) -> {
            if (!matchId.equals("m1") || !seated.contains(characterId)) {
                throw Status.FAILED_PRECONDITION
                        .withDescription(TransferService.NOT_INVITED)
                        .asRuntimeException();
            }
            return Inputs.TEAM_HORDE;
        });
        final HostPort listen = HostPort.parse("127.0.0.1:0");
        server = GrpcServers.start("gRPC", listen, new HealthStatusManager(), List.of(service));
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
    void anOfferOfARealmThisNodeHoldsNoDatabaseOfIsRefusedSayingSo() throws Exception {
        final long character = character("Stranger");
        assertThatThrownBy(() -> stub().offer(offerOf(character, 0, UUID.randomUUID(), DUNGEON).toBuilder()
                        .setRealm("third")
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).isEqualTo("this node holds no database of realm third");
                });
        assertThat(text("SELECT state || ' ' || epoch FROM character WHERE character_id = " + character))
                .isEqualTo("OFFLINE 0");
    }

    @Test
    void anOfferIntoABattlegroundIsClaimedOnlyForAPlayerTheLeaderAdmitsIntoItsMatch() throws Exception {
        final long character = character("Mover");
        final ClaimedCharacter claim = store.claim(character, account, "node-s");
        final long epoch = claim.epoch();
        final UUID transfer = UUID.randomUUID();
        final AtomicLong expectedKey = new AtomicLong();
        arrivals.onExpected(expectedKey::set);
        assertThat(store.save(List.of(PendingSave.departure(claim, epoch, 1, transfer)), "node-s"))
                .containsExactly(true);
        final TransferOffer bare = offerOf(character, epoch, transfer, GULCH);

        // No match named, another match, or a match the leader does not seat it in: refused, not claimed.
        for (final TransferOffer refused : List.of(
                bare,
                bare.toBuilder().setMatchId("m2").setTeam(2).build(),
                bare.toBuilder().setMatchId("m1").setTeam(2).build())) {
            assertThatThrownBy(() -> stub().offer(refused)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                assertThat(e.getStatus().getDescription()).isEqualTo("not invited to this match");
            });
        }
        assertThat(text("SELECT state FROM character WHERE character_id = " + character))
                .isEqualTo("IN_TRANSFER");
        assertThat(service.admissions().labelValues("refused").getCount())
                .as("the leader asked only for the offer naming the instance's match, and refused it")
                .isEqualTo(1);

        seated.add(claim.characterId());
        final TransferOffer invited =
                bare.toBuilder().setMatchId("m1").setTeam(2).build();
        final TransferAccepted accepted = stub().offer(invited);
        assertThat(accepted.getEpoch()).isEqualTo(epoch + 1);
        assertThat(stub().offer(invited).getEpoch()).as("a retried offer").isEqualTo(epoch + 1);
        assertThat(arrivals.peek(character, System.currentTimeMillis()).team()).isEqualTo(Inputs.TEAM_HORDE);
        assertThat(service.admissions().labelValues("admitted").getCount()).isEqualTo(2);
        assertThat(service.admissions().labelValues("failed").getCount()).isZero();
    }

    @Test
    void anOfferIsClaimedOnceAndAReplayGetsTheSameAnswer() throws Exception {
        final long character = character("Mover");
        final ClaimedCharacter claim = store.claim(character, account, "node-s");
        final long epoch = claim.epoch();
        final UUID transfer = UUID.randomUUID();
        final AtomicLong expectedKey = new AtomicLong();
        arrivals.onExpected(expectedKey::set);
        assertThat(store.save(List.of(PendingSave.departure(claim, epoch, 1, transfer)), "node-s"))
                .containsExactly(true);

        final TransferAccepted accepted = offer(character, epoch, transfer, DUNGEON);
        assertThat(accepted.getEpoch()).isEqualTo(epoch + 1);
        assertThat(accepted.getClient().getPort()).isEqualTo(8086);
        final SessionToken.Verdict verdict = SessionToken.verify(
                accepted.getToken().toByteArray(), id -> tokens, TARGET, System.currentTimeMillis());
        assertThat(verdict.valid()).isTrue();
        assertThat(verdict.claims().characterId()).isEqualTo(character);
        assertThat(verdict.claims().instanceId()).isEqualTo(DUNGEON);
        assertThat(verdict.claims().epoch())
                .as("the epoch the target claimed at")
                .isEqualTo(epoch + 1);
        assertThat(SessionToken.verify(
                                accepted.getToken().toByteArray(),
                                id -> NodeTokenKey.random(new SecureRandom()),
                                TARGET,
                                System.currentTimeMillis())
                        .failure())
                .as("another node's key")
                .isEqualTo(SessionToken.Failure.BAD_SIGNATURE);
        assertThat(offer(character, epoch, transfer, DUNGEON).getEpoch())
                .as("the offer replayed")
                .isEqualTo(epoch + 1);
        assertThat(arrivals.waiting()).as("one client expected for both").isEqualTo(1);

        // The client comes; the source, which lost the answer, offers the transfer once more: the client is not
        // expected a second time (that arrival, never taken, would expire and give back a character playing here).
        assertThat(arrivals.take(expectedKey.get(), System.currentTimeMillis())).isNotNull();
        assertThat(offer(character, epoch, transfer, DUNGEON).getEpoch())
                .as("the offer replayed after its client came")
                .isEqualTo(epoch + 1);
        assertThat(arrivals.waiting()).isZero();
        assertThat(arrivals.expire(Long.MAX_VALUE)).as("nothing to give back").isEmpty();
        assertThat(text("SELECT owner_node || ' ' || state || ' ' || epoch FROM character WHERE character_id = "
                        + character))
                .isEqualTo(TARGET + " ONLINE " + (epoch + 1));
    }

    @Test
    void offersThatCannotLandAreRefusedWithTheirReason() throws Exception {
        final long character = character("Stayer");
        final ClaimedCharacter claim = store.claim(character, account, "node-s");
        final long epoch = claim.epoch();
        final UUID transfer = UUID.randomUUID();
        assertThat(store.save(List.of(PendingSave.departure(claim, epoch, 1, transfer)), "node-s"))
                .containsExactly(true);

        assertThatThrownBy(() -> offer(character, epoch, transfer, "main.999.x"))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> offer(character, epoch, UUID.randomUUID(), DUNGEON))
                .as("another transfer's id")
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        assertThat(store.abortTransfer(character, epoch, transfer, "node-s")).isEqualTo(epoch + 1);
        assertThatThrownBy(() -> offer(character, epoch, transfer, DUNGEON))
                .as("an aborted transfer")
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        final TransferOffer bad = TransferOffer.newBuilder()
                .setTransferId("not-a-uuid")
                .setTargetInstanceId(DUNGEON)
                .build();
        assertThatThrownBy(() -> stub().offer(bad))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void aBatchOfOffersIsClaimedInOneCallEachOnItsOwnAndAReplayGetsTheSameAnswers() throws Exception {
        final List<TransferOffer> offers = new ArrayList<>();
        final long[] epochs = new long[4];
        final long[] characters = new long[4];
        for (int i = 0; i < 4; i++) {
            characters[i] = character("Batch" + (char) ('a' + i));
            final ClaimedCharacter claim = store.claim(characters[i], account, "node-s");
            epochs[i] = claim.epoch();
            final UUID transfer = UUID.randomUUID();
            assertThat(store.save(List.of(PendingSave.departure(claim, epochs[i], 1, transfer)), "node-s"))
                    .containsExactly(true);
            offers.add(offerOf(characters[i], epochs[i], transfer, DUNGEON));
        }
        // The fourth is offered under another transfer's id.
        offers.set(3, offerOf(characters[3], epochs[3], UUID.randomUUID(), DUNGEON));
        offers.add(1, offers.remove(3));
        offers.add(offerOf(characters[2], epochs[2], UUID.randomUUID(), "main.999.x"));
        offers.add(TransferOffer.newBuilder()
                .setTransferId("not-a-uuid")
                .setTargetInstanceId(DUNGEON)
                .build());
        final TransferOffers batch =
                TransferOffers.newBuilder().addAllOffers(offers).build();

        for (final String round : List.of("first", "replayed")) {
            final List<TransferResult> results = stub().offerMany(batch).getResultsList();
            assertThat(results).as(round).hasSize(6);
            assertThat(results.get(0).getAccepted().getEpoch()).as(round).isEqualTo(epochs[0] + 1);
            assertThat(results.get(1).hasAccepted())
                    .as(round + ": another transfer's id")
                    .isFalse();
            assertThat(results.get(1).getRefusedCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
            assertThat(results.get(2).getAccepted().getEpoch()).as(round).isEqualTo(epochs[1] + 1);
            assertThat(results.get(3).getAccepted().getEpoch()).as(round).isEqualTo(epochs[2] + 1);
            assertThat(results.get(4).getRefusedCode())
                    .as(round + ": no such instance here")
                    .isEqualTo(Status.Code.NOT_FOUND.value());
            assertThat(results.get(5).getRefusedCode()).as(round).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
            final SessionToken.Verdict verdict = SessionToken.verify(
                    results.get(3).getAccepted().getToken().toByteArray(),
                    id -> tokens,
                    TARGET,
                    System.currentTimeMillis());
            assertThat(verdict.valid()).isTrue();
            assertThat(verdict.claims().characterId()).isEqualTo(characters[2]);
        }
        assertThat(text("SELECT owner_node || ' ' || state FROM character WHERE character_id = " + characters[3]))
                .isEqualTo("node-s IN_TRANSFER");
        for (int i = 0; i < 3; i++) {
            assertThat(text("SELECT owner_node || ' ' || state || ' ' || epoch FROM character WHERE character_id = "
                            + characters[i]))
                    .isEqualTo(TARGET + " ONLINE " + (epochs[i] + 1));
        }
    }

    private static TransferOffer offerOf(
            final long character, final long epoch, final UUID transfer, final String instance) {
        return TransferOffer.newBuilder()
                .setTransferId(transfer.toString())
                .setCharacterId(character)
                .setRealm("main")
                .setEpoch(epoch)
                .setSourceNode("node-s")
                .setTargetInstanceId(instance)
                .setX(1f)
                .setY(2f)
                .build();
    }

    private TransferAccepted offer(final long character, final long epoch, final UUID transfer, final String instance) {
        return stub().offer(offerOf(character, epoch, transfer, instance));
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
        try (Connection connection = database.connection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
