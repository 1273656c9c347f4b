package io.realmcluster.controlplane.login;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.concurrent.Threads;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What stands between a Resume and the databases: a token bucket per character (the credential's
 * holder; not per address, since many players share one), then a bounded pool of its own, apart from
 * the password hashing's. A dead node's players all resume within seconds; whatever does not fit is
 * answered at once RESOURCE_EXHAUSTED with "try again", which clients take as a reason to back off.
 */
public final class ResumeGuard implements AutoCloseable {
    static final String THROTTLED = "throttled_character";
    static final String BUSY = "busy";
    /** Resumes a character may try a second, after a burst: more than a client's backoff ever sends. */
    static final double RATE_PER_SECOND = 2;

    static final int BURST = 5;
    private static final int MAX_ENTRIES = 100_000;

    private final Clock clock;
    private final Executor pool;
    private final Cache<String, Bucket> buckets;
    private final Counter refused;

    /** {@code threads} resuming at once, {@code queue} waiting; refusals counted in {@code metrics}. */
    public ResumeGuard(final Clock clock, final PrometheusRegistry metrics, final int threads, final int queue) {
        this(clock, metrics, Threads.boundedPool("login-resume", threads, queue));
    }

    /** With the resumes run on {@code pool} (tests: the caller's thread). */
    ResumeGuard(final Clock clock, final PrometheusRegistry metrics, final Executor pool) {
        this.clock = clock;
        this.pool = pool;
        this.buckets = CacheBuilder.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfterAccess(Duration.ofMinutes(5))
                .ticker(new Ticker() {
                    @Override
                    public long read() {
                        return TimeUnit.MILLISECONDS.toNanos(clock.millis());
                    }
                })
                .build();
        this.refused = Counter.builder()
                .name("realm_controlplane_resume_refused")
                .help("Resume calls refused before any database was read, by reason (throttled_character, busy)")
                .labelNames("reason")
                .register(metrics);
        refused.labelValues(THROTTLED);
        refused.labelValues(BUSY);
    }

    /** Run {@code body} for the character {@code realm}/{@code characterId} on the pool, when its bucket lets it. */
    <T> void resume(
            final String realm, final long characterId, final StreamObserver<T> response, final Supplier<T> body) {
        submit(realm, characterId, response, () -> LoginService.answer(response, body));
    }

    /**
     * Run {@code task}, which answers {@code response}, for the character {@code realm}/{@code characterId} on the
     * pool, in the call's context (its deadline and cancellation), when its bucket lets it.
     */
    void submit(final String realm, final long characterId, final StreamObserver<?> response, final Runnable task) {
        final long wait = take(realm + "/" + characterId);
        if (wait > 0) {
            refused.labelValues(THROTTLED).inc();
            response.onError(Status.RESOURCE_EXHAUSTED
                    .withDescription("too many resumes of this character; try again after " + wait + " ms")
                    .asRuntimeException());
            return;
        }
        if (!retry(Context.current().wrap(task))) {
            response.onError(busy());
        }
    }

    /**
     * Run {@code task} on the pool again, past the bucket (a resume that waited for its route); false, and it does
     * not run, when the pool is full.
     */
    boolean retry(final Runnable task) {
        try {
            pool.execute(task);
            return true;
        } catch (final RejectedExecutionException full) {
            refused.labelValues(BUSY).inc();
            return false;
        }
    }

    /** The answer to a resume the pool has no room for. */
    private static StatusRuntimeException busy() {
        return Status.RESOURCE_EXHAUSTED
                .withDescription("the login service is busy; try again in a moment")
                .asRuntimeException();
    }

    /** Calls refused for {@code reason} so far (tests). */
    double refusedCount(final String reason) {
        return refused.labelValues(reason).get();
    }

    private long take(final String key) {
        final Bucket bucket;
        try {
            bucket = buckets.get(key, () -> new Bucket(clock.millis()));
        } catch (final java.util.concurrent.ExecutionException impossible) {
            throw new IllegalStateException("cannot make a resume bucket", impossible);
        }
        synchronized (bucket) {
            return bucket.take(clock.millis());
        }
    }

    @Override
    public void close() {
        if (pool instanceof ExecutorService service) {
            service.shutdownNow();
        }
    }

    /** Tokens refilled at {@link #RATE_PER_SECOND}, at most {@link #BURST}. */
    private static final class Bucket {
        private double tokens = BURST;
        private long refilledAt;

        Bucket(final long now) {
            this.refilledAt = now;
        }

        /** 0 when a token was taken, else the milliseconds until one will be there. */
        long take(final long now) {
            tokens = Math.min(BURST, tokens + Math.max(0, now - refilledAt) * RATE_PER_SECOND / 1000);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) * 1000 / RATE_PER_SECOND));
        }
    }
}
