package io.realmcluster.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.v1.AdminGrpc;
import io.realmcluster.proto.v1.ListControlPlanesRequest;
import io.realmcluster.proto.v1.ListControlPlanesResponse;
import io.realmcluster.proto.v1.ListNodesRequest;
import io.realmcluster.proto.v1.ListNodesResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CallPoolTest {
    private static final HostPort LOOPBACK = new HostPort("127.0.0.1", 0);

    @Test
    void aCallArrivingWhenTheQueueIsFullIsRefusedAtOnceAndTheOthersFinish() throws Exception {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger running = new AtomicInteger();
        final AdminGrpc.AdminImplBase slow = new AdminGrpc.AdminImplBase() {
            @Override
            public void listControlPlanes(
                    final ListControlPlanesRequest request, final StreamObserver<ListControlPlanesResponse> response) {
                holdThenAnswer(release, running, response, ListControlPlanesResponse.getDefaultInstance());
            }
        };
        try (CallPool pool = new CallPool("test-calls", 1, 1)) {
            final Server server = serve(pool, slow);
            final ManagedChannel channel = Channels.forTargets(List.of(GrpcServers.boundAddress(server, LOOPBACK)), 30);
            try {
                final AdminGrpc.AdminFutureStub stub =
                        AdminGrpc.newFutureStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
                final ListenableFuture<ListControlPlanesResponse> first =
                        stub.listControlPlanes(ListControlPlanesRequest.getDefaultInstance());
                await().atMost(Duration.ofSeconds(5)).until(() -> running.get() == 1);
                final ListenableFuture<ListControlPlanesResponse> second =
                        stub.listControlPlanes(ListControlPlanesRequest.getDefaultInstance());
                await().atMost(Duration.ofSeconds(5)).until(() -> pool.waiting() == 1);

                assertThatThrownBy(() -> AdminGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(5, TimeUnit.SECONDS)
                                .listControlPlanes(ListControlPlanesRequest.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                            assertThat(e.getStatus().getDescription()).contains("test-calls", "1 calls waiting");
                        });

                release.countDown();
                assertThat(first.get(5, TimeUnit.SECONDS)).isNotNull();
                assertThat(second.get(5, TimeUnit.SECONDS)).isNotNull();
                assertThat(running.get()).isEqualTo(2);
            } finally {
                Channels.close(channel);
                GrpcServers.shutdown(server, 1_000);
            }
        }
    }

    @Test
    void aServiceWithALaneOfItsOwnIsAnsweredWhileEveryOtherThreadIsBusy() throws Exception {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger running = new AtomicInteger();
        final AdminGrpc.AdminImplBase stuck = new AdminGrpc.AdminImplBase() {
            @Override
            public void listControlPlanes(
                    final ListControlPlanesRequest request, final StreamObserver<ListControlPlanesResponse> response) {
                holdThenAnswer(release, running, response, ListControlPlanesResponse.getDefaultInstance());
            }
        };
        try (CallPool pool = new CallPool("test-calls", 1, 10).lane(HealthGrpc.SERVICE_NAME, "health", 1)) {
            final Server server = serve(pool, stuck);
            final ManagedChannel channel = Channels.forTargets(List.of(GrpcServers.boundAddress(server, LOOPBACK)), 30);
            try {
                final ListenableFuture<ListControlPlanesResponse> blocked = AdminGrpc.newFutureStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listControlPlanes(ListControlPlanesRequest.getDefaultInstance());
                await().atMost(Duration.ofSeconds(5)).until(() -> running.get() == 1);

                assertThat(HealthGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(5, TimeUnit.SECONDS)
                                .check(HealthCheckRequest.getDefaultInstance())
                                .getStatus())
                        .as("answered on its lane while the pool's only thread is taken")
                        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
                assertThat(blocked.isDone()).isFalse();

                release.countDown();
                assertThat(blocked.get(5, TimeUnit.SECONDS)).isNotNull();
            } finally {
                Channels.close(channel);
                GrpcServers.shutdown(server, 1_000);
            }
        }
    }

    @Test
    void aMethodWithALaneOfItsOwnIsAnsweredWhileItsServicesOtherCallsTakeEveryThread() throws Exception {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger running = new AtomicInteger();
        final AdminGrpc.AdminImplBase admin = new AdminGrpc.AdminImplBase() {
            @Override
            public void listNodes(final ListNodesRequest request, final StreamObserver<ListNodesResponse> response) {
                holdThenAnswer(release, running, response, ListNodesResponse.getDefaultInstance());
            }

            @Override
            public void listControlPlanes(
                    final ListControlPlanesRequest request, final StreamObserver<ListControlPlanesResponse> response) {
                response.onNext(ListControlPlanesResponse.getDefaultInstance());
                response.onCompleted();
            }
        };
        try (CallPool pool = new CallPool("test-calls", 1, 10)
                .methodLane(List.of(AdminGrpc.getListControlPlanesMethod().getFullMethodName()), "planes", 1)) {
            final Server server = serve(pool, admin);
            final ManagedChannel channel = Channels.forTargets(List.of(GrpcServers.boundAddress(server, LOOPBACK)), 30);
            try {
                final AdminGrpc.AdminFutureStub stub =
                        AdminGrpc.newFutureStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
                final ListenableFuture<ListNodesResponse> blocked =
                        stub.listNodes(ListNodesRequest.getDefaultInstance());
                await().atMost(Duration.ofSeconds(5)).until(() -> running.get() == 1);
                final ListenableFuture<ListNodesResponse> queued =
                        stub.listNodes(ListNodesRequest.getDefaultInstance());
                await().atMost(Duration.ofSeconds(5)).until(() -> pool.waiting() == 1);

                assertThat(AdminGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(5, TimeUnit.SECONDS)
                                .listControlPlanes(ListControlPlanesRequest.getDefaultInstance()))
                        .as("answered on its method's lane while its service's other calls hold and wait for the pool")
                        .isNotNull();
                assertThat(blocked.isDone()).isFalse();
                assertThat(queued.isDone()).isFalse();

                release.countDown();
                assertThat(blocked.get(5, TimeUnit.SECONDS)).isNotNull();
                assertThat(queued.get(5, TimeUnit.SECONDS)).isNotNull();
            } finally {
                Channels.close(channel);
                GrpcServers.shutdown(server, 1_000);
            }
        }
    }

    @Test
    void aHandlerThatThrowsClosesItsCallUnknownAtOnceSayingNothingOfWhy() throws Exception {
        final AdminGrpc.AdminImplBase broken = new AdminGrpc.AdminImplBase() {
            @Override
            public void listControlPlanes(
                    final ListControlPlanesRequest request, final StreamObserver<ListControlPlanesResponse> response) {
                throw new IllegalArgumentException("jdbc:postgresql://db.internal:5432 refused");
            }
        };
        try (CallPool pool = new CallPool("test-calls", 1, 1)) {
            final Server server = serve(pool, broken);
            final ManagedChannel channel = Channels.forTargets(List.of(GrpcServers.boundAddress(server, LOOPBACK)), 30);
            try {
                final long started = System.nanoTime();
                assertThatThrownBy(() -> AdminGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(20, TimeUnit.SECONDS)
                                .listControlPlanes(ListControlPlanesRequest.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
                            assertThat(e.getStatus().getDescription()).doesNotContain("db.internal");
                        });
                // Answered, not left to its deadline.
                assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(15));
            } finally {
                Channels.close(channel);
                GrpcServers.shutdown(server, 1_000);
            }
        }
    }

    /** Counts the call as running, holds its thread until {@code release} (10 s at most), then answers {@code answer}. */
    private static <T> void holdThenAnswer(
            final CountDownLatch release,
            final AtomicInteger running,
            final StreamObserver<T> response,
            final T answer) {
        running.incrementAndGet();
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        response.onNext(answer);
        response.onCompleted();
    }

    /** {@code service} on loopback, its calls run by {@code pool}. */
    private static Server serve(final CallPool pool, final io.grpc.BindableService service) throws Exception {
        return GrpcServers.start(
                "test",
                LOOPBACK,
                InsecureServerCredentials.create(),
                new HealthStatusManager(),
                pool,
                GrpcServers.DEFAULT_MAX_INBOUND_BYTES,
                List.of(service));
    }
}
