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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    private final EtcdStore store;
    private final Keys keys;
    private final KeyReader reads;

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
