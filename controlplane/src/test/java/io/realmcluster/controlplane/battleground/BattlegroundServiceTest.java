package io.realmcluster.controlplane.battleground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.BattlegroundType;
import io.realmcluster.proto.v1.Battlegroup;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.JoinQueueRequest;
import io.realmcluster.proto.v1.JoinQueueResponse;
import io.realmcluster.proto.v1.LeaveQueueRequest;
import io.realmcluster.proto.v1.QueueStatusRequest;
import io.realmcluster.proto.v1.QueueStatusResponse;
import io.realmcluster.proto.v1.QueueTicket;
import io.realmcluster.proto.v1.QueuedPlayer;
import io.realmcluster.testkit.EtcdExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Joins checked against battlegroups and the battleground's rules, on a leader over a real etcd. */
class BattlegroundServiceTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private final Keys keys = new Keys("/bg-service-" + UUID.randomUUID());
    private final EtcdStore etcd =
            EtcdStore.connect(List.of(URI.create(ETCD.endpoint())), Duration.ofSeconds(5), new PrometheusRegistry());
    private final BattlegroupStore battlegroups = new BattlegroupStore(etcd, keys);
    private final QueueStore queue = new QueueStore(etcd, keys, System::currentTimeMillis);
    private final Leadership leader = lead();
    private final BattlegroundService service = new BattlegroundService(
            queue,
            battlegroups,
            () -> leader,
            null,
            System::currentTimeMillis,
            new BattlegroundService.Matches(null, () -> {}, id -> null));

    @AfterEach
    void close() {
        etcd.close();
    }

    private Leadership lead() {
        final ByteSequence key = ByteSequence.from(keys.root() + "/leader-test", StandardCharsets.UTF_8);
        return new Leadership(key, etcd.put(key, ByteSequence.from("me", StandardCharsets.UTF_8), 0), 0);
    }

    private static QueuedPlayer player(final String realm, final long id, final Faction faction, final int level) {
        return QueuedPlayer.newBuilder()
                .setRealm(realm)
                .setCharacterId(id)
                .setName("Hero")
                .setLevel(level)
                .setFaction(faction)
                .build();
    }

    /** Alone, or as group g1 with more than one. */
    private static JoinQueueRequest join(final QueuedPlayer... members) {
        return JoinQueueRequest.newBuilder()
                .setTicket(QueueTicket.newBuilder()
                        .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH)
                        .setGroupId(members.length > 1 ? "g1" : "")
                        .addAllMembers(List.of(members)))
                .build();
    }

    private static <Q, R> R call(final BiConsumer<Q, StreamObserver<R>> method, final Q request) {
        final AtomicReference<R> answer = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        method.accept(request, new StreamObserver<>() {
            @Override
            public void onNext(final R value) {
                answer.set(value);
            }

            @Override
            public void onError(final Throwable t) {
                error.set(t);
            }

            @Override
            public void onCompleted() {}
        });
        if (error.get() instanceof StatusRuntimeException e) {
            throw e;
        }
        return answer.get();
    }

    private String refusal(final JoinQueueRequest request) {
        try {
            call(service::joinQueue, request);
        } catch (final StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            return e.getStatus().getDescription();
        }
        throw new AssertionError("the join was not refused");
    }

    @Test
    void aJoinGetsItsBattlegroupAndBracketAndItsPlaceInLine() {
        battlegroups.put(Battlegroup.newBuilder()
                .setName("ruin")
                .addRealms("main")
                .addRealms("second")
                .build());
        final JoinQueueResponse first = call(service::joinQueue, join(player("main", 1, Faction.FACTION_HORDE, 60)));
        call(service::joinQueue, join(player("second", 1, Faction.FACTION_ALLIANCE, 60)));
        final JoinQueueResponse third = call(service::joinQueue, join(player("second", 2, Faction.FACTION_HORDE, 60)));
        assertThat(first.getCreated()).isTrue();
        assertThat(first.getTicket().getBattlegroup()).isEqualTo("ruin");
        assertThat(first.getTicket().getBracket()).isEqualTo(60);

        final QueueStatusResponse status = call(
                service::queueStatus,
                QueueStatusRequest.newBuilder()
                        .setRealm("second")
                        .setCharacterId(2)
                        .build());
        assertThat(status.getPlacesList()).singleElement().satisfies(place -> {
            assertThat(place.getTicket()).isEqualTo(third.getTicket());
            // Second of the Horde in line; three waiting in the queue.
            assertThat(place.getPosition()).isEqualTo(2);
            assertThat(place.getWaiting()).isEqualTo(3);
        });
    }

    @Test
    void joinsThatBreakARuleAreRefusedWithTheReasonAndWriteNothing() {
        battlegroups.put(
                Battlegroup.newBuilder().setName("ruin").addRealms("main").build());
        battlegroups.put(
                Battlegroup.newBuilder().setName("other").addRealms("far").build());
        assertThat(refusal(join(player("nowhere", 1, Faction.FACTION_HORDE, 60))))
                .startsWith("realm nowhere of Hero-nowhere is in no battlegroup");
        assertThat(refusal(join(
                        player("main", 1, Faction.FACTION_HORDE, 60), player("far", 1, Faction.FACTION_HORDE, 60))))
                .contains("only realms of one battlegroup queue together");
        assertThat(refusal(join(
                        player("main", 1, Faction.FACTION_HORDE, 60), player("main", 2, Faction.FACTION_ALLIANCE, 60))))
                .contains("a group queues for one side");
        assertThat(refusal(join(player("main", 1, Faction.FACTION_HORDE, 9))))
                .isEqualTo("Hero-main is level 9; Warsong Gulch takes levels 10 to 60");
        // Deserter, as the home node read it.
        assertThat(refusal(join(player("main", 1, Faction.FACTION_HORDE, 60).toBuilder()
                        .setDeserterUntilUnixMs(System.currentTimeMillis() + 600_000)
                        .build())))
                .contains("has Deserter");
        assertThat(queue.tickets()).isEmpty();
        // A realm name that would reach another key's place in etcd: refused, not read.
        assertThatThrownBy(() -> call(
                        service::leaveQueue,
                        LeaveQueueRequest.newBuilder()
                                .setRealm("main/7")
                                .setCharacterId(1)
                                .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH)
                                .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
}
