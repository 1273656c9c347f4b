package io.realmcluster.controlplane.battleground;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.KeyReader;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.QueueTicket;
import io.realmcluster.proto.v1.QueuedPlayer;
import io.realmcluster.proto.v1.SeatState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The battleground matches in etcd, one {@link BattlegroundMatch} under {@code matches/ID}, written
 * only by the leader under its fence and each write on condition that the record (and the tickets
 * it takes) did not change since it was read: two writers never both win, and a loser reads again.
 *
 * <p>While a player holds a seat that is not over (proposed, invited, accepted, entered), its queue
 * key for the battleground stays, naming the ticket the seat came from, whose own key is gone: it
 * cannot queue for that battleground again, and its queues still count the seat. The key goes when
 * the seat ends (declined, expired, left) or its match ends; its ticket comes back when a proposed
 * seat goes back to the queue. Leaving the members' keys alone keeps a proposal's transaction
 * within etcd's 128 operations even for Alterac Valley's 80 players.
 */
public final class MatchStore {
    /** Seats that count in their team: the player is in, or may still come. */
    static final Set<SeatState> HELD = Set.of(
            SeatState.SEAT_STATE_PROPOSED,
            SeatState.SEAT_STATE_INVITED,
            SeatState.SEAT_STATE_ACCEPTED,
            SeatState.SEAT_STATE_ENTERED);

    /** How long {@link #updateMatch} goes on trying by default: under the nodes' 2 s deadline for their reports. */
    public static final Duration UPDATE_PATIENCE = Duration.ofMillis(1_500);

    private static final int STRIPES = 64;
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(40);

    private final EtcdStore store;
    private final Keys keys;
    private final KeyReader reads;
    /**
     * Edits of matches waiting for {@link #updateMatch}, by a hash of the match id: one writer per stripe at a
     * time, which writes every edit waiting, one batch per match; the controller's passes, which write around
     * them, are what its compare-and-set still loses to.
     */
    private final Stripe[] stripes = new Stripe[STRIPES];

    private Duration patience = UPDATE_PATIENCE;

    /** Matches and tickets listed straight from etcd. */
    public MatchStore(final EtcdStore store, final Keys keys) {
        this(store, keys, store::list);
    }

