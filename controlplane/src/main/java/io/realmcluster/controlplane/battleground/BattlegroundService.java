package io.realmcluster.controlplane.battleground;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.NotLeaderException;
import io.realmcluster.controlplane.placement.LeaderForwarder;
import io.realmcluster.proto.v1.AdmitEntryRequest;
import io.realmcluster.proto.v1.AdmitEntryResponse;
import io.realmcluster.proto.v1.AnswerInviteRequest;
import io.realmcluster.proto.v1.AnswerInviteResponse;
import io.realmcluster.proto.v1.BattlegroundsGrpc;
import io.realmcluster.proto.v1.Battlegroup;
import io.realmcluster.proto.v1.CallOffEntryRequest;
import io.realmcluster.proto.v1.CallOffEntryResponse;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.JoinQueueRequest;
import io.realmcluster.proto.v1.JoinQueueResponse;
import io.realmcluster.proto.v1.LeaveQueueRequest;
import io.realmcluster.proto.v1.LeaveQueueResponse;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.QueuePlace;
import io.realmcluster.proto.v1.QueueStatusRequest;
import io.realmcluster.proto.v1.QueueStatusResponse;
import io.realmcluster.proto.v1.QueueTicket;
import io.realmcluster.proto.v1.QueuedPlayer;
import io.realmcluster.proto.v1.ReportDisconnectedRequest;
import io.realmcluster.proto.v1.ReportDisconnectedResponse;
import io.realmcluster.proto.v1.ReportLeftRequest;
import io.realmcluster.proto.v1.ReportLeftResponse;
import io.realmcluster.proto.v1.ReportResultRequest;
import io.realmcluster.proto.v1.ReportResultResponse;
import io.realmcluster.proto.v1.SeatState;
import io.realmcluster.proto.v1.SetAwayRequest;
import io.realmcluster.proto.v1.SetAwayResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queues' gRPC face for nodes. Any replica answers; writes happen on the leader (a follower
 * forwards them once), each fenced by its leadership. A join is decided by {@link QueueRules}
 * (battlegroups, levels and brackets, factions, Deserter, groups, the queues each member holds),
 * which gives the ticket its id, battlegroup and bracket; the {@link QueueStore} then writes it on
 * condition that no member's queues changed meanwhile.
 */
