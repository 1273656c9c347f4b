package io.realmcluster.controlplane.login;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Resumes whose character's map does not run yet ({@link RouteNotReady}: its node just died and the leader is
 * moving the continent, or the new node is loading it). Each waits here, holding no thread, until a route to its
 * map exists (checked every {@link #CHECK_EVERY} against the router's view, in memory) and is then tried again.
 * So a dead node's players get their answer the moment their continent runs, each with the one call it made,
 * instead of polling the login service with backoff: a herd of calls that each read the database, whose last
 * tries land seconds after the continent came back. A wait ends at its deadline with the answer it would have had
 * at once; at most {@code capacity} wait, the rest are answered at once.
 */
public final class RouteWaits implements AutoCloseable {
    /** A realm's map, at a place on it (a cell of a split continent; NaN: anywhere): what a resume waits for. */
    record Key(String realm, int mapId, float x) {
        Key(final String realm, final int mapId) {
            this(realm, mapId, Float.NaN);
        }
    }

    /** How often waiting resumes look for their route. */
    static final Duration CHECK_EVERY = Duration.ofMillis(100);

    private record Waiter(Key key, long deadlineNanos, BooleanSupplier routed, Runnable expired) {}

    private final CharacterRouter router;
    private final int capacity;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService timer;
    private final ConcurrentLinkedQueue<Waiter> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final Counter outcomes;

    /** Checked every {@link #CHECK_EVERY} on a thread of its own; outcomes counted in {@code metrics}. */
    public static RouteWaits start(final CharacterRouter router, final int capacity, final PrometheusRegistry metrics) {
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread thread = new Thread(r, "login-route-waits");
            thread.setDaemon(true);
            return thread;
        });
        final RouteWaits waits = new RouteWaits(router, capacity, System::nanoTime, timer, metrics);
        timer.scheduleWithFixedDelay(
                waits::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return waits;
    }

    /** Checked by {@code timer} once scheduled, or when the caller calls {@link #check} (tests: a null timer). */
    RouteWaits(
            final CharacterRouter router,
            final int capacity,
            final LongSupplier nanoTime,
            final ScheduledExecutorService timer,
            final PrometheusRegistry metrics) {
        this.router = router;
        this.capacity = capacity;
        this.nanoTime = nanoTime;
        this.timer = timer;
        this.outcomes = Counter.builder()
                .name("realm_controlplane_resume_route_waits")
                .help("Resumes that waited for their continent to run, by how the wait ended (routed, expired, full)")
                .labelNames("outcome")
                .register(metrics);
        outcomes.labelValues("routed");
        outcomes.labelValues("expired");
        outcomes.labelValues("full");
    }

    /**
     * Wait until {@code key} has a route, then run {@code routed}, which hands the resume on and says whether it
     * could (a full pool: it is offered again at the next check); or, at {@code deadlineNanos} (by
     * {@link System#nanoTime}), run {@code expired}. False, and nothing runs, when too many wait already.
     * Either runs on the waits' thread and must not block.
     */
    boolean await(final Key key, final long deadlineNanos, final BooleanSupplier routed, final Runnable expired) {
        if (count.incrementAndGet() > capacity) {
            count.decrementAndGet();
            outcomes.labelValues("full").inc();
            return false;
        }
        waiting.add(new Waiter(key, deadlineNanos, routed, expired));
        return true;
    }

    /** Resumes waiting now. */
    int waiting() {
        return count.get();
    }

    /** One pass: the waits whose map has a route go on, those past their deadline end; one look per map. */
    void check() {
        if (waiting.isEmpty()) {
            return;
        }
        final long now = nanoTime.getAsLong();
        final Map<Key, Boolean> routes = new HashMap<>();
        for (final Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
            final Waiter waiter = it.next();
            if (routes.computeIfAbsent(waiter.key(), this::routes)
                    && waiter.routed().getAsBoolean()) {
                it.remove();
                count.decrementAndGet();
                outcomes.labelValues("routed").inc();
            } else if (now - waiter.deadlineNanos() >= 0) {
                it.remove();
                count.decrementAndGet();
                outcomes.labelValues("expired").inc();
                waiter.expired().run();
            }
        }
    }

    private boolean routes(final Key key) {
        try {
            router.route(key.realm(), key.mapId(), "", key.x());
            return true;
        } catch (final RuntimeException notYet) {
            return false;
        }
    }

    /** No more checks; whoever still waits gets the answer its wait would have ended with. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        for (Waiter waiter; (waiter = waiting.poll()) != null; ) {
            count.decrementAndGet();
            waiter.expired().run();
        }
    }
}
