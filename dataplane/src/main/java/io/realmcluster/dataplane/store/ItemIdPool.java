package io.realmcluster.dataplane.store;

import io.realmcluster.common.concurrent.Threads;
import io.realmcluster.dataplane.pipeline.ItemIds;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Item ids reserved ahead from each realm database's item_id_seq, for the maps to name the items they
 * create without waiting for the database: per realm index a ring that any tick thread takes from
 * (lock-free, no allocation: a compare-and-set on its cursor), refilled on the pool's own thread
 * ({@code item-ids}) whenever it is below half. A realm indexed after start (its first login) gets its
 * ring at the next check. A database that fails is retried with backoff, logged once per 10 s; its maps
 * meanwhile refuse what would create an item, as busy.
 */
public final class ItemIdPool implements ItemIds, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ItemIdPool.class);
    /** Ids held ready per realm; refilled when fewer than half remain. */
    public static final int CAPACITY = 1024;

    private static final long CHECK_EVERY_MILLIS = 10;
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final CharacterStore store;
    private final int capacity;
    private final AtomicReferenceArray<Ring> rings = new AtomicReferenceArray<>(CharacterKey.MAX_REALMS);
    private final ScheduledExecutorService thread = Threads.singleThread("item-ids");
    // The refill thread's own: backoff per realm, when it last logged a failure.
    private final long[] retryAtNanos = new long[CharacterKey.MAX_REALMS];
    private final long[] backoffNanos = new long[CharacterKey.MAX_REALMS];
    private long loggedAtNanos = Long.MIN_VALUE / 2;

    /** A pool of {@link #CAPACITY} ids per realm of {@code store}. */
    public ItemIdPool(final CharacterStore store) {
        this(store, CAPACITY);
    }

    /** A pool of {@code capacity} ids per realm (a power of two): tests use small ones to see refills. */
    public ItemIdPool(final CharacterStore store, final int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity " + capacity + " is not a power of two of at least 2");
        }
        this.store = store;
        this.capacity = capacity;
    }

    /** Start filling: every realm the store knows now, and each one it comes to know. */
    public ItemIdPool start() {
        thread.scheduleWithFixedDelay(this::refill, 0, CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public long take(final int realmIndex) {
        if (realmIndex < 0 || realmIndex >= CharacterKey.MAX_REALMS) {
            return 0;
        }
        final Ring ring = rings.get(realmIndex);
        return ring == null ? 0 : ring.take();
    }

    /** Ids ready for the realm at {@code realmIndex} now (metrics). */
    public int ready(final int realmIndex) {
        final Ring ring = realmIndex < 0 || realmIndex >= CharacterKey.MAX_REALMS ? null : rings.get(realmIndex);
        return ring == null ? 0 : ring.size();
    }

    /** The realms the pool fills (metrics: their names come from the store's realm table). */
    public RealmTable realms() {
        return store.realms();
    }

    /** On the pool's thread: fill each realm's ring that is below half. */
    private void refill() {
        final int known = Math.min(store.realms().size(), CharacterKey.MAX_REALMS);
        for (int realm = 0; realm < known; realm++) {
            try {
                refill(realm);
            } catch (final RuntimeException e) {
                // A scheduled task that throws is never run again: no failure may leave here.
                failed(realm, e);
            }
        }
    }

    private void refill(final int realm) {
        Ring ring = rings.get(realm);
        if (ring == null) {
            ring = new Ring(capacity);
            rings.set(realm, ring);
        }
        final int room = ring.room();
        if (ring.size() >= capacity / 2 || room == 0 || System.nanoTime() - retryAtNanos[realm] < 0) {
            return;
        }
        final long[] ids;
        try {
            ids = store.reserveItemIds(realm, room);
        } catch (final Exception e) {
            failed(realm, e);
            return;
        }
        ring.put(ids);
        if (backoffNanos[realm] > 0) {
            LOG.info("item ids of realm {} are reserved again", realmName(realm));
            backoffNanos[realm] = 0;
        }
    }

    private void failed(final int realm, final Exception e) {
        final long now = System.nanoTime();
        backoffNanos[realm] = Math.min(MAX_BACKOFF_NANOS, Math.max(MIN_BACKOFF_NANOS, backoffNanos[realm] * 2));
        retryAtNanos[realm] = now + backoffNanos[realm];
        if (now - loggedAtNanos >= LOG_EVERY_NANOS) {
            loggedAtNanos = now;
            LOG.warn(
                    "reserving item ids of realm {} failed ({}); retrying every {} ms at most, its maps refuse new"
                            + " items as busy meanwhile; check that its database is up",
                    realmName(realm),
                    Saver.reason(e),
                    TimeUnit.NANOSECONDS.toMillis(backoffNanos[realm]));
        }
    }

    private String realmName(final int realm) {
        try {
            return store.realms().name(realm);
        } catch (final IllegalArgumentException unknown) {
            return "#" + realm;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One realm's ids: one producer (the pool's thread) appends at {@code tail}, any thread takes at
     * {@code head} by compare-and-set. A slot is written again only at {@code tail} = its position + capacity,
     * which needs {@code head} past the position: a taker that read it before then fails its CAS and reads again.
     */
    private static final class Ring {
        private final long[] ids;
        private final int mask;
        private final AtomicLong head = new AtomicLong();
        private volatile long tail;

        Ring(final int capacity) {
            this.ids = new long[capacity];
            this.mask = capacity - 1;
        }

        long take() {
            while (true) {
                final long at = head.get();
                if (at >= tail) {
                    return 0;
                }
                final long id = ids[(int) (at & mask)];
                if (head.compareAndSet(at, at + 1)) {
                    return id;
                }
            }
        }

        int size() {
            return (int) Math.max(0, tail - head.get());
        }

        /** Free slots: the producer only. */
        int room() {
            return ids.length - (int) (tail - head.get());
        }

        /** The producer only: at most {@link #room()} ids; zeros (none given) are skipped. */
        void put(final long[] fresh) {
            long at = tail;
            for (final long id : fresh) {
                if (id > 0) {
                    ids[(int) (at & mask)] = id;
                    at++;
                }
            }
            tail = at;
        }
    }
}
