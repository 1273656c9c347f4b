package io.realmcluster.controlplane.battleground;

import io.grpc.StatusRuntimeException;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.NotLeaderException;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.QueueTicket;
import io.realmcluster.proto.v1.QueuedPlayer;
import io.realmcluster.proto.v1.SeatState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the matches on the leader: a level-triggered pass, on every change it is woken for and
 * every {@code every}, that reads the matches and the queue from etcd and acts on the difference.
 *
 * <ol>
 *   <li>Each match is tended: invites past their deadline expire; proposed seats older than
 *       {@link #PROPOSAL_TIMEOUT} go back to the queue with their join times; the other proposed
 *       seats get the match's instance (created on the battleground pool, bound to the match id,
 *       so creating it again finds it) and are invited with {@link #INVITE_TIME} to answer, in one
 *       write guarded by the match's revision; a running match with no seat held ends; an ended
 *       match is forgotten after {@link #ENDED_KEPT}.
 *   <li>The {@link Matchmaker} runs on the queue (tickets of players not away) and the running
 *       matches' seats; each proposal takes its tickets out of the queue and into a match in one
 *       transaction, which fails when a ticket changed since it was read (the pass reads again).
 * </ol>
 *
 * <p>A seat's state is the record of its invite: a new leader that finds a proposed match invites
 * its seats once, and nobody twice. Passes run on one thread; answers from players run on the
 * callers' threads and meet the passes only in etcd's conditional writes.
 */
public final class MatchController implements AutoCloseable {
    /** How long an invited player has to answer, as in vanilla. */
    public static final Duration INVITE_TIME = Duration.ofSeconds(80);

    /**
     * How long a decided match stays RUNNING for its players to be sent home (the node's end wait,
     * 120 s on a realm, and their transfers) before the leader ends it whatever seats it still holds.
     */
    static final Duration DECIDED_KEPT = Duration.ofMinutes(4);
    /** How long seats may stay proposed, not invited, before they go back to the queue. */
    public static final Duration PROPOSAL_TIMEOUT = Duration.ofSeconds(60);
    /** How long an ended match stays in etcd for {@code realmctl describe battleground}. */
    public static final Duration ENDED_KEPT = Duration.ofMinutes(10);
    /** The default time between passes. */
    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(MatchController.class);
    /** Passes over the records in one run: each write may make more to do (a proposal, then its invites). */
    private static final int ROUNDS = 4;

    private final MatchStore matches;
    private final Supplier<Leadership> leadership;
    private final Matchmaker matchmaker;
    private final Instances instances;
    private final LongSupplier clock;
    private final Duration every;
    private final MatchMetrics metrics;
    private final Predicate<String> nodeGone;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("match-controller", true));
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    /** Set before {@link #start}: how long an entered player who disconnected keeps its seat. */
    private DisconnectGrace grace = new DisconnectGrace(DisconnectGrace.DEFAULT);
    /** Owned by the passes: matches whose instance could not be created, each warned of once. */
    private final Set<String> unplaced = new HashSet<>();

    /** Where a match's instance comes from: idempotent for one owner. */
    @FunctionalInterface
    public interface Instances {
        /**
         * The instance of {@code mapId} bound to {@code owner}, created if none is.
         *
         * @throws StatusRuntimeException when it cannot be created now.
         */
        MapInstance create(int mapId, String realm, String owner, int players);
    }

    /** {@code leadership}: this replica's, null while it does not lead; {@code clock}: wall-clock ms. */
    public MatchController(
            final MatchStore matches,
            final Supplier<Leadership> leadership,
            final Matchmaker matchmaker,
            final Instances instances,
            final LongSupplier clock,
            final Duration every,
            final MatchMetrics metrics) {
        this(matches, leadership, matchmaker, instances, clock, every, metrics, nodeId -> false);
    }

    /**
     * The same, with {@code nodeGone} saying whether a node is gone (no longer registered): a running
     * match whose instance's node is gone ends, its players going home at their next login, no Deserter.
     */
    public MatchController(
            final MatchStore matches,
            final Supplier<Leadership> leadership,
            final Matchmaker matchmaker,
            final Instances instances,
            final LongSupplier clock,
            final Duration every,
            final MatchMetrics metrics,
            final Predicate<String> nodeGone) {
        this.nodeGone = nodeGone;
        this.matches = matches;
        this.leadership = leadership;
        this.matchmaker = matchmaker;
        this.instances = instances;
        this.clock = clock;
        this.every = every;
        this.metrics = metrics;
    }

    /**
     * How long an entered player who disconnected keeps its seat (before {@link #start}): after it, the
     * pass marks the seat LEFT and deserted (the match may then be topped up).
     */
    public MatchController disconnectGrace(final Duration disconnectGrace) {
        this.grace = new DisconnectGrace(disconnectGrace);
        return this;
    }

    public MatchController start() {
        thread.scheduleWithFixedDelay(this::run, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The queue or a match changed: run a pass soon (coalesced). */
    public void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    wakeQueued.set(false);
                    run();
                });
            } catch (final RejectedExecutionException e) {
                // Closing.
            }
        }
    }

    private void run() {
        try {
            pass();
        } catch (final NotLeaderException | EtcdUnavailableException e) {
            LOG.debug("match pass skipped: {}", e.getMessage());
        } catch (final RuntimeException e) {
            LOG.warn("match pass failed; next in {} ms", every.toMillis(), e);
        }
    }

    /** One pass (tests call it directly); does nothing on a replica that does not lead. */
    public synchronized void pass() {
        final Leadership leader = leadership.get();
        if (leader == null) {
            return;
        }
        for (int round = 0; round < ROUNDS; round++) {
            final boolean tended = tendAll(leader);
            final boolean proposed = proposeAll(leader);
            if (!tended && !proposed) {
                return;
            }
        }
    }

    /** Tend every match; whether any write was tried (the records changed or raced). */
    private boolean tendAll(final Leadership leader) {
        boolean wrote = false;
        final List<MatchStore.Stored<BattlegroundMatch>> all = matches.matches();
        final Map<QueueKey, int[]> running = new HashMap<>();
        for (final MatchStore.Stored<BattlegroundMatch> match : all) {
            wrote |= tend(leader, match, clock.getAsLong());
            if (match.value().getState() == MatchState.MATCH_STATE_RUNNING) {
                queue(match.value()).ifPresent(key -> running.computeIfAbsent(key, k -> new int[1])[0]++);
            }
        }
        if (metrics != null) {
            metrics.running(running);
        }
        return wrote;
    }

    /** Act on one match's difference from what it should be; whether a write was tried. */
    private boolean tend(final Leadership leader, final MatchStore.Stored<BattlegroundMatch> stored, final long now) {
        final BattlegroundMatch match = stored.value();
        if (match.getState() == MatchState.MATCH_STATE_ENDED) {
            if (now - match.getEndedAtUnixMs() >= ENDED_KEPT.toMillis()) {
                matches.forget(leader, stored);
                return true;
            }
            return false;
        }
        if (match.getState() == MatchState.MATCH_STATE_RUNNING
                && !match.getNodeId().isEmpty()
                && nodeGone.test(match.getNodeId())) {
            // Its battleground's node died: the match cannot go on; its players go home at their last save.
            final BattlegroundMatch ended = match.toBuilder()
                    .setState(MatchState.MATCH_STATE_ENDED)
                    .setEndedAtUnixMs(now)
                    .build();
            if (matches.update(leader, stored, ended, List.of())) {
                LOG.info("match {}: its instance's node {} is gone", match.getMatchId(), match.getNodeId());
                log(match, ended, List.of(), 0);
            }
            return true;
        }
        final BattlegroundMatch.Builder next = match.toBuilder().clearSeats();
        final Map<String, QueueTicket.Builder> backInQueue = new LinkedHashMap<>();
        final List<MatchSeat> fresh = new ArrayList<>();
        boolean changed = false;
        int expired = 0;
        for (final MatchSeat seat : match.getSeatsList()) {
            if (seat.getState() == SeatState.SEAT_STATE_INVITED && now > seat.getInviteDeadlineUnixMs()) {
                next.addSeats(seat.toBuilder().setState(SeatState.SEAT_STATE_EXPIRED));
                changed = true;
                expired++;
            } else if (seat.getState() == SeatState.SEAT_STATE_PROPOSED
                    && now - seat.getProposedAtUnixMs() >= PROPOSAL_TIMEOUT.toMillis()) {
                backInQueue
                        .computeIfAbsent(seat.getTicketId(), id -> ticketOf(match, seat))
                        .addMembers(seat.getPlayer());
                changed = true;
            } else if (grace.pastGrace(seat, now)) {
                // Disconnected and not back within the grace: out of the match, a deserter if it was still on.
                final MatchSeat left = DisconnectGrace.abandoned(match, seat);
                next.addSeats(left);
                changed = true;
                LOG.info(
                        "match {}: {}-{} not back within {} s of its disconnect; seat LEFT{}",
                        match.getMatchId(),
                        seat.getPlayer().getName(),
                        seat.getPlayer().getRealm(),
                        grace.grace().toSeconds(),
                        left.getDeserted() ? ", deserted" : "");
            } else if (seat.getState() == SeatState.SEAT_STATE_PROPOSED) {
                fresh.add(seat);
            } else {
                next.addSeats(seat);
            }
        }
        if (!fresh.isEmpty()) {
            final Optional<MapInstance> instance = instance(match);
            if (instance.isPresent()) {
                next.setInstanceId(instance.get().getInstanceId())
                        .setInstanceRealm(instance.get().getRealm())
                        .setNodeId(instance.get().getNodeId())
                        .setState(MatchState.MATCH_STATE_RUNNING);
                for (final MatchSeat seat : fresh) {
                    next.addSeats(seat.toBuilder()
                            .setState(SeatState.SEAT_STATE_INVITED)
                            .setInviteDeadlineUnixMs(now + INVITE_TIME.toMillis()));
                }
                changed = true;
            } else {
                fresh.forEach(next::addSeats);
            }
        }
        if (next.getState() == MatchState.MATCH_STATE_RUNNING
                && next.getSeatsList().stream().noneMatch(s -> MatchStore.HELD.contains(s.getState()))) {
            next.setState(MatchState.MATCH_STATE_ENDED).setEndedAtUnixMs(now);
            changed = true;
        } else if (next.getState() == MatchState.MATCH_STATE_RUNNING
                && next.getResultAtUnixMs() > 0
                && now - next.getResultAtUnixMs() >= DECIDED_KEPT.toMillis()) {
            // Decided long enough ago that everyone in it went home: seats still held are of players who never
            // arrived or left unreported; they hold the instance open no longer.
            next.setState(MatchState.MATCH_STATE_ENDED).setEndedAtUnixMs(now);
            changed = true;
        }
        if (!changed) {
            return false;
        }
        final List<QueueTicket> back = new ArrayList<>();
        backInQueue.values().forEach(ticket -> back.add(ticket.build()));
        final BattlegroundMatch written = next.build();
        if (matches.update(leader, stored, written, back)) {
            log(match, written, back, fresh.size());
            if (metrics != null && expired > 0) {
                metrics.invites("expired", expired);
            }
        }
        return true;
    }

    private void log(
            final BattlegroundMatch before,
            final BattlegroundMatch after,
            final List<QueueTicket> back,
            final int proposed) {
        if (!back.isEmpty()) {
            LOG.warn(
                    "match {}: {} ticket(s) proposed {} s ago and never invited are back in the queue",
                    after.getMatchId(),
                    back.size(),
                    PROPOSAL_TIMEOUT.toSeconds());
        }
        if (proposed > 0
                && !after.getInstanceId().isEmpty()
                && before.getSeatsList().stream().anyMatch(s -> s.getState() == SeatState.SEAT_STATE_PROPOSED)) {
            LOG.info(
                    "match {} ({}): invited {} player(s) to instance {} on node {}",
                    after.getMatchId(),
                    after.getBattleground(),
                    proposed,
                    after.getInstanceId(),
                    after.getNodeId());
        }
        if (after.getState() == MatchState.MATCH_STATE_ENDED && before.getState() != MatchState.MATCH_STATE_ENDED) {
            LOG.info("match {} ({}) ended: no seat left held", after.getMatchId(), after.getBattleground());
        }
        if (metrics != null
                && after.getState() == MatchState.MATCH_STATE_ENDED
                && before.getState() != MatchState.MATCH_STATE_ENDED) {
            metrics.ended(after);
        }
    }

    /** The match's instance, created (or found, bound to the match) when it has none; empty when it cannot be now. */
    private Optional<MapInstance> instance(final BattlegroundMatch match) {
        if (!match.getInstanceId().isEmpty()) {
            return Optional.of(MapInstance.newBuilder()
                    .setInstanceId(match.getInstanceId())
                    .setRealm(match.getInstanceRealm())
                    .setNodeId(match.getNodeId())
                    .build());
        }
        final Optional<Battleground> battleground = StoredTickets.battleground(match.getBattleground());
        if (battleground.isEmpty() || match.getSeatsCount() == 0) {
            return Optional.empty();
        }
        try {
            final MapInstance created = instances.create(
                    battleground.get().mapId(),
                    match.getSeats(0).getPlayer().getRealm(),
                    match.getMatchId(),
                    battleground.get().teamSize() * 2);
            unplaced.remove(match.getMatchId());
            return Optional.of(created);
        } catch (final StatusRuntimeException e) {
            if (!unplaced.add(match.getMatchId())) {
                return Optional.empty();
            }
            LOG.warn(
                    "match {}: no instance of {} yet ({}); invites wait, the seats go back to the queue after {} s",
                    match.getMatchId(),
                    battleground.get().title(),
                    e.getStatus(),
                    PROPOSAL_TIMEOUT.toSeconds());
            return Optional.empty();
        }
    }

    /** The ticket {@code seat} came from, without members: they are added seat by seat. */
    private static QueueTicket.Builder ticketOf(final BattlegroundMatch match, final MatchSeat seat) {
        return QueueTicket.newBuilder()
                .setTicketId(seat.getTicketId())
                .setBattlegroup(match.getBattlegroup())
                .setBattleground(match.getBattleground())
                .setBracket(match.getBracket())
                .setFaction(seat.getTeam())
                .setGroupId(seat.getGroupId())
                .setJoinedAtUnixMs(seat.getJoinedAtUnixMs());
    }

    /** Run the matchmaker on the queue and the running matches; whether any proposal was tried. */
    private boolean proposeAll(final Leadership leader) {
        final long now = clock.getAsLong();
        final Map<String, MatchStore.Stored<QueueTicket>> stored = matches.tickets();
        final List<Ticket> waiting = new ArrayList<>();
        for (final MatchStore.Stored<QueueTicket> ticket : stored.values()) {
            if (ticket.value().getAwaySinceUnixMs() == 0) {
                StoredTickets.ticket(ticket.value()).ifPresent(waiting::add);
            }
        }
        if (metrics != null) {
            metrics.queues(waiting, now);
        }
        waiting.sort(Ticket.JOIN_ORDER);
        final Map<String, MatchStore.Stored<BattlegroundMatch>> byId = new HashMap<>();
        final Map<QueueKey, List<RunningMatch>> running = new HashMap<>();
        final List<MatchStore.Stored<BattlegroundMatch>> all = new ArrayList<>(matches.matches());
        all.sort(Comparator.comparingLong(m -> m.value().getProposedAtUnixMs()));
        for (final MatchStore.Stored<BattlegroundMatch> match : all) {
            byId.put(match.value().getMatchId(), match);
            final Optional<QueueKey> key = queue(match.value());
            // A decided match takes nobody more: its players are on their way home.
            if (match.value().getState() == MatchState.MATCH_STATE_RUNNING
                    && match.value().getResultAtUnixMs() == 0
                    && key.isPresent()) {
                running.computeIfAbsent(key.get(), k -> new ArrayList<>()).add(running(match.value()));
            }
        }
        final SortedMap<QueueKey, List<Proposal>> proposals = matchmaker.proposeAll(waiting, running, now);
        boolean tried = false;
        for (final List<Proposal> queue : proposals.values()) {
            for (final Proposal proposal : queue) {
                tried = true;
                if (!write(leader, proposal, stored, byId, now)) {
                    // A ticket or a match changed under the pass: read again.
                    return true;
                }
            }
        }
        return tried;
    }

    private boolean write(
            final Leadership leader,
            final Proposal proposal,
            final Map<String, MatchStore.Stored<QueueTicket>> stored,
            final Map<String, MatchStore.Stored<BattlegroundMatch>> byId,
            final long now) {
        final MatchStore.Stored<BattlegroundMatch> before =
                proposal.matchId().map(byId::get).orElse(null);
        final BattlegroundMatch.Builder after = before != null
                ? before.value().toBuilder()
                : BattlegroundMatch.newBuilder()
                        .setMatchId(UUID.randomUUID().toString())
                        .setBattlegroup(proposal.queue().battlegroup())
                        .setBattleground(StoredTickets.type(proposal.queue().battleground()))
                        .setBracket(proposal.queue().bracket().minLevel())
                        .setState(MatchState.MATCH_STATE_PROPOSED)
                        .setProposedAtUnixMs(now);
        final List<MatchStore.Stored<QueueTicket>> taken = new ArrayList<>();
        for (final Ticket ticket : concat(proposal.alliance(), proposal.horde())) {
            final MatchStore.Stored<QueueTicket> record = stored.get(ticket.id());
            taken.add(record);
            for (final QueuedPlayer member : record.value().getMembersList()) {
                after.addSeats(MatchSeat.newBuilder()
                        .setPlayer(member)
                        .setTeam(record.value().getFaction())
                        .setTicketId(record.value().getTicketId())
                        .setGroupId(record.value().getGroupId())
                        .setJoinedAtUnixMs(record.value().getJoinedAtUnixMs())
                        .setState(SeatState.SEAT_STATE_PROPOSED)
                        .setProposedAtUnixMs(now)
                        .setNodeId(member.getNodeId()));
            }
        }
        final BattlegroundMatch match = after.build();
        if (!matches.propose(leader, before, match, taken)) {
            return false;
        }
        LOG.info(
                "match {} {} in {}: {} v {}",
                match.getMatchId(),
                before == null ? "proposed" : "topped up",
                proposal.queue(),
                proposal.players(Faction.ALLIANCE),
                proposal.players(Faction.HORDE));
        if (metrics != null) {
            metrics.popped(proposal, now);
        }
        return true;
    }

    private static List<Ticket> concat(final List<Ticket> a, final List<Ticket> b) {
        final List<Ticket> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The match's seats held per team, as the matchmaker counts a running match. */
    static RunningMatch running(final BattlegroundMatch match) {
        int alliance = 0;
        int horde = 0;
        for (final MatchSeat seat : match.getSeatsList()) {
            if (MatchStore.HELD.contains(seat.getState())) {
                if (seat.getTeam() == io.realmcluster.proto.v1.Faction.FACTION_ALLIANCE) {
                    alliance++;
                } else {
                    horde++;
                }
            }
        }
        return new RunningMatch(match.getMatchId(), alliance, horde);
    }

    /** The queue a match is of; empty for one no rule knows. */
    static Optional<QueueKey> queue(final BattlegroundMatch match) {
        return StoredTickets.battleground(match.getBattleground())
                .flatMap(battleground -> battleground.brackets().stream()
                        .filter(b -> b.minLevel() == match.getBracket())
                        .findFirst()
                        .map(bracket -> new QueueKey(match.getBattlegroup(), battleground, bracket)));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
