package io.realmcluster.controlplane.battleground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.etcd.jetcd.ByteSequence;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.controlplane.placement.EmptyVerdict;
import io.realmcluster.proto.v1.AdmitEntryRequest;
import io.realmcluster.proto.v1.AdmitEntryResponse;
import io.realmcluster.proto.v1.AnswerInviteRequest;
import io.realmcluster.proto.v1.AnswerInviteResponse;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.BattlegroundType;
import io.realmcluster.proto.v1.Battlegroup;
import io.realmcluster.proto.v1.CallOffEntryRequest;
import io.realmcluster.proto.v1.CallOffEntryResponse;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.JoinQueueRequest;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.QueueTicket;
import io.realmcluster.proto.v1.QueuedPlayer;
import io.realmcluster.proto.v1.ReportDisconnectedRequest;
import io.realmcluster.proto.v1.ReportLeftRequest;
import io.realmcluster.proto.v1.ReportResultRequest;
import io.realmcluster.proto.v1.SeatState;
import io.realmcluster.testkit.EtcdExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A match's life on the leader over a real etcd, with the real queue, service and controller, time
 * driven by the test: proposal, instance, invites, answers, expiry, a new leader between proposal
 * and invites, a proposal never invited going back to the queue.
 */
class MatchLifecycleTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final String REALM_A = "main";
    private static final String REALM_B = "second";

    private final Keys keys = new Keys("/bg-match-" + UUID.randomUUID());
    private final EtcdStore etcd =
            EtcdStore.connect(List.of(URI.create(ETCD.endpoint())), Duration.ofSeconds(5), new PrometheusRegistry());
    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final QueueStore queue = new QueueStore(etcd, keys, now::get);
    private final MatchStore matches = new MatchStore(etcd, keys);
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final MatchMetrics metrics = new MatchMetrics(registry);
    /** Whether the battleground pool has room; instances created, by owner. */
    private final AtomicBoolean poolUp = new AtomicBoolean(true);

    private final Map<String, AtomicInteger> created = new ConcurrentHashMap<>();
    /** Nodes no longer registered. */
    private final java.util.Set<String> goneNodes = ConcurrentHashMap.newKeySet();

    private Leadership leader;
    private MatchController controller;
    private BattlegroundService service;

    @BeforeEach
    void setUp() {
        new BattlegroupStore(etcd, keys)
                .put(Battlegroup.newBuilder()
                        .setName("ruin")
                        .addRealms(REALM_A)
                        .addRealms(REALM_B)
                        .build());
        leader = lead("replica-1");
        controller = controllerOf(leader);
        service = new BattlegroundService(
                queue,
                new BattlegroupStore(etcd, keys),
                () -> leader,
                null,
                now::get,
                new BattlegroundService.Matches(
                        new Invites(matches, now::get, metrics),
                        () -> {},
                        id -> NodeDescriptor.newBuilder().setNodeId(id).build()));
    }

    @AfterEach
    void close() {
        controller.close();
        etcd.close();
    }

    private MatchController controllerOf(final Leadership leadership) {
        return new MatchController(
                matches,
                () -> leadership,
                new Matchmaker(Matchmaker.DEFAULT_HOLD_AFTER),
                this::instance,
                now::get,
                Duration.ofHours(1),
                metrics,
                goneNodes::contains);
    }

    private MapInstance instance(final int mapId, final String realm, final String owner, final int players) {
        if (!poolUp.get()) {
            throw Status.RESOURCE_EXHAUSTED
                    .withDescription("no live node of pool battleground")
                    .asRuntimeException();
        }
        created.computeIfAbsent(owner, o -> new AtomicInteger()).incrementAndGet();
        return MapInstance.newBuilder()
                .setInstanceId(realm + "." + mapId + "." + owner)
                .setRealm(realm)
                .setNodeId("bg-node")
                .setOwner(owner)
                .build();
    }

    private Leadership lead(final String name) {
        final ByteSequence key = ByteSequence.from(keys.root() + "/leader-" + name, StandardCharsets.UTF_8);
        return new Leadership(key, etcd.put(key, ByteSequence.from(name, StandardCharsets.UTF_8), 0), 0);
    }

    private static QueuedPlayer player(final String realm, final long id, final Faction faction) {
        return QueuedPlayer.newBuilder()
                .setRealm(realm)
                .setCharacterId(id)
                .setName((faction == Faction.FACTION_ALLIANCE ? "Ally" : "Orc") + id)
                .setLevel(60)
                .setFaction(faction)
                .setNodeId("home-" + realm)
                .build();
    }

    /** Queue one solo player for Warsong Gulch, a second after the one before. */
    private void join(final QueuedPlayer player) {
        now.addAndGet(1_000);
        call(
                service::joinQueue,
                JoinQueueRequest.newBuilder()
                        .setTicket(QueueTicket.newBuilder()
                                .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH)
                                .addMembers(player))
                        .build());
    }

    /** Four of each faction from both realms: the smallest Warsong Gulch that pops. */
    private List<QueuedPlayer> fourAndFour() {
        final List<QueuedPlayer> players = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            players.add(player(i % 2 == 0 ? REALM_A : REALM_B, i, Faction.FACTION_ALLIANCE));
            players.add(player(i % 2 == 0 ? REALM_B : REALM_A, 100 + i, Faction.FACTION_HORDE));
        }
        players.forEach(this::join);
        return players;
    }

    private BattlegroundMatch onlyMatch() {
        final List<MatchStore.Stored<BattlegroundMatch>> all = matches.matches();
        assertThat(all).as("matches in etcd").hasSize(1);
        return all.get(0).value();
    }

    private static MatchSeat seat(final BattlegroundMatch match, final QueuedPlayer player) {
        return match.getSeatsList().stream()
                .filter(s -> MatchStore.sameCharacter(s.getPlayer(), player))
                .findFirst()
                .orElseThrow(() -> new AssertionError(player.getName() + " has no seat in " + match));
    }

    private AnswerInviteResponse answer(final QueuedPlayer player, final String matchId, final boolean accept) {
        return call(
                service::answerInvite,
                AnswerInviteRequest.newBuilder()
                        .setRealm(player.getRealm())
                        .setCharacterId(player.getCharacterId())
                        .setMatchId(matchId)
                        .setAccept(accept)
                        .build());
    }

    private String refusal(final QueuedPlayer player, final String matchId, final boolean accept) {
        try {
            answer(player, matchId, accept);
        } catch (final StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            return e.getStatus().getDescription();
        }
        return fail("the answer of " + player.getName() + " was not refused");
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
        if (error.get() != null) {
            throw new AssertionError(error.get());
        }
        return answer.get();
    }

    @Test
    void ticketsBecomeAProposedMatchThenInvitesWithDeadlinesOnItsInstance() {
        poolUp.set(false);
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();

        // Proposed: the tickets left the queue in the same write the match was made in; nobody invited yet.
        BattlegroundMatch match = onlyMatch();
        assertThat(match.getState()).isEqualTo(MatchState.MATCH_STATE_PROPOSED);
        assertThat(match.getSeatsList()).hasSize(8).allMatch(s -> s.getState() == SeatState.SEAT_STATE_PROPOSED);
        assertThat(queue.tickets()).isEmpty();
        // A seated player cannot queue for the same battleground again.
        final StatusRuntimeException again = org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class, () -> join(players.get(0)));
        assertThat(again.getStatus().getDescription()).contains("holds a seat in a match of this battleground");

        poolUp.set(true);
        now.addAndGet(5_000);
        controller.pass();
        match = onlyMatch();
        assertThat(match.getState()).isEqualTo(MatchState.MATCH_STATE_RUNNING);
        assertThat(match.getNodeId()).isEqualTo("bg-node");
        assertThat(created.get(match.getMatchId())).hasValue(1);
        final long deadline = now.get() + MatchController.INVITE_TIME.toMillis();
        assertThat(match.getSeatsList()).allSatisfy(s -> {
            assertThat(s.getState()).isEqualTo(SeatState.SEAT_STATE_INVITED);
            assertThat(s.getInviteDeadlineUnixMs()).isEqualTo(deadline);
            assertThat(s.getNodeId()).isEqualTo("home-" + s.getPlayer().getRealm());
        });
        assertThat(match.getSeatsList().stream()
                        .filter(s -> s.getTeam() == Faction.FACTION_ALLIANCE)
                        .count())
                .isEqualTo(4);

        // Another pass invites nobody again: the deadlines stay.
        now.addAndGet(1_000);
        controller.pass();
        assertThat(onlyMatch()).isEqualTo(match);
    }

    @Test
    void aDeclineFreesTheSeatAndAWaitingTicketOfThatFactionIsInvitedInItsPlace() {
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final String id = onlyMatch().getMatchId();
        final QueuedPlayer late = player(REALM_B, 9, Faction.FACTION_ALLIANCE);
        join(late);
        controller.pass();
        // Level teams gain in equal numbers: the late Alliance player waits.
        assertThat(queue.tickets()).hasSize(1);

        final QueuedPlayer decliner = players.get(0);
        final AnswerInviteResponse declined = answer(decliner, id, false);
        assertThat(declined.getState()).isEqualTo(SeatState.SEAT_STATE_DECLINED);
        controller.pass();

        final BattlegroundMatch match = onlyMatch();
        assertThat(seat(match, decliner).getState()).isEqualTo(SeatState.SEAT_STATE_DECLINED);
        assertThat(seat(match, late).getState()).isEqualTo(SeatState.SEAT_STATE_INVITED);
        assertThat(seat(match, late).getTeam()).isEqualTo(Faction.FACTION_ALLIANCE);
        assertThat(queue.tickets()).isEmpty();
        // No penalty: the decliner may queue again at once.
        join(decliner);
        assertThat(queue.ticketsOf(decliner.getRealm(), decliner.getCharacterId()))
                .hasSize(1);
        // The instance was created once for the match, the top-up found it.
        assertThat(created.get(id)).hasValue(1);
    }

    @Test
    void anExpiredInviteFreesTheSeatForAWaitingTicketAndAnAcceptAfterTheDeadlineIsRefused() {
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final String id = onlyMatch().getMatchId();
        for (final QueuedPlayer player : players.subList(1, players.size())) {
            answer(player, id, true);
        }
        final QueuedPlayer late = player(REALM_A, 9, Faction.FACTION_ALLIANCE);
        join(late);

        now.addAndGet(MatchController.INVITE_TIME.toMillis() + 1);
        final BattlegroundMatch before = onlyMatch();
        assertThat(refusal(players.get(0), id, true)).contains("expired");
        assertThat(onlyMatch()).as("a refused accept changes nothing").isEqualTo(before);

        controller.pass();
        final BattlegroundMatch match = onlyMatch();
        assertThat(seat(match, players.get(0)).getState()).isEqualTo(SeatState.SEAT_STATE_EXPIRED);
        assertThat(seat(match, late).getState()).isEqualTo(SeatState.SEAT_STATE_INVITED);
        assertThat(seat(match, late).getInviteDeadlineUnixMs())
                .isEqualTo(now.get() + MatchController.INVITE_TIME.toMillis());
        assertThat(seat(match, players.get(1)).getState()).isEqualTo(SeatState.SEAT_STATE_ACCEPTED);
        assertThat(refusal(players.get(0), id, true)).isEqualTo("the invite to match " + id + " expired");
        assertThat(registry.scrape().stream()
                        .filter(m -> m.getMetadata().getName().equals("realm_battleground_invites"))
                        .flatMap(m -> m.getDataPoints().stream())
                        .map(p -> p.getLabels().get("outcome") + "="
                                + (long)
                                        ((io.prometheus.metrics.model.snapshots.CounterSnapshot
                                                                .CounterDataPointSnapshot)
                                                        p)
                                                .getValue())
                        .toList())
                .containsExactlyInAnyOrder("accepted=7", "declined=0", "expired=1");
    }

    @Test
    void anAlteracValleyOfEightyPlayersPopsInOneTransactionAndGoesBackWhole() {
        poolUp.set(false);
        for (int i = 1; i <= 40; i++) {
            for (final Faction faction : List.of(Faction.FACTION_ALLIANCE, Faction.FACTION_HORDE)) {
                now.addAndGet(10);
                call(
                        service::joinQueue,
                        JoinQueueRequest.newBuilder()
                                .setTicket(QueueTicket.newBuilder()
                                        .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_ALTERAC_VALLEY)
                                        .addMembers(player(
                                                i % 2 == 0 ? REALM_A : REALM_B,
                                                (faction == Faction.FACTION_ALLIANCE ? 1000 : 2000) + i,
                                                faction)))
                                .build());
            }
        }
        controller.pass();
        assertThat(onlyMatch().getSeatsList()).hasSize(80);
        assertThat(queue.tickets()).isEmpty();

        now.addAndGet(MatchController.PROPOSAL_TIMEOUT.toMillis());
        poolUp.set(true);
        controller.pass();
        // Back in the queue (80 tickets in one write), proposed again and, the pool up now, invited.
        final BattlegroundMatch again = onlyMatch();
        assertThat(again.getSeatsList()).hasSize(80).allMatch(s -> s.getState() == SeatState.SEAT_STATE_INVITED);
    }

    @Test
    void leavingTheQueueWhileInvitedDeclinesTheInviteButNotAnAcceptedSeat() {
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final String id = onlyMatch().getMatchId();
        answer(players.get(1), id, true);
        for (final QueuedPlayer player : players.subList(0, 2)) {
            call(
                    service::leaveQueue,
                    io.realmcluster.proto.v1.LeaveQueueRequest.newBuilder()
                            .setRealm(player.getRealm())
                            .setCharacterId(player.getCharacterId())
                            .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH)
                            .build());
        }
        final BattlegroundMatch match = onlyMatch();
        assertThat(seat(match, players.get(0)).getState()).isEqualTo(SeatState.SEAT_STATE_DECLINED);
        assertThat(seat(match, players.get(1)).getState()).isEqualTo(SeatState.SEAT_STATE_ACCEPTED);
    }

    @Test
    void aPlayerWhoLogsInOnAnotherNodeGetsItsInviteThere() {
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final QueuedPlayer moving = players.get(3);
        call(
                service::setAway,
                io.realmcluster.proto.v1.SetAwayRequest.newBuilder()
                        .setRealm(moving.getRealm())
                        .setCharacterId(moving.getCharacterId())
                        .setAway(false)
                        .setNodeId("other-node")
                        .build());
        final BattlegroundMatch match = onlyMatch();
        assertThat(seat(match, moving).getNodeId()).isEqualTo("other-node");
        assertThat(seat(match, players.get(2)).getNodeId())
                .isEqualTo("home-" + players.get(2).getRealm());
        assertThat(seat(match, moving).getState()).isEqualTo(SeatState.SEAT_STATE_INVITED);
    }

    @Test
    void aSecondAcceptIsAnsweredTheSameAndAnAcceptOfAnotherPlayersMatchIsRefused() {
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final String id = onlyMatch().getMatchId();

        final AnswerInviteResponse first = answer(players.get(1), id, true);
        assertThat(first.getState()).isEqualTo(SeatState.SEAT_STATE_ACCEPTED);
        assertThat(first.getInstanceId()).isEqualTo(onlyMatch().getInstanceId());
        assertThat(first.getNode().getNodeId()).isEqualTo("bg-node");
        assertThat(first.getTeam()).isEqualTo(Faction.FACTION_HORDE);
        assertThat(first.getMapId()).isEqualTo(489);
        final BattlegroundMatch afterFirst = onlyMatch();
        assertThat(answer(players.get(1), id, true)).isEqualTo(first);
        assertThat(onlyMatch()).as("a second accept writes nothing").isEqualTo(afterFirst);

        final QueuedPlayer stranger = player(REALM_B, 77, Faction.FACTION_HORDE);
        assertThat(refusal(stranger, id, true))
                .isEqualTo("character 77 of realm second was not invited to match " + id);
        assertThat(refusal(players.get(1), "no-such-match", true)).contains("no battleground match no-such-match");
        // Declined, then accepted: refused.
        answer(players.get(2), id, false);
        assertThat(refusal(players.get(2), id, true)).contains("was declined");
        assertThat(onlyMatch().getSeatsList().stream()
                        .filter(s -> s.getState() == SeatState.SEAT_STATE_ACCEPTED)
                        .count())
                .isEqualTo(1);
    }

    @Test
    void onlyAnAcceptedSeatIsAdmittedIntoItsMatchsInstanceAndARetriedOfferIsAnsweredTheSame() {
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final BattlegroundMatch match = onlyMatch();
        final String id = match.getMatchId();
        final QueuedPlayer horde = players.get(1);
        // Invited, not accepted: refused.
        assertThat(admitRefusal(horde, id, match.getInstanceId())).isEqualTo(Invites.NOT_INVITED);

        answer(horde, id, true);
        assertThat(admitRefusal(horde, id, "other-instance")).isEqualTo(Invites.NOT_INVITED);
        assertThat(admit(horde, id, match.getInstanceId()).getTeam()).isEqualTo(Faction.FACTION_HORDE);
        assertThat(seat(onlyMatch(), horde).getState()).isEqualTo(SeatState.SEAT_STATE_ENTERED);
        final BattlegroundMatch entered = onlyMatch();
        assertThat(admit(horde, id, match.getInstanceId()).getTeam()).isEqualTo(Faction.FACTION_HORDE);
        assertThat(onlyMatch()).as("a retried offer writes nothing").isEqualTo(entered);
        // An accept after the entry is answered the same, the seat stays ENTERED.
        assertThat(answer(horde, id, true).getState()).isEqualTo(SeatState.SEAT_STATE_ENTERED);

        assertThat(admitRefusal(player(REALM_B, 77, Faction.FACTION_HORDE), id, match.getInstanceId()))
                .isEqualTo(Invites.NOT_INVITED);
        assertThat(admitRefusal(horde, "no-such-match", match.getInstanceId())).isEqualTo(Invites.NOT_INVITED);
    }

    @Test
    void anEntryCalledOffByTheHomeNodeFreesTheSeatWithoutDeserterAndTheMatchIsToppedUp() {
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final BattlegroundMatch match = onlyMatch();
        final String id = match.getMatchId();
        final QueuedPlayer orc = players.get(1);
        final QueuedPlayer otherOrc = players.get(3);
        // A fifth orc waits: four a side already, so no top-up past the Alliance's count.
        final QueuedPlayer waiting = player(REALM_A, 105, Faction.FACTION_HORDE);
        join(waiting);
        controller.pass();
        assertThat(onlyMatch().getSeatsList()).noneMatch(s -> MatchStore.sameCharacter(s.getPlayer(), waiting));

        answer(orc, id, true);
        admit(orc, id, match.getInstanceId(), "transfer-1");
        assertThat(seat(onlyMatch(), orc).getEntryTransferId()).isEqualTo("transfer-1");
        assertThat(callOff(orc, id, "transfer-0").getState())
                .as("a call-off of another transfer does not take a seat entered by this one")
                .isEqualTo(SeatState.SEAT_STATE_ENTERED);

        assertThat(callOff(orc, id, "transfer-1").getState()).isEqualTo(SeatState.SEAT_STATE_LEFT);
        final MatchSeat gone = seat(onlyMatch(), orc);
        assertThat(gone.getState()).isEqualTo(SeatState.SEAT_STATE_LEFT);
        assertThat(gone.getDeserted()).as("it never got in: no Deserter").isFalse();
        assertThat(callOff(orc, id, "transfer-1").getState())
                .as("a call-off again answers the same")
                .isEqualTo(SeatState.SEAT_STATE_LEFT);
        assertThat(admitRefusal(orc, id, match.getInstanceId())).isEqualTo(Invites.NOT_INVITED);

        // An accepted seat whose entry never reached the battleground's node: the same.
        answer(otherOrc, id, true);
        assertThat(callOff(otherOrc, id, "transfer-2").getState()).isEqualTo(SeatState.SEAT_STATE_LEFT);

        now.addAndGet(1_000);
        controller.pass();
        assertThat(seat(onlyMatch(), waiting).getState())
                .as("the freed seat is topped up from the queue")
                .isEqualTo(SeatState.SEAT_STATE_INVITED);
        // Its queue key went with the seat: the orc may queue again.
        join(orc);
        assertThat(queue.ticketsOf(orc.getRealm(), orc.getCharacterId())).hasSize(1);
    }

    @Test
    void aLateAwayReportAfterThePlayerCameBackDesertsNobody() {
        controller.disconnectGrace(Duration.ofSeconds(5));
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final BattlegroundMatch match = onlyMatch();
        final String id = match.getMatchId();
        final QueuedPlayer orc = players.get(1);
        answer(orc, id, true);
        admit(orc, id, match.getInstanceId(), "transfer-1");

        // Away at T, back at T + 2 s; the away report reaches the leader after the back report.
        final long away = now.get();
        back(orc, id, away + 2_000);
        disconnected(orc, id, true, away);
        assertThat(seat(onlyMatch(), orc).getDisconnectedAtUnixMs()).isZero();
        now.addAndGet(60_000);
        controller.pass();
        assertThat(seat(onlyMatch(), orc).getState()).isEqualTo(SeatState.SEAT_STATE_ENTERED);
        assertThat(seat(onlyMatch(), orc).getDeserted()).isFalse();
    }

    @Test
    void itsEmptyInstanceStaysOpenWhileASeatIsInsideItsGraceAndClosesOnceTheMatchEnds() {
        controller.disconnectGrace(Duration.ofSeconds(5));
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final BattlegroundMatch match = onlyMatch();
        final String id = match.getMatchId();
        final MatchInstances instances = new MatchInstances(matches);
        final MapInstance instance = MapInstance.newBuilder()
                .setInstanceId(match.getInstanceId())
                .setKind(io.realmcluster.proto.v1.MapKind.MAP_KIND_BATTLEGROUND)
                .setOwner(id)
                .build();
        assertThat(instances.of(instance)).as("invites out").isEqualTo(EmptyVerdict.AWAITED);
        for (final QueuedPlayer player : players) {
            answer(player, id, true);
            admit(player, id, match.getInstanceId());
        }
        assertThat(instances.of(instance)).isEqualTo(EmptyVerdict.IDLE);

        final QueuedPlayer orc = players.get(1);
        disconnected(orc, id, true, now.get());
        assertThat(instances.of(instance))
                .as("the orc may log in again into it within the grace")
                .isEqualTo(EmptyVerdict.AWAITED);
        now.addAndGet(5_000);
        controller.pass();
        assertThat(seat(onlyMatch(), orc).getState()).isEqualTo(SeatState.SEAT_STATE_LEFT);
        assertThat(instances.of(instance)).isEqualTo(EmptyVerdict.IDLE);

        players.forEach(player -> left(player, id));
        controller.pass();
        assertThat(instances.of(instance)).isEqualTo(EmptyVerdict.OVER);
    }

    @Test
    void aRunningMatchWhoseBattlegroundNodeIsGoneEndsAndAdmitsNobodyMore() {
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final BattlegroundMatch match = onlyMatch();
        answer(players.get(1), match.getMatchId(), true);
        admit(players.get(1), match.getMatchId(), match.getInstanceId());
        controller.pass();
        assertThat(onlyMatch().getState()).isEqualTo(MatchState.MATCH_STATE_RUNNING);

        goneNodes.add("bg-node");
        now.addAndGet(1_000);
        controller.pass();
        assertThat(onlyMatch().getState()).isEqualTo(MatchState.MATCH_STATE_ENDED);
        assertThat(onlyMatch().getEndedAtUnixMs()).isEqualTo(now.get());
        assertThat(admitRefusal(players.get(3), match.getMatchId(), match.getInstanceId()))
                .isEqualTo(Invites.NOT_INVITED);
        assertThat(histogram("realm_battleground_match_length_seconds"))
                .as("one match ended with no result, 1 s after its pop")
                .containsExactly("WARSONG_GULCH no_result count=1 sum=1.0");
        assertThat(histogram("realm_battleground_wait_seconds"))
                .as("the pop took eight players, who joined a second apart: 7 + 6 + ... + 0 s waited")
                .containsExactly("WARSONG_GULCH count=8 sum=28.0");
    }

    /** A histogram's data points as "LABEL VALUES count=N sum=S". */
    private List<String> histogram(final String name) {
        return registry.scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals(name))
                .flatMap(m -> m.getDataPoints().stream())
                .map(p -> {
                    final var point =
                            (io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot) p;
                    final StringBuilder labels = new StringBuilder();
                    point.getLabels().forEach(l -> labels.append(l.getValue()).append(' '));
                    return labels + "count=" + point.getCount() + " sum=" + point.getSum();
                })
                .toList();
    }

    @Test
    void aMatchEndsWhenItsLastEnteredPlayerLeft() {
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final BattlegroundMatch match = onlyMatch();
        final String id = match.getMatchId();
        for (final QueuedPlayer player : players) {
            answer(player, id, true);
            admit(player, id, match.getInstanceId());
        }
        for (int i = 0; i < players.size() - 1; i++) {
            left(players.get(i), id);
        }
        left(players.get(0), id);
        controller.pass();
        assertThat(onlyMatch().getState()).as("one player still in").isEqualTo(MatchState.MATCH_STATE_RUNNING);
        assertThat(seat(onlyMatch(), players.get(0)).getState()).isEqualTo(SeatState.SEAT_STATE_LEFT);

        left(players.get(players.size() - 1), id);
        controller.pass();
        assertThat(onlyMatch().getState()).isEqualTo(MatchState.MATCH_STATE_ENDED);
        assertThatThrownBy(() -> left(player(REALM_B, 77, Faction.FACTION_HORDE), id))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }

    @Test
    void aLeaveBeforeTheEndMarksTheSeatDesertedAndTheResultIsStoredOnce() {
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final BattlegroundMatch match = onlyMatch();
        final String id = match.getMatchId();
        for (final QueuedPlayer player : players) {
            answer(player, id, true);
            admit(player, id, match.getInstanceId());
        }
        call(
                service::reportLeft,
                ReportLeftRequest.newBuilder()
                        .setRealm(players.get(0).getRealm())
                        .setCharacterId(players.get(0).getCharacterId())
                        .setMatchId(id)
                        .setDeserted(true)
                        .build());
        assertThat(seat(onlyMatch(), players.get(0)).getDeserted()).isTrue();
        assertThat(seat(onlyMatch(), players.get(1)).getDeserted()).isFalse();

        result(id, Faction.FACTION_ALLIANCE, false, 3, 1);
        result(id, Faction.FACTION_HORDE, false, 0, 3);
        final BattlegroundMatch decided = onlyMatch();
        assertThat(decided.getWinner()).as("the first report stands").isEqualTo(Faction.FACTION_ALLIANCE);
        assertThat(decided.getAllianceScore()).isEqualTo(3);
        assertThat(decided.getHordeScore()).isEqualTo(1);
        assertThat(decided.getDraw()).isFalse();
        assertThatThrownBy(() -> result(id, Faction.FACTION_UNSPECIFIED, false, 0, 0))
                .as("neither a winner nor a draw")
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> result("no-such-match", Faction.FACTION_HORDE, false, 0, 0))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        // Seats still entered (players who never arrived, or left unreported) hold the match open only so long.
        assertThat(decided.getResultAtUnixMs()).isEqualTo(now.get());
        now.addAndGet(MatchController.DECIDED_KEPT.toMillis() - 1);
        controller.pass();
        assertThat(onlyMatch().getState()).isEqualTo(MatchState.MATCH_STATE_RUNNING);
        now.addAndGet(1);
        controller.pass();
        assertThat(onlyMatch().getState()).isEqualTo(MatchState.MATCH_STATE_ENDED);
        assertThat(histogram("realm_battleground_match_length_seconds"))
                .singleElement()
                .asString()
                .startsWith("WARSONG_GULCH decided count=1");
    }

    @Test
    void aDecidedMatchIsToppedUpNoMore() {
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final BattlegroundMatch match = onlyMatch();
        final String id = match.getMatchId();
        for (final QueuedPlayer player : players) {
            answer(player, id, true);
            admit(player, id, match.getInstanceId());
        }
        left(players.get(1), id);
        result(id, Faction.FACTION_ALLIANCE, false, 3, 0);
        // A horde player waits for the seat the leaver freed.
        final QueuedPlayer waiting = player(REALM_A, 105, Faction.FACTION_HORDE);
        join(waiting);
        now.addAndGet(1_000);
        controller.pass();
        assertThat(onlyMatch().getSeatsList())
                .as("nobody is invited into a match already won")
                .noneMatch(s -> MatchStore.sameCharacter(s.getPlayer(), waiting));
    }

    private void result(
            final String matchId, final Faction winner, final boolean draw, final long alliance, final long horde) {
        call(
                service::reportResult,
                ReportResultRequest.newBuilder()
                        .setMatchId(matchId)
                        .setWinner(winner)
                        .setDraw(draw)
                        .setAllianceScore(alliance)
                        .setHordeScore(horde)
                        .build());
    }

    @Test
    void aDisconnectKeepsTheSeatForTheGraceThenLeavesItDesertedAndTheLoginGoesHomeWithDeserter() {
        final Duration grace = Duration.ofSeconds(5);
        controller.disconnectGrace(grace);
        final MatchRejoins rejoins = new MatchRejoins(
                matches,
                new DisconnectGrace(grace),
                now::get,
                id -> NodeDescriptor.newBuilder().setNodeId(id).build());
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final BattlegroundMatch match = onlyMatch();
        final String id = match.getMatchId();
        for (final QueuedPlayer player : players) {
            answer(player, id, true);
            admit(player, id, match.getInstanceId());
        }
        final QueuedPlayer orc = players.get(1);

        // Away and back within the grace: the seat stays ENTERED, and a login meanwhile goes into the instance.
        final long away = now.get();
        disconnected(orc, id, true, away);
        assertThat(seat(onlyMatch(), orc).getDisconnectedAtUnixMs()).isEqualTo(away);
        now.addAndGet(4_999);
        controller.pass();
        assertThat(seat(onlyMatch(), orc).getState()).isEqualTo(SeatState.SEAT_STATE_ENTERED);
        final var back = rejoins.of(orc.getRealm(), orc.getCharacterId(), id);
        assertThat(back.rejoins()).isTrue();
        assertThat(back.route().instanceId()).isEqualTo(match.getInstanceId());
        assertThat(back.route().nodeId()).isEqualTo("bg-node");
        disconnected(orc, id, false, 0);
        assertThat(seat(onlyMatch(), orc).getDisconnectedAtUnixMs()).isZero();

        // Away past the grace: LEFT and deserted on the next pass; the login goes home with Deserter.
        final long again = now.get();
        disconnected(orc, id, true, again);
        now.addAndGet(5_000);
        controller.pass();
        final MatchSeat abandoned = seat(onlyMatch(), orc);
        assertThat(abandoned.getState()).isEqualTo(SeatState.SEAT_STATE_LEFT);
        assertThat(abandoned.getDeserted()).isTrue();
        assertThat(onlyMatch().getState()).isEqualTo(MatchState.MATCH_STATE_RUNNING);
        final var home = rejoins.of(orc.getRealm(), orc.getCharacterId(), id);
        assertThat(home.rejoins()).isFalse();
        assertThat(home.deserterUntilMillis()).isEqualTo(again + 5_000 + 15 * 60_000);
        // Its node reporting it back now is refused: the seat is gone.
        assertThatThrownBy(() -> disconnected(orc, id, false, 0))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));

        // A match ended by its node's loss deserts nobody still within the grace.
        final QueuedPlayer other = players.get(3);
        disconnected(other, id, true, now.get());
        goneNodes.add("bg-node");
        controller.pass();
        assertThat(onlyMatch().getState()).isEqualTo(MatchState.MATCH_STATE_ENDED);
        now.addAndGet(60_000);
        final var ended = rejoins.of(other.getRealm(), other.getCharacterId(), id);
        assertThat(ended.rejoins()).isFalse();
        assertThat(ended.deserterUntilMillis()).isZero();
    }

    private void disconnected(final QueuedPlayer player, final String matchId, final boolean away, final long at) {
        call(
                service::reportDisconnected,
                ReportDisconnectedRequest.newBuilder()
                        .setRealm(player.getRealm())
                        .setCharacterId(player.getCharacterId())
                        .setMatchId(matchId)
                        .setAway(away)
                        .setDisconnectedAtUnixMs(at)
                        .build());
    }

    private void left(final QueuedPlayer player, final String matchId) {
        call(
                service::reportLeft,
                ReportLeftRequest.newBuilder()
                        .setRealm(player.getRealm())
                        .setCharacterId(player.getCharacterId())
                        .setMatchId(matchId)
                        .build());
    }

    private AdmitEntryResponse admit(final QueuedPlayer player, final String matchId, final String instanceId) {
        return admit(player, matchId, instanceId, "");
    }

    private AdmitEntryResponse admit(
            final QueuedPlayer player, final String matchId, final String instanceId, final String transferId) {
        return call(
                service::admitEntry,
                AdmitEntryRequest.newBuilder()
                        .setRealm(player.getRealm())
                        .setCharacterId(player.getCharacterId())
                        .setMatchId(matchId)
                        .setInstanceId(instanceId)
                        .setTransferId(transferId)
                        .build());
    }

    private CallOffEntryResponse callOff(final QueuedPlayer player, final String matchId, final String transferId) {
        return call(
                service::callOffEntry,
                CallOffEntryRequest.newBuilder()
                        .setRealm(player.getRealm())
                        .setCharacterId(player.getCharacterId())
                        .setMatchId(matchId)
                        .setTransferId(transferId)
                        .setReason("the offer was refused")
                        .build());
    }

    private void back(final QueuedPlayer player, final String matchId, final long at) {
        call(
                service::reportDisconnected,
                ReportDisconnectedRequest.newBuilder()
                        .setRealm(player.getRealm())
                        .setCharacterId(player.getCharacterId())
                        .setMatchId(matchId)
                        .setAway(false)
                        .setBackAtUnixMs(at)
                        .build());
    }

    private String admitRefusal(final QueuedPlayer player, final String matchId, final String instanceId) {
        try {
            admit(player, matchId, instanceId);
        } catch (final StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            return e.getStatus().getDescription();
        }
        return fail("the entry of " + player.getName() + " was not refused");
    }

    @Test
    void aNewLeaderContinuesAProposedMatchInvitingEverySeatOnce() {
        poolUp.set(false);
        final List<QueuedPlayer> players = fourAndFour();
        controller.pass();
        final BattlegroundMatch proposed = onlyMatch();
        assertThat(proposed.getState()).isEqualTo(MatchState.MATCH_STATE_PROPOSED);

        // The leader dies between proposal and invites: its key goes with its lease; another replica leads.
        etcd.delete(leader.key());
        final Leadership next = lead("replica-2");
        final MatchController successor = controllerOf(next);
        poolUp.set(true);
        try {
            successor.pass();
            // The deposed leader's pass writes nothing: its fence fails.
            try {
                controller.pass();
            } catch (final io.realmcluster.controlplane.etcd.NotLeaderException expected) {
                // Its writes are refused; nothing changed.
            }
            successor.pass();
        } finally {
            successor.close();
        }
        final BattlegroundMatch match = onlyMatch();
        assertThat(match.getMatchId()).isEqualTo(proposed.getMatchId());
        assertThat(match.getState()).isEqualTo(MatchState.MATCH_STATE_RUNNING);
        assertThat(match.getSeatsList()).hasSize(8).allMatch(s -> s.getState() == SeatState.SEAT_STATE_INVITED);
        final Map<String, Long> seatsPerPlayer = match.getSeatsList().stream()
                .collect(Collectors.groupingBy(s -> s.getPlayer().getName(), Collectors.counting()));
        assertThat(seatsPerPlayer)
                .hasSize(players.size())
                .allSatisfy((name, count) -> assertThat(count).isEqualTo(1));
        assertThat(queue.tickets())
                .as("no ticket lost to the queue or left in it twice")
                .isEmpty();
        assertThat(created.get(match.getMatchId())).hasValue(1);
    }

    @Test
    void aProposalNeverInvitedGoesBackToTheQueueWithItsJoinTimes() {
        poolUp.set(false);
        fourAndFour();
        final Map<String, Long> joinedAt = new HashMap<>();
        queue.tickets().forEach(t -> joinedAt.put(t.getTicketId(), t.getJoinedAtUnixMs()));
        controller.pass();
        final String first = onlyMatch().getMatchId();
        assertThat(queue.tickets()).isEmpty();

        now.addAndGet(MatchController.PROPOSAL_TIMEOUT.toMillis());
        controller.pass();
        // The proposal is gone; its tickets went back with their join times, and (no node having room still)
        // the pass proposed them again, in their original order.
        final BattlegroundMatch again = onlyMatch();
        assertThat(again.getMatchId()).isNotEqualTo(first);
        assertThat(again.getState()).isEqualTo(MatchState.MATCH_STATE_PROPOSED);
        assertThat(again.getSeatsList())
                .hasSize(8)
                .allSatisfy(s -> assertThat(s.getJoinedAtUnixMs()).isEqualTo(joinedAt.get(s.getTicketId())));
    }
}
