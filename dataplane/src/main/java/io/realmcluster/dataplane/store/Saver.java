package io.realmcluster.dataplane.store;

import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.v1.MapKind;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one saver: drains the maps' save log, keeps the latest state of each character with
 * the loots since its last durable save, and writes them to the character store in batches, fenced
 * by epoch and save sequence. A loot is flushed at once and confirmed to its map only once durable;
 * so are a logout and a freeze for a hand-over, ahead of the snapshots, which wait at most
 * {@link #MAX_DELAY_NANOS} for company. A save another node fenced drops
 * the character from its map. A failing database is retried with backoff, the same saves again,
 * while the maps go on ticking; nothing they were told is durable is lost.
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

    /** Counters the metrics read from their own thread. */
    public static final class Stats {
        final AtomicLong saved = new AtomicLong();
        final AtomicLong lost = new AtomicLong();
        final AtomicLong loots = new AtomicLong();
        final AtomicLong batches = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong batchNanos = new AtomicLong();
        final AtomicLong malformed = new AtomicLong();
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

        public long batches() {
            return batches.get();
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

    /** A confirmation the map's ingress had no room for yet. */
    private record Undelivered(
            int handle, int type, long character, int session, long corpseOrEpoch, long copper, long money) {}

    private final RingClaim claim = new RingClaim();
    private final SaveLog log;
    private final CharacterStore store;
    private final String nodeId;
    private final InstanceHost instances;
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
        this.log = log;
        this.store = store;
        this.nodeId = nodeId;
        this.instances = instances;
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
        if (type == Saves.DEPART) {
            save.bgMatchId = entries.matchOf(character, save.toMapId);
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
            if (urgent) {
                write(true);
                urgent = false;
                handOn();
            }
            if (snapshotsDue) {
                write(false);
            }
            if (failedSince > 0) {
                LOG.info("saving works again after {} failed attempts", failedSince);
                failedSince = 0;
            }
            backoffNanos = 0;
        } catch (final SQLException | RuntimeException e) {
            stats.failures.incrementAndGet();
            failedSince++;
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
            if (!save.written && (!awaited || save.awaited())) {
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
            LOG.warn(
                    "character {} is owned by another node since a later claim (epoch {} here is stale); dropping it",
                    save.characterId,
                    save.epoch);
            confirm(save.mapHandle, Inputs.CHARACTER_LOST, save.characterId, save.session, save.epoch, 0, 0);
            return;
        }
        stats.saved.incrementAndGet();
        for (int l = 0; l < save.loots(); l++) {
            stats.loots.incrementAndGet();
            confirm(
                    save.mapHandle,
                    Inputs.LOOT_CONFIRMED,
                    save.characterId,
                    save.session,
                    save.lootCorpses.getLong(l),
                    save.lootCopper.getLong(l),
                    save.lootMoneyAfter.getLong(l));
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
     * Tell a map of a loot that landed ({@code corpseOrEpoch} the corpse) or of a character lost
     * ({@code corpseOrEpoch} the epoch of the save that found it owned elsewhere).
     */
    private void confirm(
            final int handle,
            final int type,
            final long character,
            final int session,
            final long corpseOrEpoch,
            final long copper,
            final long money) {
        if (!offer(handle, type, character, session, corpseOrEpoch, copper, money)) {
            undelivered.add(new Undelivered(handle, type, character, session, corpseOrEpoch, copper, money));
        }
    }

    /** Retry confirmations whose map's ingress was full. */
    private int deliver() {
        int delivered = 0;
        while (!undelivered.isEmpty()) {
            final Undelivered next = undelivered.peek();
            if (!offer(
                    next.handle(),
                    next.type(),
                    next.character(),
                    next.session(),
                    next.corpseOrEpoch(),
                    next.copper(),
                    next.money())) {
                break;
            }
            undelivered.poll();
            delivered++;
        }
        return delivered;
    }

    /** Put a confirmation on its map's ingress; true when done or when the map is gone (nobody to tell). */
    private boolean offer(
            final int handle,
            final int type,
            final long character,
            final int session,
            final long corpseOrEpoch,
            final long copper,
            final long money) {
        final InstanceHost.Running map = instances.byHandle(handle);
        if (map == null) {
            return true;
        }
        final Ingress ingress = map.agent().ingress();
        final int length = type == Inputs.LOOT_CONFIRMED ? Inputs.CONFIRMED_LENGTH : Inputs.LOST_LENGTH;
        try (RingClaim claim = ingress.claim(this.claim, type, length)) {
            if (!claim.claimed()) {
                return false;
            }
            if (type == Inputs.LOOT_CONFIRMED) {
                Inputs.encodeLootConfirmed(
                        claim.buffer(), claim.index(), character, session, corpseOrEpoch, copper, money);
            } else {
                Inputs.encodeCharacterLost(claim.buffer(), claim.index(), character, session, corpseOrEpoch);
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
