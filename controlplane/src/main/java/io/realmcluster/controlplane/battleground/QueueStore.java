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
import io.realmcluster.proto.v1.QueueTicket;
import io.realmcluster.proto.v1.QueuedPlayer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The battleground queues in etcd: one {@link QueueTicket} per player or group and queue, and for
 * each member one key per battleground naming its ticket, so that a character holds at most one
 * ticket per battleground and at most {@value #MAX_QUEUES} in all. Only the leader writes, every
 * write fenced by its leadership; its calls are serialized here, which makes the count of a
 * character's queues (read, then written on condition that nothing changed) exact. Tickets
 * survive a leader's death: the next leader reads them back.
 */
public final class QueueStore {
    /** Queues a character may be in at once, as in vanilla. */
    public static final int MAX_QUEUES = 3;

    private static final int ATTEMPTS = 5;

    private final EtcdStore store;
    private final Keys keys;
    private final LongSupplier clock;
    private final KeyReader reads;

    /** {@code clock}: wall-clock milliseconds, stamped on tickets; the whole queue listed straight from etcd. */
    public QueueStore(final EtcdStore store, final Keys keys, final LongSupplier clock) {
        this(store, keys, clock, store::list);
    }

    /**
     * The same, the whole queue (every ticket, for positions and the away sweep) listed by {@code
     * reads}: the replica's watched copy. A player's own keys and every write go to etcd.
     */
    public QueueStore(final EtcdStore store, final Keys keys, final LongSupplier clock, final KeyReader reads) {
        this.store = store;
        this.keys = keys;
        this.clock = clock;
        this.reads = reads;
    }

    /** A join refused, with the reason to tell the player. */
    public static final class Refused extends RuntimeException {
        Refused(final String message) {
            super(message);
        }
    }

    /** The ticket a join left in the queue, and whether the join made it (false: it was there already). */
    public record Joined(QueueTicket ticket, boolean created) {}

    /**
     * Put {@code wanted} (members, battlegroup, battleground, bracket, faction, group id; its ticket
     * id, or a new one when it has none) in its queue. Joining again with the same members is idempotent: the ticket already there comes back.
     *
     * @throws Refused when a member is queued for this battleground in another ticket, or already in
     *     {@value #MAX_QUEUES} queues.
     * @throws io.realmcluster.controlplane.etcd.NotLeaderException when this replica no longer leads.
     */
    public synchronized Joined join(final Leadership leader, final QueueTicket wanted) {
        if (wanted.getMembersCount() == 0) {
            throw new Refused("a ticket needs at least one player");
        }
        final int battleground = wanted.getBattlegroundValue();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final List<Cmp> conditions = new ArrayList<>();
            QueueTicket already = null;
            for (final QueuedPlayer member : wanted.getMembersList()) {
                final List<KeyValue> held = store.list(keys.queuedBy(member.getRealm(), member.getCharacterId()));
                final ByteSequence key = keys.queuedFor(member.getRealm(), member.getCharacterId(), battleground);
                final Optional<KeyValue> same =
                        held.stream().filter(kv -> kv.getKey().equals(key)).findFirst();
                if (same.isPresent()) {
                    final QueueTicket theirs =
                            ticket(same.get().getValue().toString(UTF_8)).orElse(null);
                    if (theirs == null || !sameMembers(theirs, wanted)) {
                        throw new Refused(displayName(member)
                                + (theirs == null
                                        ? " holds a seat in a match of this battleground"
                                        : " is already queued for this battleground"
                                                + (wanted.getMembersCount() > 1 ? " in another group" : "")));
                    }
                    already = theirs;
                    continue;
                }
                if (held.size() >= MAX_QUEUES) {
                    throw new Refused(displayName(member) + " is already in " + MAX_QUEUES + " queues");
                }
                conditions.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)));
            }
            if (already != null) {
                return new Joined(already, false);
            }
            final QueueTicket ticket = wanted.toBuilder()
                    .setTicketId(
                            wanted.getTicketId().isEmpty() ? UUID.randomUUID().toString() : wanted.getTicketId())
                    .setJoinedAtUnixMs(clock.getAsLong())
                    .setAwaySinceUnixMs(0)
                    .build();
            final List<Op> ops = new ArrayList<>();
            ops.add(Op.put(
                    keys.queueTicket(ticket.getTicketId()),
                    ByteSequence.from(ticket.toByteArray()),
                    PutOption.DEFAULT));
            for (final QueuedPlayer member : ticket.getMembersList()) {
                ops.add(Op.put(
                        keys.queuedFor(member.getRealm(), member.getCharacterId(), battleground),
                        Keys.bytes(ticket.getTicketId()),
                        PutOption.DEFAULT));
            }
            if (store.fencedTxn(leader.fence(), conditions, ops) != null) {
                return new Joined(ticket, true);
            }
        }
        throw new Refused("the queue changed under every try; try again");
    }

    /**
     * Take {@code (realm, characterId)} out of its ticket for {@code battleground}: a solo ticket
     * goes, a group's ticket goes on without the member. Returns whether it was queued.
     */
    public synchronized boolean leave(
            final Leadership leader, final String realm, final long characterId, final int battleground) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final ByteSequence key = keys.queuedFor(realm, characterId, battleground);
            final KeyValue index = store.get(key);
            if (index == null) {
                return false;
            }
            final String ticketId = index.getValue().toString(UTF_8);
            final KeyValue stored = store.get(keys.queueTicket(ticketId));
            if (stored == null) {
                // Its ticket went into a match (see MatchStore): the seat ends by the invite's answer or the match.
                return false;
            }
            final List<Cmp> conditions = new ArrayList<>();
            final List<Op> ops = new ArrayList<>();
            conditions.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(index.getModRevision())));
            ops.add(Op.delete(key, DeleteOption.DEFAULT));
            if (stored != null) {
                conditions.add(new Cmp(
                        keys.queueTicket(ticketId), Cmp.Op.EQUAL, CmpTarget.modRevision(stored.getModRevision())));
                final QueueTicket ticket = parse(stored);
                final List<QueuedPlayer> rest = ticket.getMembersList().stream()
                        .filter(m -> !(m.getRealm().equals(realm) && m.getCharacterId() == characterId))
                        .toList();
                if (rest.isEmpty()) {
                    ops.add(Op.delete(keys.queueTicket(ticketId), DeleteOption.DEFAULT));
                } else {
                    final QueueTicket smaller = ticket.toBuilder()
                            .clearMembers()
                            .addAllMembers(rest)
                            .build();
                    ops.add(Op.put(
                            keys.queueTicket(ticketId), ByteSequence.from(smaller.toByteArray()), PutOption.DEFAULT));
                }
            }
            if (store.fencedTxn(leader.fence(), conditions, ops) != null) {
                return true;
            }
        }
        throw new Refused("the queue changed under every try; try again");
    }

    /** As {@link #markAway(Leadership, String, long, boolean, String)}, the node unchanged. */
    public List<QueueTicket> markAway(
            final Leadership leader, final String realm, final long characterId, final boolean away) {
        return markAway(leader, realm, characterId, away, "");
    }

    /**
     * Mark every ticket of {@code (realm, characterId)} away since now (it logged out) or back
     * ({@code away} false: it logged in again, on {@code nodeId} when not empty, where its invite
     * goes from now on); returns the tickets changed.
     */
    public synchronized List<QueueTicket> markAway(
            final Leadership leader,
            final String realm,
            final long characterId,
            final boolean away,
            final String nodeId) {
        final List<QueueTicket> changed = new ArrayList<>();
        for (final KeyValue index : store.list(keys.queuedBy(realm, characterId))) {
            final String ticketId = index.getValue().toString(UTF_8);
            final KeyValue stored = store.get(keys.queueTicket(ticketId));
            if (stored == null) {
                continue;
            }
            final QueueTicket ticket = parse(stored);
            final long since = away ? clock.getAsLong() : 0;
            final QueueTicket.Builder builder = ticket.toBuilder();
            if (away != (ticket.getAwaySinceUnixMs() != 0)) {
                builder.setAwaySinceUnixMs(since);
            }
            if (!away && !nodeId.isEmpty()) {
                for (int i = 0; i < builder.getMembersCount(); i++) {
                    final QueuedPlayer member = builder.getMembers(i);
                    if (member.getRealm().equals(realm) && member.getCharacterId() == characterId) {
                        builder.setMembers(i, member.toBuilder().setNodeId(nodeId));
                    }
                }
            }
            final QueueTicket next = builder.build();
            if (next.equals(ticket)) {
                continue;
            }
            if (store.fencedTxn(
                            leader.fence(),
                            List.of(new Cmp(
                                    keys.queueTicket(ticketId),
                                    Cmp.Op.EQUAL,
                                    CmpTarget.modRevision(stored.getModRevision()))),
                            List.of(Op.put(
                                    keys.queueTicket(ticketId),
                                    ByteSequence.from(next.toByteArray()),
                                    PutOption.DEFAULT)))
                    != null) {
                changed.add(next);
            }
        }
        return changed;
    }

    /** Remove every ticket away for longer than {@code graceMillis}; returns what was removed. */
    public synchronized List<QueueTicket> expireAway(final Leadership leader, final long graceMillis) {
        final long now = clock.getAsLong();
        final List<QueueTicket> removed = new ArrayList<>();
        for (final KeyValue kv : reads.list(keys.queueTickets())) {
            final QueueTicket ticket = parse(kv);
            if (ticket.getAwaySinceUnixMs() == 0 || now - ticket.getAwaySinceUnixMs() < graceMillis) {
                continue;
            }
            final List<Cmp> conditions = List.of(new Cmp(
                    keys.queueTicket(ticket.getTicketId()), Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision())));
            final List<Op> ops = new ArrayList<>();
            ops.add(Op.delete(keys.queueTicket(ticket.getTicketId()), DeleteOption.DEFAULT));
            for (final QueuedPlayer member : ticket.getMembersList()) {
                ops.add(Op.delete(
                        keys.queuedFor(member.getRealm(), member.getCharacterId(), ticket.getBattlegroundValue()),
                        DeleteOption.DEFAULT));
            }
            if (store.fencedTxn(leader.fence(), conditions, ops) != null) {
                removed.add(ticket);
            }
        }
        return removed;
    }

    /** Every ticket, oldest first (then by id): the queue in the order the matchmaker serves it. */
    public List<QueueTicket> tickets() {
        final List<QueueTicket> all = new ArrayList<>();
        for (final KeyValue kv : reads.list(keys.queueTickets())) {
            all.add(parse(kv));
        }
        all.sort(Comparator.comparingLong(QueueTicket::getJoinedAtUnixMs).thenComparing(QueueTicket::getTicketId));
        return all;
    }

    /** The tickets {@code (realm, characterId)} holds. */
    public List<QueueTicket> ticketsOf(final String realm, final long characterId) {
        final List<QueueTicket> held = new ArrayList<>();
        for (final KeyValue index : store.list(keys.queuedBy(realm, characterId))) {
            ticket(index.getValue().toString(UTF_8)).ifPresent(held::add);
        }
        return held;
    }

    private Optional<QueueTicket> ticket(final String ticketId) {
        final KeyValue kv = store.get(keys.queueTicket(ticketId));
        return kv == null ? Optional.empty() : Optional.of(parse(kv));
    }

    private static boolean sameMembers(final QueueTicket a, final QueueTicket b) {
        return a.getMembersCount() == b.getMembersCount()
                && a.getMembersList().stream()
                        .allMatch(m -> b.getMembersList().stream()
                                .anyMatch(o ->
                                        o.getRealm().equals(m.getRealm()) && o.getCharacterId() == m.getCharacterId()));
    }

    /** Name-Realm, as players see one another across realms. */
    static String displayName(final QueuedPlayer player) {
        return (player.getName().isEmpty() ? "character " + player.getCharacterId() : player.getName()) + "-"
                + player.getRealm();
    }

    private static QueueTicket parse(final KeyValue kv) {
        try {
            return QueueTicket.parseFrom(kv.getValue().getBytes());
        } catch (final InvalidProtocolBufferException e) {
            throw new IllegalStateException(
                    "unreadable queue ticket at " + kv.getKey().toString(UTF_8), e);
        }
    }
}
