package io.realmcluster.dataplane.store;

import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.transfer.Failpoints;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.v1.MapKind;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one saver: drains the maps' save log, keeps the latest state of each character with
 * its latest items and the item changes since its last durable save, and writes them to the character
 * store in batches, fenced by epoch and save sequence. An item change (a loot, a move, a split, a
 * destroy) is flushed at once and confirmed to its map only once durable ({@code ITEMS_CONFIRMED}, in
 * record order); so are a logout and a freeze for a hand-over, ahead of the snapshots, which wait at
 * most {@link #MAX_DELAY_NANOS} for company. The two halves of a trade are paired and written in a
 * transaction of their own, both or neither ({@code TRADE_SETTLED} to each, or both characters lost).
 * A save another node fenced drops the character from its map. A failing database is retried with
 * backoff, the same saves again, while the maps go on ticking; nothing they were told is durable is lost.
 *
 * <p>Runs on its own thread (blocking JDBC is its job), never on a tick or network thread.
 */
public final class Saver implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(Saver.class);
    /** How long a snapshot may wait for others to share its batch. */
    public static final long MAX_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Characters per transaction at most. */
    public static final int MAX_BATCH = 1_000;

    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int DRAIN_LIMIT = 10_000;
    /**
     * How long a trade's half waits for its other half: the map commits both to the log together, so the
     * other comes in the same drain or the next; one that never comes (a bug, or the other's save dropped
     * as stale by a later claim) drops the character rather than hold its saves forever.
     */
    static final long TRADE_PAIR_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * A database that has failed every save for this long is unavailable: the maps refuse what must be durable
     * before it is shown (loots, item changes, trades) until a save lands again.
     */
    static final long UNAVAILABLE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(2);
    /**
     * A player frozen for a transfer whose freeze the database has not taken in this long is given back: it
     * plays on here (DEPART_FAILED) rather than stand frozen until the database returns. As a transfer's own
     * deadline.
     */
    static final long GIVE_BACK_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Counters the metrics read from their own thread. */
    public static final class Stats {
        final AtomicLong saved = new AtomicLong();
        final AtomicLong lost = new AtomicLong();
        final AtomicLong loots = new AtomicLong();
        final AtomicLong itemChanges = new AtomicLong();
        final AtomicLong trades = new AtomicLong();
        final AtomicLong batches = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong batchNanos = new AtomicLong();
        final AtomicLong malformed = new AtomicLong();
        final AtomicLong givenBack = new AtomicLong();
        volatile int pending;

        /** Save log records of an unknown type or length, dropped unread. */
        public long malformed() {
            return malformed.get();
        }

        /** Character saves that landed. */
        public long saved() {
            return saved.get();
        }

        /** Saves fenced by another node's claim: those characters were dropped here. */
        public long lost() {
            return lost.get();
        }

        /** Loots made durable and confirmed. */
        public long loots() {
            return loots.get();
        }

        /** Item changes (loots included) made durable and confirmed. */
        public long itemChanges() {
            return itemChanges.get();
        }

        /** Trades whose two halves landed together. */
        public long trades() {
            return trades.get();
        }

        public long batches() {
            return batches.get();
        }

        /** Players frozen for a transfer and given back because the database did not take their freeze in time. */
        public long givenBack() {
            return givenBack.get();
        }

        /** Batches that failed (the database did not answer, or refused) and were retried. */
        public long failures() {
            return failures.get();
        }

        /** Time spent in batches that landed, in nanoseconds. */
        public long batchNanos() {
            return batchNanos.get();
        }

        /** Characters waiting to be saved now. */
        public int pending() {
            return pending;
        }
    }

    /** Told of each logout save that settled (landed, or fenced by a later claim): its client may go. */
    @FunctionalInterface
    public interface LogoutListener {
        /** On the saver's thread: must not block. */
        void saved(int session, long characterId);

        LogoutListener NONE = (session, characterId) -> {};
    }

    /** The battleground match a character's departure to a map enters, if it enters one. */
    @FunctionalInterface
    public interface EntryMatches {
        /** The match id, or null when the departure of {@code character} (its key) to {@code toMapId} is no entry. */
        String matchOf(long character, int toMapId);

        EntryMatches NONE = (character, toMapId) -> null;
    }

    /**
     * A message to a map its ingress had no room for yet: {@code value} the epoch of a CHARACTER_LOST, the
     * trade of a TRADE_SETTLED; {@code change} an ITEMS_CONFIRMED's change (a copy).
     */
    private record Undelivered(
            int handle, int type, long character, int session, long value, PendingSave.ItemChange change) {}

    private final RingClaim claim = new RingClaim();
    private final SaveLog log;
    private final CharacterStore store;
    private final String nodeId;
    private final InstanceHost instances;
    /** The ingress of the map of a handle, null when it is gone: where the saver's messages to maps go. */
    private final IntFunction<Ingress> ingresses;

    private final NanoClock clock;
    private final Consumer<List<Departure>> departures;
    /** The characters whose freeze the flush at hand made durable, handed on together once its awaited saves landed. */
    private final List<Departure> durable = new ArrayList<>();

    private final LogoutListener logouts;
    private volatile EntryMatches entries = EntryMatches.NONE;
    private final Stats stats = new Stats();
    private final Long2ObjectHashMap<PendingSave> pending = new Long2ObjectHashMap<>();
    private final List<PendingSave> order = new ArrayList<>();
    private final List<PendingSave> batch = new ArrayList<>();
    private final ArrayDeque<PendingSave> pool = new ArrayDeque<>();
    private final ArrayDeque<Undelivered> undelivered = new ArrayDeque<>();
    private long oldestNanos;
    private boolean urgent;
    private long backoffNanos;
    private long retryAtNanos;
    private long loggedAtNanos = Long.MIN_VALUE / 2;
    private long failedSince;
    /** When the failing streak began (the saver's clock); meaningful while {@link #failedSince} is above 0. */
    private long failingSinceNanos;

    /**
     * @param departures takes the characters frozen for a transfer whose freeze a flush made durable, all of
     *                   that flush's in one call (the list is only valid during it); it must not block (it
     *                   hands the transfers to other threads)
     * @param logouts    told of each logout save once it settled
     */
    public Saver(
            final SaveLog log,
            final CharacterStore store,
            final String nodeId,
            final InstanceHost instances,
            final NanoClock clock,
            final Consumer<List<Departure>> departures,
            final LogoutListener logouts) {
        this(log, store, nodeId, instances, clock, departures, logouts, handle -> {
            final InstanceHost.Running map = instances.byHandle(handle);
            return map == null ? null : map.agent().ingress();
        });
    }

    /** A saver whose messages to maps go to {@code ingresses} (tests read them there). */
    Saver(
            final SaveLog log,
            final CharacterStore store,
            final String nodeId,
            final InstanceHost instances,
            final NanoClock clock,
            final Consumer<List<Departure>> departures,
            final LogoutListener logouts,
            final IntFunction<Ingress> ingresses) {
        this.log = log;
        this.store = store;
        this.nodeId = nodeId;
        this.instances = instances;
        this.ingresses = ingresses;
        this.clock = clock;
        this.departures = departures;
        this.logouts = logouts;
        this.retryAtNanos = clock.nanoTime();
    }

    /** Where departures into battlegrounds are known: their departure saves write the entry point. Set once, at start. */
    public void entries(final EntryMatches entries) {
        this.entries = entries;
    }

    @Override
    public int doWork() {
        int work = log.drain(this::onRecord, DRAIN_LIMIT);
        work += deliver();
        final long now = clock.nanoTime();
        if (!order.isEmpty() && now - retryAtNanos >= 0 && (urgent || now - oldestNanos >= MAX_DELAY_NANOS)) {
            flush(now, false);
            work++;
        }
        if (failedSince > 0) {
            work += giveBack(now);
        }
        stats.pending = order.size();
        return work;
    }

    /** Save what is left before the node stops: drain and flush until nothing is pending or the deadline passes. */
    @Override
    public void onClose() {
        final long deadline = clock.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (clock.nanoTime() - deadline < 0) {
            log.drain(this::onRecord, DRAIN_LIMIT);
            if (order.isEmpty()) {
                return;
            }
            if (clock.nanoTime() - retryAtNanos >= 0) {
                flush(clock.nanoTime(), true);
            } else {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        LOG.error(
                "stopping with {} characters not saved: the database did not take them within 5 s; "
                        + "they keep their last saved state",
                order.size());
    }

    private void onRecord(final int type, final MutableDirectBuffer buffer, final int index, final int length) {
        if (!Saves.wellFormed(type, length)) {
            if (stats.malformed.getAndIncrement() == 0) {
                LOG.warn(
                        "dropped a save log record of type {} and {} bytes, which no map writes (a map of this node "
                                + "is at fault); later ones are only counted in realm_node_save_records_malformed",
                        type,
                        length);
            }
            return;
        }
        final long character = Saves.character(buffer, index);
        PendingSave save = pending.get(character);
        if (save == null) {
            save = pool.isEmpty() ? new PendingSave() : pool.poll();
            save.reset();
            pending.put(character, save);
            if (order.isEmpty()) {
                oldestNanos = clock.nanoTime();
            }
            order.add(save);
        }
        save.apply(type, buffer, index, instanceIdOf(buffer.getInt(index + Saves.MAP_HANDLE)));
        if (type == Saves.TRADE && save.trading() && save.tradeSinceNanos == 0) {
            save.tradeSinceNanos = clock.nanoTime();
        }
        if (type == Saves.DEPART) {
            save.bgMatchId = entries.matchOf(character, save.toMapId);
            save.departSinceNanos = clock.nanoTime();
        }
        urgent |= type != Saves.SNAPSHOT;
    }

    /** The row's instance id: empty on continents (there is one of each per realm), the instance's otherwise. */
    private String instanceIdOf(final int handle) {
        final InstanceHost.Running map = instances.byHandle(handle);
        return map == null || map.assignment().getKind() == MapKind.MAP_KIND_CONTINENT
                ? ""
                : map.assignment().getInstanceId();
    }

    /**
     * Write what is pending: first the saves someone waits for (a loot's confirmation, a logout, a
     * frozen player's hand-over), alone, so that the snapshots of everyone else (hundreds on a busy
     * node) do not hold them up for a whole batch; then the snapshots, once the oldest has waited
     * {@link #MAX_DELAY_NANOS} (or {@code all}: the node is stopping).
     */
    private void flush(final long now, final boolean all) {
        final boolean snapshotsDue = all || now - oldestNanos >= MAX_DELAY_NANOS;
        try {
            // A trade whose database fails holds up none of the other saves; the flush backs off after them.
            final SQLException tradeFailed = writeTrades(now);
            if (urgent) {
                write(true);
                urgent = false;
                handOn();
            }
            if (snapshotsDue) {
                write(false);
            }
            if (tradeFailed != null) {
                throw tradeFailed;
            }
            if (failedSince > 0) {
                LOG.info(
                        "saving works again after {} failed attempts in {} s",
                        failedSince,
                        TimeUnit.NANOSECONDS.toSeconds(now - failingSinceNanos));
                failedSince = 0;
                log.unavailable(false);
            }
            backoffNanos = 0;
        } catch (final SQLException | RuntimeException e) {
            stats.failures.incrementAndGet();
            if (failedSince++ == 0) {
                failingSinceNanos = now;
            } else if (now - failingSinceNanos >= UNAVAILABLE_AFTER_NANOS && !log.unavailable()) {
                LOG.warn(
                        "the database has taken no save for {} s: maps refuse loots, item changes and trades until it"
                                + " does",
                        TimeUnit.NANOSECONDS.toSeconds(now - failingSinceNanos));
                log.unavailable(true);
            }
            backoffNanos = Math.min(MAX_BACKOFF_NANOS, Math.max(MIN_BACKOFF_NANOS, backoffNanos * 2));
            retryAtNanos = now + backoffNanos;
            if (now - loggedAtNanos >= LOG_EVERY_NANOS) {
                loggedAtNanos = now;
                LOG.warn(
                        "saving {} characters failed ({}); retrying every {} ms at most, maps keep running",
                        unwritten(),
                        reason(e),
                        TimeUnit.NANOSECONDS.toMillis(backoffNanos));
            }
        } finally {
            for (int i = 0; i < order.size(); i++) {
                final PendingSave save = order.get(i);
                if (save.written) {
                    pending.remove(save.characterId);
                    pool.add(save);
                }
            }
            order.removeIf(save -> save.written);
            handOn();
        }
    }

    /**
     * Write the pending saves someone waits for ({@code awaited}), or all the others, in batches of
     * at most {@link #MAX_BATCH}, and settle each batch as it lands.
     */
    private void write(final boolean awaited) throws SQLException {
        batch.clear();
        for (int i = 0; i < order.size(); i++) {
            final PendingSave save = order.get(i);
            if (!save.written && !save.trading() && (!awaited || save.awaited())) {
                batch.add(save);
                if (batch.size() == MAX_BATCH) {
                    writeBatch();
                }
            }
        }
        if (!batch.isEmpty()) {
            writeBatch();
        }
    }

    private void writeBatch() throws SQLException {
        final long started = clock.nanoTime();
        final boolean[] landed = store.save(batch, nodeId);
        stats.batchNanos.addAndGet(clock.nanoTime() - started);
        stats.batches.incrementAndGet();
        for (int i = 0; i < batch.size(); i++) {
            settle(batch.get(i), landed[i]);
            batch.get(i).written = true;
        }
        batch.clear();
    }

    /**
     * Write each trade whose two halves are here, each pair in a transaction of its own; drop a half whose
     * other never came. Returns the first database failure (those trades stay pending: the flush backs off
     * and retries them, each with the id it had), null when none failed.
     */
    private SQLException writeTrades(final long now) {
        SQLException failed = null;
        for (int i = 0; i < order.size(); i++) {
            final PendingSave save = order.get(i);
            if (save.written || !save.trading()) {
                continue;
            }
            final PendingSave other = pending.get(save.partner);
            if (paired(save, other) && save.characterId < other.characterId) {
                // Each pair once (from its lower key), even when its transaction fails.
                try {
                    writeTrade(save, other);
                } catch (final SQLException e) {
                    if (failed == null) {
                        failed = e;
                    } else {
                        failed.addSuppressed(e);
                    }
                }
            } else if (!paired(save, other) && now - save.tradeSinceNanos >= TRADE_PAIR_TIMEOUT_NANOS) {
                LOG.error(
                        "trade {} of character {} on map handle {}: its other half (character {}) never reached the"
                                + " save log in {} s; dropping the character unsaved (its client finds its last"
                                + " durable state)",
                        save.tradeSeq,
                        save.characterId,
                        save.mapHandle,
                        save.partner,
                        TimeUnit.NANOSECONDS.toSeconds(TRADE_PAIR_TIMEOUT_NANOS));
                lose(save);
            }
        }
        return failed;
    }

    /** Whether {@code other} is the other half of {@code save}'s trade, here and not yet written. */
    private static boolean paired(final PendingSave save, final PendingSave other) {
        return other != null
                && !other.written
                && other.trading()
                && other.tradeSeq == save.tradeSeq
                && other.mapHandle == save.mapHandle
                && other.partner == save.characterId;
    }

    private void writeTrade(final PendingSave first, final PendingSave second) throws SQLException {
        if (first.tradeId == null || !first.tradeId.equals(second.tradeId)) {
            final UUID tradeId = UUID.randomUUID();
            first.tradeId = tradeId;
            second.tradeId = tradeId;
        }
        final long started = clock.nanoTime();
        final boolean landed;
        try {
            landed = store.saveTrade(first, second, first.tradeId, nodeId);
        } catch (final IllegalArgumentException | UnsupportedOperationException e) {
            // No retry can land it (two realms' databases, a store without trades): it must not stall the saver.
            LOG.error(
                    "trade {} on map handle {} between characters {} and {} cannot be saved ({}); dropping both unsaved",
                    first.tradeSeq,
                    first.mapHandle,
                    first.characterId,
                    second.characterId,
                    e.getMessage());
            lose(first);
            lose(second);
            return;
        }
        stats.batchNanos.addAndGet(clock.nanoTime() - started);
        stats.batches.incrementAndGet();
        if (landed) {
            Failpoints.reach(Failpoints.TRADE_AFTER_COMMIT);
            stats.trades.incrementAndGet();
            for (final PendingSave half : List.of(first, second)) {
                settle(half, true);
                send(half.mapHandle, Inputs.TRADE_SETTLED, half.characterId, half.session, half.tradeSeq, null);
                half.written = true;
            }
            return;
        }
        LOG.warn(
                "trade {} on map handle {} between characters {} and {} rolled back: one of them is owned by another"
                        + " node since a later claim; dropping both unsaved (their clients find their last durable"
                        + " state, without the trade)",
                first.tradeSeq,
                first.mapHandle,
                first.characterId,
                second.characterId);
        lose(first);
        lose(second);
    }

    /**
     * Give back every player frozen for a transfer whose freeze has waited {@link #GIVE_BACK_NANOS} on a failing
     * database: it plays on in its map at the same epoch (nothing left this node: the departure was never handed
     * on), and its next save lands whether an attempt of the freeze did or not.
     */
    private int giveBack(final long now) {
        int given = 0;
        for (int i = 0; i < order.size(); i++) {
            final PendingSave save = order.get(i);
            if (!save.written
                    && save.transferId != null
                    && !save.trading()
                    && now - save.departSinceNanos >= GIVE_BACK_NANOS) {
                save.giveBack();
                send(save.mapHandle, Inputs.DEPART_FAILED, save.characterId, save.session, save.epoch, null);
                stats.givenBack.incrementAndGet();
                given++;
            }
        }
        if (given > 0) {
            LOG.warn(
                    "gave back {} players frozen for a transfer: the database has not taken their departure for {} s;"
                            + " they play on here",
                    given,
                    TimeUnit.NANOSECONDS.toSeconds(GIVE_BACK_NANOS));
        }
        return given;
    }

    /** Drop {@code save} unwritten and its character from its map, as a fenced save does. */
    private void lose(final PendingSave save) {
        settle(save, false);
        save.written = true;
    }

    private int unwritten() {
        int count = 0;
        for (int i = 0; i < order.size(); i++) {
            count += order.get(i).written ? 0 : 1;
        }
        return count;
    }

    /** The players whose freeze landed go on, together: one hand-over batch, not one each as they settle. */
    private void handOn() {
        if (!durable.isEmpty()) {
            departures.accept(durable);
            durable.clear();
        }
    }

    /**
     * Why a batch failed, in one short line: a batch's own message repeats its statement and values,
     * its cause says what went wrong (the connection, the server going away).
     */
    static String reason(final Exception e) {
        Throwable cause = e;
        if (e instanceof BatchUpdateException batch && batch.getNextException() != null) {
            cause = batch.getNextException();
        }
        final String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        final int newline = message.indexOf('\n');
        final String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private void settle(final PendingSave save, final boolean landed) {
        if (save.logout) {
            // Landed, or fenced by a login elsewhere since: either way its session is over.
            logouts.saved(save.session, save.characterId);
        }
        if (!landed) {
            stats.lost.incrementAndGet();
            if (!save.trading()) {
                LOG.warn(
                        "character {} is owned by another node since a later claim (epoch {} here is stale); dropping it",
                        save.characterId,
                        save.epoch);
            }
            send(save.mapHandle, Inputs.CHARACTER_LOST, save.characterId, save.session, save.epoch, null);
            return;
        }
        stats.saved.incrementAndGet();
        for (int c = 0; c < save.changeCount; c++) {
            final PendingSave.ItemChange change = save.changes[c];
            stats.itemChanges.incrementAndGet();
            if (change.type == Saves.LOOT) {
                stats.loots.incrementAndGet();
            }
            send(save.mapHandle, Inputs.ITEMS_CONFIRMED, save.characterId, save.session, 0, change);
        }
        if (save.transferId != null) {
            durable.add(new Departure(
                    save.characterId,
                    save.epoch,
                    save.transferId,
                    save.mapHandle,
                    save.session,
                    save.toMapId,
                    save.toX,
                    save.toY,
                    save.toZ,
                    save.toO,
                    save.frozenAtMillis));
        }
    }

    /**
     * Tell a map of an item change that landed ({@code change}), of a trade settled ({@code value} its
     * number), of a character lost ({@code value} the epoch of the save that found it owned elsewhere) or
     * of a departure given back ({@code value} the epoch it plays on at);
     * behind any message to a map still waiting for room, so that each map hears them in order.
     */
    private void send(
            final int handle,
            final int type,
            final long character,
            final int session,
            final long value,
            final PendingSave.ItemChange change) {
        if (!undelivered.isEmpty() || !offer(handle, type, character, session, value, change)) {
            undelivered.add(
                    new Undelivered(handle, type, character, session, value, change == null ? null : change.copy()));
        }
    }

    /** Retry messages whose map's ingress was full. */
    private int deliver() {
        int delivered = 0;
        while (!undelivered.isEmpty()) {
            final Undelivered next = undelivered.peek();
            if (!offer(next.handle(), next.type(), next.character(), next.session(), next.value(), next.change())) {
                break;
            }
            undelivered.poll();
            delivered++;
        }
        return delivered;
    }

    /** Put a message on its map's ingress; true when done or when the map is gone (nobody to tell). */
    private boolean offer(
            final int handle,
            final int type,
            final long character,
            final int session,
            final long value,
            final PendingSave.ItemChange change) {
        final Ingress ingress = ingresses.apply(handle);
        if (ingress == null) {
            return true;
        }
        final int length = switch (type) {
            case Inputs.ITEMS_CONFIRMED -> Inputs.ITEMS_LENGTH;
            case Inputs.TRADE_SETTLED -> Inputs.SETTLED_LENGTH;
            case Inputs.DEPART_FAILED -> Inputs.FAILED_LENGTH;
            default -> Inputs.LOST_LENGTH;
        };
        try (RingClaim claim = ingress.claim(this.claim, type, length)) {
            if (!claim.claimed()) {
                return false;
            }
            final MutableDirectBuffer buffer = claim.buffer();
            final int index = claim.index();
            switch (type) {
                case Inputs.ITEMS_CONFIRMED -> {
                    Inputs.encodeItemsConfirmed(
                            buffer,
                            index,
                            character,
                            session,
                            change.action,
                            change.corpse,
                            change.copper,
                            change.moneyAfter);
                    if (change.slotA >= 0) {
                        Inputs.itemsConfirmedSlot(
                                buffer,
                                index + Inputs.ITEMS_SLOT_A,
                                change.slotA,
                                change.idA,
                                change.templateA,
                                change.countA);
                    }
                    if (change.slotB >= 0) {
                        Inputs.itemsConfirmedSlot(
                                buffer,
                                index + Inputs.ITEMS_SLOT_B,
                                change.slotB,
                                change.idB,
                                change.templateB,
                                change.countB);
                    }
                }
                case Inputs.TRADE_SETTLED -> Inputs.encodeTradeSettled(buffer, index, character, session, value);
                case Inputs.DEPART_FAILED -> Inputs.encodeDepartFailed(buffer, index, character, session, value);
                default -> Inputs.encodeCharacterLost(buffer, index, character, session, value);
            }
            claim.commit();
            return true;
        }
    }

    public Stats stats() {
        return stats;
    }

    @Override
    public String roleName() {
        return "saver";
    }
}