    /**
     * Matches and tickets listed by {@code reads} (the replica's watched copy: every pass, publish
     * and login reads them, which as range requests kept etcd busy enough to delay the nodes'
     * lease renewals); single records and every write go to etcd.
     */
    public MatchStore(final EtcdStore store, final Keys keys, final KeyReader reads) {
        this.store = store;
        this.keys = keys;
        this.reads = reads;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** How long {@link #updateMatch} goes on trying (tests shorten it). */
    MatchStore patience(final Duration patience) {
        this.patience = patience;
        return this;
    }

    /** An update of a match that did not land within its patience: the record changed under every try. */
    public static final class Contended extends RuntimeException {
        Contended(final String message) {
            super(message);
        }
    }

    /** A record as read, with the revision a write of it is conditioned on. */
    public record Stored<T>(T value, long modRevision) {}

    /** Every match, by id. */
    public List<Stored<BattlegroundMatch>> matches() {
        final List<Stored<BattlegroundMatch>> all = new ArrayList<>();
        for (final KeyValue kv : reads.list(keys.matches())) {
            all.add(new Stored<>(parseMatch(kv), kv.getModRevision()));
        }
        return all;
    }

    public Optional<Stored<BattlegroundMatch>> match(final String matchId) {
        final KeyValue kv = store.get(keys.match(matchId));
        return kv == null ? Optional.empty() : Optional.of(new Stored<>(parseMatch(kv), kv.getModRevision()));
    }

    /** The match in which {@code (realm, characterId)} holds a seat for {@code battleground}, if any. */
    public Optional<String> heldSeat(final String realm, final long characterId, final int battleground) {
        for (final Stored<BattlegroundMatch> match : matches()) {
            if (match.value().getBattlegroundValue() != battleground
                    || match.value().getState() == MatchState.MATCH_STATE_ENDED) {
                continue;
            }
            for (final MatchSeat seat : match.value().getSeatsList()) {
                if (HELD.contains(seat.getState())
                        && seat.getPlayer().getRealm().equals(realm)
                        && seat.getPlayer().getCharacterId() == characterId) {
                    return Optional.of(match.value().getMatchId());
                }
            }
        }
        return Optional.empty();
    }

    /** Every ticket in the queue, by id, in key order. */
    public Map<String, Stored<QueueTicket>> tickets() {
        final Map<String, Stored<QueueTicket>> all = new LinkedHashMap<>();
        for (final KeyValue kv : reads.list(keys.queueTickets())) {
            final QueueTicket ticket = parseTicket(kv);
            all.put(ticket.getTicketId(), new Stored<>(ticket, kv.getModRevision()));
        }
        return all;
    }

    /**
     * Take {@code taken} out of the queue into {@code after} (a new match, or more seats of a
     * running one read as {@code before}) in one transaction: it fails, changing nothing, when a
     * ticket or the match changed since they were read. Returns whether it was written.
     */
    public boolean propose(
            final Leadership leader,
            final Stored<BattlegroundMatch> before,
            final BattlegroundMatch after,
            final List<Stored<QueueTicket>> taken) {
        final List<Cmp> conditions = new ArrayList<>();
        final List<Op> ops = new ArrayList<>();
        conditions.add(unchanged(keys.match(after.getMatchId()), before));
        for (final Stored<QueueTicket> ticket : taken) {
            final ByteSequence key = keys.queueTicket(ticket.value().getTicketId());
            conditions.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(ticket.modRevision())));
            ops.add(Op.delete(key, DeleteOption.DEFAULT));
        }
        ops.add(put(after));
        return store.fencedTxn(leader.fence(), conditions, ops) != null;
    }

