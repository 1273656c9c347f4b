package io.realmcluster.controlplane.battleground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.BattlegroundType;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.QueuedPlayer;
import io.realmcluster.proto.v1.SeatState;
import io.realmcluster.testkit.EtcdExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link MatchStore#updateMatch} over a real etcd: every update lands under churn, or it says it could not. */
class MatchStoreTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final int PLAYERS = 80;

    private final Keys keys = new Keys("/bg-store-" + UUID.randomUUID());
    private final EtcdStore etcd =
            EtcdStore.connect(List.of(URI.create(ETCD.endpoint())), Duration.ofSeconds(5), new PrometheusRegistry());
    private final MatchStore matches = new MatchStore(etcd, keys);
    private final ExecutorService threads = Executors.newFixedThreadPool(PLAYERS + 1);

    @AfterEach
    void close() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        etcd.close();
    }

    private Leadership lead() {
        final ByteSequence key = ByteSequence.from(keys.root() + "/leader", StandardCharsets.UTF_8);
        return new Leadership(key, etcd.put(key, ByteSequence.from("replica-1", StandardCharsets.UTF_8), 0), 0);
    }

    /** A running Alterac Valley with every seat entered. */
    private BattlegroundMatch alteracValley(final Leadership leader) {
        final BattlegroundMatch.Builder match = BattlegroundMatch.newBuilder()
                .setMatchId("av-" + UUID.randomUUID())
                .setBattlegroup("ruin")
                .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_ALTERAC_VALLEY)
                .setBracket(51)
                .setState(MatchState.MATCH_STATE_RUNNING)
                .setInstanceId("av-instance")
                .setNodeId("bg-node");
        for (int i = 1; i <= PLAYERS; i++) {
            final Faction team = i % 2 == 0 ? Faction.FACTION_ALLIANCE : Faction.FACTION_HORDE;
            match.addSeats(MatchSeat.newBuilder()
                    .setPlayer(QueuedPlayer.newBuilder()
                            .setRealm(i % 3 == 0 ? "second" : "main")
                            .setCharacterId(i)
                            .setName("P" + i)
                            .setLevel(60)
                            .setFaction(team))
                    .setTeam(team)
                    .setTicketId("t" + i)
                    .setState(SeatState.SEAT_STATE_ENTERED));
        }
        final BattlegroundMatch written = match.build();
        assertThat(matches.update(leader, null, written, List.of())).isTrue();
        return written;
    }

    @Test
    void eightyPlayersReportingAtOnceWhileThePassesRewriteTheRecordAllLand() throws Exception {
        final Leadership leader = lead();
        final BattlegroundMatch av = alteracValley(leader);
        final String id = av.getMatchId();
        // What is tested is that every report lands, not how fast: on a loaded two-core machine the churn below
        // can outlast the real patience (the one that runs out is tested apart).
        matches.patience(Duration.ofSeconds(20));
        final AtomicBoolean reporting = new AtomicBoolean(true);
        final AtomicInteger passWrites = new AtomicInteger();
        // The controller's passes: plain conditional writes of the whole record, outside updateMatch, all along.
        final CompletableFuture<Void> passes = CompletableFuture.runAsync(
                () -> {
                    while (reporting.get()) {
                        final MatchStore.Stored<BattlegroundMatch> stored =
                                matches.match(id).orElseThrow();
                        final BattlegroundMatch after = stored.value().toBuilder()
                                .setHordeScore(stored.value().getHordeScore() + 1)
                                .build();
                        if (matches.update(leader, stored, after, List.of())) {
                            passWrites.incrementAndGet();
                        }
                        // Hundreds of writes a second: far more churn than the real passes make, yet not a busy loop
                        // that takes a core from the reports on a two-core machine.
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                    }
                },
                threads);
        final CountDownLatch start = new CountDownLatch(1);
        final List<CompletableFuture<BattlegroundMatch>> reports = new ArrayList<>();
        for (final MatchSeat seat : av.getSeatsList()) {
            final long characterId = seat.getPlayer().getCharacterId();
            reports.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            start.await();
                        } catch (final InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return matches.updateMatch(leader, id, match -> withDisconnect(match, characterId))
                                .orElseThrow();
                    },
                    threads));
        }
        start.countDown();
        try {
            CompletableFuture.allOf(reports.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            reporting.set(false);
        }
        passes.get(10, TimeUnit.SECONDS);

        final BattlegroundMatch after = matches.match(id).orElseThrow().value();
        assertThat(after.getSeatsList())
                .as("every report landed, none lost to another")
                .allSatisfy(seat -> assertThat(seat.getDisconnectedAtUnixMs())
                        .isEqualTo(1_000 + seat.getPlayer().getCharacterId()));
        assertThat(after.getHordeScore()).as("and every pass's write too").isEqualTo(passWrites.get());
        assertThat(passWrites.get())
                .as("the passes wrote while the reports ran")
                .isPositive();
    }

    private static BattlegroundMatch withDisconnect(final BattlegroundMatch match, final long characterId) {
        final BattlegroundMatch.Builder next = match.toBuilder();
        for (int i = 0; i < match.getSeatsCount(); i++) {
            if (match.getSeats(i).getPlayer().getCharacterId() == characterId) {
                next.setSeats(i, match.getSeats(i).toBuilder().setDisconnectedAtUnixMs(1_000 + characterId));
            }
        }
        return next.build();
    }

    @Test
    void anUpdateThatLosesEveryRaceForItsPatienceSaysSoAndWritesNothing() {
        final Leadership leader = lead();
        final String id = alteracValley(leader).getMatchId();
        matches.patience(Duration.ofMillis(200));
        final AtomicInteger tries = new AtomicInteger();

        assertThatThrownBy(() -> matches.updateMatch(leader, id, match -> {
                    tries.incrementAndGet();
                    // Another writer changes the record between every read and its write.
                    final MatchStore.Stored<BattlegroundMatch> stored =
                            matches.match(id).orElseThrow();
                    matches.update(
                            leader,
                            stored,
                            stored.value().toBuilder()
                                    .setAllianceScore(stored.value().getAllianceScore() + 1)
                                    .build(),
                            List.of());
                    return withDisconnect(match, 1);
                }))
                .isInstanceOf(MatchStore.Contended.class)
                .hasMessageContaining("match " + id + " changed under each of");
        assertThat(tries.get()).as("tried again and again within the patience").isGreaterThan(1);
        final BattlegroundMatch after = matches.match(id).orElseThrow().value();
        assertThat(after.getSeats(0).getDisconnectedAtUnixMs()).isZero();
        assertThat(after.getAllianceScore()).isEqualTo(tries.get());
    }

    @Test
    void anUpdateOfNoMatchIsEmptyAndOneThatChangesNothingWritesNothing() {
        final Leadership leader = lead();
        final String id = alteracValley(leader).getMatchId();
        final long revision = matches.match(id).orElseThrow().modRevision();

        assertThat(matches.updateMatch(leader, "no-such-match", match -> match)).isEmpty();
        assertThat(matches.updateMatch(leader, id, match -> match.toBuilder().build()))
                .isPresent();
        assertThat(matches.match(id).orElseThrow().modRevision()).isEqualTo(revision);
    }
}
