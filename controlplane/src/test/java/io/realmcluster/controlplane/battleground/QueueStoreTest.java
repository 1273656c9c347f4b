package io.realmcluster.controlplane.battleground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.controlplane.etcd.NotLeaderException;
import io.realmcluster.proto.v1.BattlegroundType;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.QueueTicket;
import io.realmcluster.proto.v1.QueuedPlayer;
import io.realmcluster.testkit.EtcdExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Battleground tickets in a real etcd: idempotent joins, three queues at most, leaving, the away grace, the fence. */
class QueueStoreTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private final Keys keys = new Keys("/queue-" + UUID.randomUUID());
    private final EtcdStore etcd =
            EtcdStore.connect(List.of(URI.create(ETCD.endpoint())), Duration.ofSeconds(5), new PrometheusRegistry());
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final QueueStore queue = new QueueStore(etcd, keys, now::get);
    private final Leadership leader = lead();

    @AfterEach
    void close() {
        etcd.close();
    }

    private Leadership lead() {
        final ByteSequence key = ByteSequence.from(keys.root() + "/leader-test", StandardCharsets.UTF_8);
        return new Leadership(key, etcd.put(key, ByteSequence.from("me", StandardCharsets.UTF_8), 0), 0);
    }

    private static QueuedPlayer player(final String realm, final long id) {
        return QueuedPlayer.newBuilder()
                .setRealm(realm)
                .setCharacterId(id)
                .setName("Hero")
                .setLevel(60)
                .setFaction(Faction.FACTION_HORDE)
                .build();
    }

    private static QueueTicket ticket(final BattlegroundType battleground, final QueuedPlayer... members) {
        return QueueTicket.newBuilder()
                .setBattlegroup("ruin")
                .setBattleground(battleground)
                .setBracket(60)
                .setFaction(Faction.FACTION_HORDE)
                .addAllMembers(List.of(members))
                .build();
    }

    @Test
    void joiningTwiceIsOneTicketAndTheSameIdOnTwoRealmsIsTwoPlayers() {
        final QueueStore.Joined first =
                queue.join(leader, ticket(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH, player("main", 7)));
        now.addAndGet(5_000);
        final QueueStore.Joined again =
                queue.join(leader, ticket(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH, player("main", 7)));
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.ticket()).isEqualTo(first.ticket());
        assertThat(again.ticket().getJoinedAtUnixMs()).isEqualTo(1_000_000);
        // Character 7 of another realm is another player.
        assertThat(queue.join(leader, ticket(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH, player("second", 7)))
                        .created())
                .isTrue();
        assertThat(queue.tickets()).hasSize(2);
        assertThat(queue.ticketsOf("main", 7)).containsExactly(first.ticket());
    }

    @Test
    void aFourthQueueAndASecondTicketForOneBattlegroundAreRefused() {
        final QueuedPlayer hero = player("main", 1);
        queue.join(leader, ticket(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH, hero));
        queue.join(leader, ticket(BattlegroundType.BATTLEGROUND_TYPE_ARATHI_BASIN, hero));
        queue.join(leader, ticket(BattlegroundType.BATTLEGROUND_TYPE_ALTERAC_VALLEY, hero));
        // A fourth battleground does not exist in vanilla; a fourth queue is checked all the same.
        assertThatThrownBy(() -> queue.join(leader, ticket(BattlegroundType.BATTLEGROUND_TYPE_UNSPECIFIED, hero)))
                .isInstanceOf(QueueStore.Refused.class)
                .hasMessage("Hero-main is already in 3 queues");
        // In a group with someone else for a battleground it is already queued for: refused, nothing written.
        assertThatThrownBy(() -> queue.join(
                        leader, ticket(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH, player("main", 2), hero)))
                .isInstanceOf(QueueStore.Refused.class)
                .hasMessage("Hero-main is already queued for this battleground in another group");
        assertThat(queue.ticketsOf("main", 2)).isEmpty();
        assertThat(queue.tickets()).hasSize(3);
    }

    @Test
    void aMemberLeavesAGroupTicketAndTheLastOneLeavingRemovesIt() {
        final QueuedPlayer a = player("main", 1);
        final QueuedPlayer b = player("second", 1);
        final QueueTicket group = queue.join(leader, ticket(BattlegroundType.BATTLEGROUND_TYPE_ARATHI_BASIN, a, b))
                .ticket();
        final int arathi = BattlegroundType.BATTLEGROUND_TYPE_ARATHI_BASIN_VALUE;
        assertThat(queue.leave(leader, "main", 1, arathi)).isTrue();
        assertThat(queue.leave(leader, "main", 1, arathi)).isFalse();
        assertThat(queue.tickets()).singleElement().satisfies(t -> {
            assertThat(t.getTicketId()).isEqualTo(group.getTicketId());
            assertThat(t.getMembersList()).containsExactly(b);
        });
        assertThat(queue.leave(leader, "second", 1, arathi)).isTrue();
        assertThat(queue.tickets()).isEmpty();
        // Free again: it may join anew.
        assertThat(queue.join(leader, ticket(BattlegroundType.BATTLEGROUND_TYPE_ARATHI_BASIN, a))
                        .created())
                .isTrue();
    }

    @Test
    void aPlayerAwayLongerThanTheGraceLosesItsPlaceAndOneBackInTimeKeepsIt() {
        final QueueTicket stays = queue.join(
                        leader, ticket(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH, player("main", 1)))
                .ticket();
        final QueueTicket goes = queue.join(
                        leader, ticket(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH, player("main", 2)))
                .ticket();
        assertThat(queue.markAway(leader, "main", 1, true)).hasSize(1);
        assertThat(queue.markAway(leader, "main", 2, true)).hasSize(1);
        now.addAndGet(59_999);
        assertThat(queue.expireAway(leader, 60_000)).isEmpty();
        // Player 1 logs in again within the minute.
        assertThat(queue.markAway(leader, "main", 1, false)).hasSize(1);
        now.addAndGet(1);
        assertThat(queue.expireAway(leader, 60_000))
                .extracting(QueueTicket::getTicketId)
                .containsExactly(goes.getTicketId());
        assertThat(queue.tickets()).extracting(QueueTicket::getTicketId).containsExactly(stays.getTicketId());
        assertThat(queue.ticketsOf("main", 2)).isEmpty();
    }

    @Test
    void aDeposedLeaderWritesNothing() {
        final Leadership stale = new Leadership(leader.key(), leader.revision() - 1, 0);
        assertThatThrownBy(() ->
                        queue.join(stale, ticket(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH, player("main", 1))))
                .isInstanceOf(NotLeaderException.class);
        assertThat(queue.tickets()).isEmpty();
        assertThat(queue.ticketsOf("main", 1)).isEmpty();
    }
}