    /**
     * Write {@code after} over {@code before} (null: the match is new), on condition that it did
     * not change: seats that ended in this write give back their players' queue keys, and the
     * tickets in {@code backInQueue} (proposed seats not invited in time) are restored with their
     * original join times. A match left with no seat is deleted. Returns whether it was written.
     */
    public boolean update(
            final Leadership leader,
            final Stored<BattlegroundMatch> before,
            final BattlegroundMatch after,
            final List<QueueTicket> backInQueue) {
        final List<Cmp> conditions = new ArrayList<>();
        final List<Op> ops = new ArrayList<>();
        conditions.add(unchanged(keys.match(after.getMatchId()), before));
        final int battleground = after.getBattlegroundValue();
        for (final MatchSeat seat : endedSeats(before == null ? null : before.value(), after)) {
            ops.add(Op.delete(queueKey(seat.getPlayer(), battleground), DeleteOption.DEFAULT));
        }
        for (final QueueTicket ticket : backInQueue) {
            final ByteSequence key = keys.queueTicket(ticket.getTicketId());
            conditions.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)));
            ops.add(Op.put(key, ByteSequence.from(ticket.toByteArray()), PutOption.DEFAULT));
        }
        ops.add(
                after.getSeatsCount() == 0
                        ? Op.delete(keys.match(after.getMatchId()), DeleteOption.DEFAULT)
                        : put(after));
        return store.fencedTxn(leader.fence(), conditions, ops) != null;
    }

    /**
     * The one way to change a match outside the controller's passes: read {@code matchId}, apply {@code change}
     * to it, and write the result fenced by {@code leader} on condition that the record did not change since the
     * read; when it did, wait a short jittered while and do it all again, until the patience runs out. Changes of
     * one match asked for at once are applied in turn to one read and written together (an Alterac Valley's 80
     * players report at once; one by one, most would lose the race to the others and to the passes). {@code
     * change} returns an equal record to change nothing, and may throw to refuse (what it throws is thrown to its
     * caller alone, nothing of it written); it may run several times, on whichever caller's thread writes. Seats
     * that end in the write give back their players' queue keys, as in {@link #update}.
     *
     * @return the match as written (or as found, when nothing changed); empty when there is none
     * @throws Contended when the record changed under every try within the patience
     */
    public Optional<BattlegroundMatch> updateMatch(
            final Leadership leader, final String matchId, final UnaryOperator<BattlegroundMatch> change) {
        final Edit edit = new Edit(leader, matchId, change, System.nanoTime() + patience.toNanos());
        final Stripe stripe = stripes[Math.floorMod(matchId.hashCode(), stripes.length)];
        stripe.edits.add(edit);
        while (!edit.done.isDone()) {
            final long left = edit.deadlineNanos - System.nanoTime();
            if (left <= 0 && stripe.edits.remove(edit)) {
                throw new Contended("match " + matchId + " is busy: other updates of it took all of "
                        + patience.toMillis() + " ms; try again");
            }
            boolean locked = false;
            try {
                locked = left > 0 ? stripe.lock.tryLock(left, TimeUnit.NANOSECONDS) : stripe.lock.tryLock();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                if (stripe.edits.remove(edit)) {
                    throw new Contended("interrupted while waiting to update match " + matchId);
                }
            }
            if (locked) {
                try {
                    drain(stripe);
                } finally {
                    stripe.lock.unlock();
                }
            } else if (left <= 0) {
                // Taken by a writer already: it finishes it, one way or the other.
                break;
            }
        }
        try {
            return edit.done.join();
        } catch (final CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** One {@link #updateMatch} call waiting to be written. */
    private record Edit(
            Leadership leader,
            String matchId,
            UnaryOperator<BattlegroundMatch> change,
            long deadlineNanos,
            CompletableFuture<Optional<BattlegroundMatch>> done) {
        Edit(
                final Leadership leader,
                final String matchId,
                final UnaryOperator<BattlegroundMatch> change,
                final long deadlineNanos) {
            this(leader, matchId, change, deadlineNanos, new CompletableFuture<>());
        }

        /** Edits written together: of one match, under one leadership. */
        List<Object> batch() {
            return List.of(matchId, leader);
        }
    }

    /** The edits of the matches hashed here, and who is writing them. */
    private static final class Stripe {
        final ReentrantLock lock = new ReentrantLock();
        final ConcurrentLinkedQueue<Edit> edits = new ConcurrentLinkedQueue<>();
    }

    /** Under the stripe's lock: write every edit waiting, a batch per match. */
    private void drain(final Stripe stripe) {
        final Map<List<Object>, List<Edit>> batches = new LinkedHashMap<>();
        for (Edit edit = stripe.edits.poll(); edit != null; edit = stripe.edits.poll()) {
            batches.computeIfAbsent(edit.batch(), k -> new ArrayList<>()).add(edit);
        }
        for (final List<Edit> batch : batches.values()) {
            try {
                write(batch);
            } catch (final RuntimeException e) {
                // etcd unavailable, leadership lost: every caller of the batch hears it.
                batch.forEach(edit -> edit.done.completeExceptionally(e));
            } finally {
                batch.forEach(edit -> edit.done.completeExceptionally(
                        new IllegalStateException("update of match " + edit.matchId + " was dropped unwritten")));
            }
        }
    }

    /** Read, apply the batch's edits in turn, write; again after a lost race, each edit until its deadline. */
    private void write(final List<Edit> batch) {
        final Leadership leader = batch.get(0).leader();
        final String matchId = batch.get(0).matchId();
        List<Edit> live = batch;
        long backoff = FIRST_BACKOFF_NANOS;
        for (int attempt = 1; ; attempt++) {
            final Optional<Stored<BattlegroundMatch>> stored = match(matchId);
            if (stored.isEmpty()) {
                live.forEach(edit -> edit.done.complete(Optional.empty()));
                return;
            }
            BattlegroundMatch after = stored.get().value();
            final List<Edit> applied = new ArrayList<>(live.size());
            for (final Edit edit : live) {
                try {
                    after = edit.change().apply(after);
                    applied.add(edit);
                } catch (final RuntimeException refused) {
                    // Refused against the record as read after the edits before it: its answer, nothing written.
                    edit.done.completeExceptionally(refused);
                }
            }
            live = applied;
            if (live.isEmpty()) {
                return;
            }
            if (after.equals(stored.get().value()) || update(leader, stored.get(), after, List.of())) {
                final Optional<BattlegroundMatch> written = Optional.of(after);
                live.forEach(edit -> edit.done.complete(written));
                return;
            }
            final long now = System.nanoTime();
            final int tries = attempt;
            live = live.stream()
                    .filter(edit -> {
                        if (now - edit.deadlineNanos() < 0) {
                            return true;
                        }
                        edit.done.completeExceptionally(new Contended("match " + matchId + " changed under each of "
                                + tries + " tries in " + patience.toMillis() + " ms; try again"));
                        return false;
                    })
                    .toList();
            if (live.isEmpty()) {
                return;
            }
            final long left = live.stream()
                    .mapToLong(edit -> edit.deadlineNanos() - now)
                    .max()
                    .orElse(0);
            // Jittered, so that writers that lost together do not read and write again together.
            LockSupport.parkNanos(Math.min(left, ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1)));
            backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
        }
    }

    /** Delete an ended match kept for operators; false when it changed since it was read. */
    public boolean forget(final Leadership leader, final Stored<BattlegroundMatch> ended) {
        final ByteSequence key = keys.match(ended.value().getMatchId());
        return store.fencedTxn(
                        leader.fence(), List.of(unchanged(key, ended)), List.of(Op.delete(key, DeleteOption.DEFAULT)))
                != null;
    }

    /**
     * Seats held in {@code before} (or, for a new match, none) that {@code after} no longer holds:
     * ended, or out of a match that ended. Seats removed (back to the queue) are not among them.
     */
    private static List<MatchSeat> endedSeats(final BattlegroundMatch before, final BattlegroundMatch after) {
        final List<MatchSeat> ended = new ArrayList<>();
        if (before == null) {
            return ended;
        }
        final boolean matchEnds =
                before.getState() != MatchState.MATCH_STATE_ENDED && after.getState() == MatchState.MATCH_STATE_ENDED;
        for (final MatchSeat was : before.getSeatsList()) {
            if (!HELD.contains(was.getState())) {
                continue;
            }
            for (final MatchSeat now : after.getSeatsList()) {
                if (sameCharacter(was.getPlayer(), now.getPlayer()) && (!HELD.contains(now.getState()) || matchEnds)) {
                    ended.add(now);
                }
            }
        }
        return ended;
    }

    static boolean sameCharacter(final QueuedPlayer a, final QueuedPlayer b) {
        return a.getRealm().equals(b.getRealm()) && a.getCharacterId() == b.getCharacterId();
    }

    private ByteSequence queueKey(final QueuedPlayer member, final int battleground) {
        return keys.queuedFor(member.getRealm(), member.getCharacterId(), battleground);
    }

    private Op put(final BattlegroundMatch match) {
        return Op.put(keys.match(match.getMatchId()), ByteSequence.from(match.toByteArray()), PutOption.DEFAULT);
    }

    private static Cmp unchanged(final ByteSequence key, final Stored<?> before) {
        return before == null
                ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(before.modRevision()));
    }

    private static BattlegroundMatch parseMatch(final KeyValue kv) {
        try {
            return BattlegroundMatch.parseFrom(kv.getValue().getBytes());
        } catch (final InvalidProtocolBufferException e) {
            throw new IllegalStateException("unreadable match at " + kv.getKey().toString(UTF_8), e);
        }
    }

    private static QueueTicket parseTicket(final KeyValue kv) {
        try {
            return QueueTicket.parseFrom(kv.getValue().getBytes());
        } catch (final InvalidProtocolBufferException e) {
            throw new IllegalStateException(
                    "unreadable queue ticket at " + kv.getKey().toString(UTF_8), e);
        }
    }
}