public final class BattlegroundService extends BattlegroundsGrpc.BattlegroundsImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(BattlegroundService.class);
    private static final Duration FORWARD_DEADLINE = Duration.ofSeconds(5);

    private final QueueStore queue;
    private final BattlegroupStore battlegroups;
    private final Supplier<Leadership> leadership;
    private final LeaderForwarder forwarder;
    private final LongSupplier clock;
    private final Matches matches;

    /**
     * The matches' side of the service: players' answers, the controller woken by every change, and
     * the nodes, by id, that accepted players are sent to.
     */
    public record Matches(Invites invites, Runnable changed, Function<String, NodeDescriptor> nodes) {}

    /** {@code leadership}: this replica's, null while it does not lead. */
    public BattlegroundService(
            final QueueStore queue,
            final BattlegroupStore battlegroups,
            final Supplier<Leadership> leadership,
            final LeaderForwarder forwarder,
            final LongSupplier clock,
            final Matches matches) {
        this.queue = queue;
        this.battlegroups = battlegroups;
        this.leadership = leadership;
        this.forwarder = forwarder;
        this.clock = clock;
        this.matches = matches;
    }

    @Override
    public void answerInvite(final AnswerInviteRequest request, final StreamObserver<AnswerInviteResponse> response) {
        answer(response, () -> {
            final Leadership leader = leadership.get();
            if (leader == null) {
                return forward("answer the invite", stub -> stub.answerInvite(request));
            }
            final Invites.Answer answer = matches.invites()
                    .answer(
                            leader,
                            request.getRealm(),
                            request.getCharacterId(),
                            request.getMatchId(),
                            request.getAccept());
            if (!request.getAccept()) {
                matches.changed().run();
            }
            final AnswerInviteResponse.Builder where = AnswerInviteResponse.newBuilder()
                    .setMatchId(answer.match().getMatchId())
                    .setBattleground(answer.match().getBattleground())
                    .setTeam(answer.seat().getTeam())
                    .setState(answer.seat().getState());
            if (request.getAccept()) {
                where.setInstanceId(answer.match().getInstanceId());
                StoredTickets.battleground(answer.match().getBattleground())
                        .ifPresent(bg -> where.setMapId(bg.mapId()));
                final NodeDescriptor node = matches.nodes().apply(answer.match().getNodeId());
                if (node != null) {
                    where.setNode(node);
                }
            }
            return where.build();
        });
    }

    @Override
    public void admitEntry(final AdmitEntryRequest request, final StreamObserver<AdmitEntryResponse> response) {
        answer(response, () -> {
            final Leadership leader = leadership.get();
            if (leader == null) {
                return forward("admit the player into its battleground", stub -> stub.admitEntry(request));
            }
            final MatchSeat seat = matches.invites()
                    .admit(
                            leader,
                            request.getRealm(),
                            request.getCharacterId(),
                            request.getMatchId(),
                            request.getInstanceId(),
                            request.getTransferId());
            return AdmitEntryResponse.newBuilder().setTeam(seat.getTeam()).build();
        });
    }

    @Override
    public void callOffEntry(final CallOffEntryRequest request, final StreamObserver<CallOffEntryResponse> response) {
        answer(response, () -> {
            final Leadership leader = leadership.get();
            if (leader == null) {
                return forward("give back the seat of an entry called off", stub -> stub.callOffEntry(request));
            }
            final SeatState state = matches.invites()
                    .calledOff(
                            leader,
                            request.getRealm(),
                            request.getCharacterId(),
                            request.getMatchId(),
                            request.getTransferId());
            if (state == SeatState.SEAT_STATE_LEFT) {
                LOG.info(
                        "match {}: the entry of character {} of realm {} was called off by its home node ({}); seat LEFT,"
                                + " no Deserter",
                        request.getMatchId(),
                        request.getCharacterId(),
                        request.getRealm(),
                        request.getReason());
                matches.changed().run();
            }
            return CallOffEntryResponse.newBuilder().setState(state).build();
        });
    }

    @Override
    public void reportLeft(final ReportLeftRequest request, final StreamObserver<ReportLeftResponse> response) {
        answer(response, () -> {
            final Leadership leader = leadership.get();
            if (leader == null) {
                return forward("take the player out of its match", stub -> stub.reportLeft(request));
            }
            matches.invites()
                    .left(
                            leader,
                            request.getRealm(),
                            request.getCharacterId(),
                            request.getMatchId(),
                            request.getDeserted());
            matches.changed().run();
            return ReportLeftResponse.getDefaultInstance();
        });
    }

    @Override
    public void reportResult(final ReportResultRequest request, final StreamObserver<ReportResultResponse> response) {
        answer(response, () -> {
            final Leadership leader = leadership.get();
            if (leader == null) {
                return forward("store the match's result", stub -> stub.reportResult(request));
            }
            if (!request.getDraw()
                    && request.getWinner() != Faction.FACTION_ALLIANCE
                    && request.getWinner() != Faction.FACTION_HORDE) {
                throw Status.INVALID_ARGUMENT
                        .withDescription("a result names its winner (Alliance or Horde) or says it is a draw, got "
                                + request.getWinner())
                        .asRuntimeException();
            }
            matches.invites()
                    .result(
                            leader,
                            request.getMatchId(),
                            request.getWinner(),
                            request.getDraw(),
                            request.getAllianceScore(),
                            request.getHordeScore());
            return ReportResultResponse.getDefaultInstance();
        });
    }

    @Override
    public void reportDisconnected(
            final ReportDisconnectedRequest request, final StreamObserver<ReportDisconnectedResponse> response) {
        answer(response, () -> {
            final Leadership leader = leadership.get();
            if (leader == null) {
                return forward("mark the player's disconnect in its match", stub -> stub.reportDisconnected(request));
            }
            matches.invites()
                    .disconnected(
                            leader,
                            request.getRealm(),
                            request.getCharacterId(),
                            request.getMatchId(),
                            request.getAway(),
                            request.getAway()
                                    ? (request.getDisconnectedAtUnixMs() > 0
                                            ? request.getDisconnectedAtUnixMs()
                                            : clock.getAsLong())
                                    : request.getBackAtUnixMs());
            return ReportDisconnectedResponse.getDefaultInstance();
        });
    }

    @Override
    public void joinQueue(final JoinQueueRequest request, final StreamObserver<JoinQueueResponse> response) {
        answer(response, () -> {
            final Leadership leader = leadership.get();
            if (leader == null) {
                return forward("queue the player", stub -> stub.joinQueue(request));
            }
            final QueueTicket checked = check(request.getTicket());
            final QueueStore.Joined joined;
            try {
                joined = queue.join(leader, checked);
            } catch (final QueueStore.Refused e) {
                throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
            }
            if (joined.created()) {
                matches.changed().run();
            }
            return JoinQueueResponse.newBuilder()
                    .setTicket(joined.ticket())
                    .setCreated(joined.created())
                    .build();
        });
    }

    @Override
    public void leaveQueue(final LeaveQueueRequest request, final StreamObserver<LeaveQueueResponse> response) {
        answer(response, () -> {
            final Leadership leader = leadership.get();
            if (leader == null) {
                return forward("take the player out of the queue", stub -> stub.leaveQueue(request));
            }
            boolean wasQueued =
                    queue.leave(leader, request.getRealm(), request.getCharacterId(), request.getBattlegroundValue());
            final Optional<String> seat = wasQueued || matches.invites() == null
                    ? Optional.empty()
                    : matches.invites()
                            .heldSeat(request.getRealm(), request.getCharacterId(), request.getBattlegroundValue());
            if (seat.isPresent()) {
                // Invited and leaving the queue: a decline, as in vanilla. An accepted seat stays (the match's to end).
                try {
                    matches.invites().answer(leader, request.getRealm(), request.getCharacterId(), seat.get(), false);
                    wasQueued = true;
                } catch (final Invites.Refused e) {
                    wasQueued = false;
                }
            }
            if (wasQueued) {
                matches.changed().run();
            }
            return LeaveQueueResponse.newBuilder().setWasQueued(wasQueued).build();
        });
    }

    @Override
    public void setAway(final SetAwayRequest request, final StreamObserver<SetAwayResponse> response) {
        answer(response, () -> {
            final Leadership leader = leadership.get();
            if (leader == null) {
                return forward("mark the player away", stub -> stub.setAway(request));
            }
            final int changed = queue.markAway(
                            leader,
                            request.getRealm(),
                            request.getCharacterId(),
                            request.getAway(),
                            request.getNodeId())
                    .size();
            if (!request.getAway() && !request.getNodeId().isEmpty() && matches.invites() != null) {
                // A login on another node: its invites go there now.
                matches.invites().moved(leader, request.getRealm(), request.getCharacterId(), request.getNodeId());
            }
            if (changed > 0) {
                matches.changed().run();
            }
            return SetAwayResponse.newBuilder().setTickets(changed).build();
        });
    }

    /** Read on any replica: etcd holds the queue. */
    @Override
    public void queueStatus(final QueueStatusRequest request, final StreamObserver<QueueStatusResponse> response) {
        answer(response, () -> {
            final List<QueueTicket> all = queue.tickets();
            final QueueStatusResponse.Builder places = QueueStatusResponse.newBuilder();
            for (final QueueTicket mine : queue.ticketsOf(request.getRealm(), request.getCharacterId())) {
                final List<QueueTicket> line =
                        all.stream().filter(t -> sameQueue(t, mine)).toList();
                int position = 1;
                for (final QueueTicket ahead : line) {
                    if (ahead.getTicketId().equals(mine.getTicketId())) {
                        break;
                    }
                    if (ahead.getFaction() == mine.getFaction()) {
                        position++;
                    }
                }
                places.addPlaces(QueuePlace.newBuilder()
                        .setTicket(mine)
                        .setPosition(position)
                        .setWaiting(line.size()));
            }
            return places.build();
        });
    }

    /** The ticket as the queue keeps it, when {@link QueueRules} accept the join. */
    private QueueTicket check(final QueueTicket asked) {
        final Battleground battleground =
                StoredTickets.battleground(asked.getBattleground()).orElseThrow(() -> refused("no such battleground"));
        if (asked.getMembersCount() == 0) {
            throw refused("a ticket needs at least one player");
        }
        if (asked.getMembersCount() > 1 && asked.getGroupId().isEmpty()) {
            throw refused("players queue together only as a group");
        }
        final List<Applicant> applicants = new ArrayList<>();
        for (final QueuedPlayer player : asked.getMembersList()) {
            if (StoredTickets.faction(player.getFaction()).isEmpty()) {
                throw refused(QueueStore.displayName(player) + " has no faction");
            }
            final List<Ticket> held = new ArrayList<>();
            for (final QueueTicket stored : queue.ticketsOf(player.getRealm(), player.getCharacterId())) {
                StoredTickets.ticket(stored).ifPresent(held::add);
            }
            applicants.add(new Applicant(
                    StoredTickets.member(player), player.getName(), player.getDeserterUntilUnixMs(), held));
        }
        final Map<String, List<String>> realms = new HashMap<>();
        for (final Battlegroup group : battlegroups.list()) {
            realms.put(group.getName(), group.getRealmsList());
        }
        final JoinRequest request = asked.getGroupId().isEmpty()
                ? JoinRequest.solo(battleground, applicants.get(0))
                : JoinRequest.ofGroup(battleground, asked.getGroupId(), applicants);
        final JoinDecision decision = new QueueRules(Battlegroups.of(realms)).join(request, clock.getAsLong());
        if (decision instanceof JoinDecision.Refused refusal) {
            throw refused(refusal.message());
        }
        return StoredTickets.stored(((JoinDecision.Accepted) decision).ticket(), asked);
    }

    private static boolean sameQueue(final QueueTicket a, final QueueTicket b) {
        return a.getBattlegroup().equals(b.getBattlegroup())
                && a.getBattleground() == b.getBattleground()
                && a.getBracket() == b.getBracket();
    }

    private <R> R forward(final String what, final Function<BattlegroundsGrpc.BattlegroundsBlockingStub, R> call) {
        LeaderForwarder.refuseIfForwarded();
        return forwarder.forward(
                what,
                channel -> call.apply(BattlegroundsGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(FORWARD_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)));
    }

    private static StatusRuntimeException refused(final String reason) {
        return Status.FAILED_PRECONDITION.withDescription(reason).asRuntimeException();
    }

    /** Run a call's body, turning etcd's and leadership's failures into statuses a node can retry on. */
    private static <T> void answer(final StreamObserver<T> response, final Supplier<T> body) {
        final T result;
        try {
            result = body.get();
        } catch (final StatusRuntimeException e) {
            response.onError(e);
            return;
        } catch (final Invites.Refused e) {
            // The match or its seat says no (an accept after the deadline, a seat gone): nothing changed.
            response.onError(refused(e.getMessage()));
            return;
        } catch (final NotLeaderException e) {
            response.onError(Status.UNAVAILABLE
                    .withDescription("this control plane lost its leadership; retry")
                    .asRuntimeException());
            return;
        } catch (final EtcdUnavailableException | MatchStore.Contended e) {
            // A match busy past the patience is as good as unavailable for now: the nodes try again on it.
            response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (final IllegalArgumentException e) {
            // A ticket the rules cannot read (a blank realm, a member without a faction): the sender's mistake.
            response.onError(
                    Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
