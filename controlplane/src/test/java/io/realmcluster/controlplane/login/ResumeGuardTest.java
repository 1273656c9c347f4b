package io.realmcluster.controlplane.login;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The guard in front of Resume: a bucket per character, and a full pool that says "try again" at once. */
class ResumeGuardTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void aFullPoolAnswersTryAgainAtOnce() {
        final Executor full = task -> {
            throw new RejectedExecutionException("full");
        };
        final ResumeGuard guard = new ResumeGuard(Clock.fixed(NOW, ZoneOffset.UTC), new PrometheusRegistry(), full);
        final Status status = call(guard, "main", 1);
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).contains("try again");
        assertThat(guard.refusedCount(ResumeGuard.BUSY)).isEqualTo(1);
    }

    @Test
    void aResumeRunsOnThePoolInItsCallsContextSoItSeesTheCallEnd() throws Exception {
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            final ResumeGuard guard = new ResumeGuard(Clock.fixed(NOW, ZoneOffset.UTC), new PrometheusRegistry(), pool);
            final Context.CancellableContext call = Context.current().withCancellation();
            call.cancel(null);
            final CompletableFuture<Boolean> sawCancelled = new CompletableFuture<>();
            call.run(() -> guard.submit(
                    "main",
                    3,
                    new NoAnswer(),
                    () -> sawCancelled.complete(Context.current().isCancelled())));
            assertThat(sawCancelled.get(10, TimeUnit.SECONDS))
                    .as("the caller that gave up is seen on the pool's thread")
                    .isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eachCharacterHasItsOwnBucketRefilledOverTime() {
        final AtomicReference<Instant> now = new AtomicReference<>(NOW);
        final Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(final java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        final ResumeGuard guard = new ResumeGuard(clock, new PrometheusRegistry(), Runnable::run);
        final List<Status.Code> first = new ArrayList<>();
        for (int i = 0; i <= ResumeGuard.BURST; i++) {
            first.add(call(guard, "main", 7).getCode());
        }
        assertThat(first.subList(0, ResumeGuard.BURST)).containsOnly(Status.Code.OK);
        assertThat(first.get(ResumeGuard.BURST)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        // Another character (all from one address, as bots and players behind a NAT are) is not held back.
        assertThat(call(guard, "main", 8).getCode()).isEqualTo(Status.Code.OK);
        now.set(NOW.plus(Duration.ofMillis((long) (1000 / ResumeGuard.RATE_PER_SECOND))));
        assertThat(call(guard, "main", 7).getCode()).isEqualTo(Status.Code.OK);
        assertThat(guard.refusedCount(ResumeGuard.THROTTLED)).isEqualTo(1);
    }

    private static Status call(final ResumeGuard guard, final String realm, final long characterId) {
        final AtomicReference<Status> outcome = new AtomicReference<>();
        guard.resume(
                realm,
                characterId,
                new StreamObserver<String>() {
                    @Override
                    public void onNext(final String value) {}

                    @Override
                    public void onError(final Throwable t) {
                        outcome.set(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        outcome.set(Status.OK);
                    }
                },
                () -> "resumed");
        return outcome.get();
    }

    /** A call's observer that expects nothing. */
    private static final class NoAnswer implements StreamObserver<Object> {
        @Override
        public void onNext(final Object value) {}

        @Override
        public void onError(final Throwable t) {}

        @Override
        public void onCompleted() {}
    }
}
