package io.realmcluster.dataplane.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcServers;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.v1.BattlegroundsGrpc;
import io.realmcluster.proto.v1.CallOffEntryRequest;
import io.realmcluster.proto.v1.CallOffEntryResponse;
import io.realmcluster.proto.v1.SeatState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The home node's call-off of an entry over a real gRPC server standing in for the control plane. */
class GrpcEntryCallOffsTest {
    /** Unavailable for the first {@code unavailable} calls, then refused when {@code refuse}, else taken. */
    private static final class ControlPlane extends BattlegroundsGrpc.BattlegroundsImplBase {
        final List<CallOffEntryRequest> calls = new CopyOnWriteArrayList<>();
        final AtomicInteger unavailable = new AtomicInteger();
        volatile boolean refuse;

        @Override
        public void callOffEntry(
                final CallOffEntryRequest request, final StreamObserver<CallOffEntryResponse> response) {
            calls.add(request);
            if (unavailable.getAndDecrement() > 0) {
                response.onError(Status.UNAVAILABLE.withDescription("no leader").asRuntimeException());
            } else if (refuse) {
                response.onError(Status.FAILED_PRECONDITION
                        .withDescription("no seat in match m1")
                        .asRuntimeException());
            } else {
                response.onNext(CallOffEntryResponse.newBuilder()
                        .setState(SeatState.SEAT_STATE_LEFT)
                        .build());
                response.onCompleted();
            }
        }
    }

    private final ControlPlane controlPlane = new ControlPlane();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        final HostPort listen = HostPort.parse("127.0.0.1:0");
        server = GrpcServers.start("gRPC", listen, new HealthStatusManager(), List.of(controlPlane));
        channel = Channels.forTargets(List.of(GrpcServers.boundAddress(server, listen)), 5);
    }

    @AfterEach
    void stop() {
        Channels.close(channel);
        GrpcServers.shutdown(server, 1_000);
    }

    @Test
    void aCallOffIsTriedAgainWhileTheLeaderCannotAnswerUntilItIsTaken() {
        controlPlane.unavailable.set(2);
        new GrpcEntryCallOffs(channel).calledOff("second", 7, "m1", "transfer-1", "FAILED_PRECONDITION: full");

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(controlPlane.calls).hasSize(3));
        assertThat(controlPlane.calls).allSatisfy(call -> {
            assertThat(call.getRealm()).isEqualTo("second");
            assertThat(call.getCharacterId()).isEqualTo(7);
            assertThat(call.getMatchId()).isEqualTo("m1");
            assertThat(call.getTransferId()).isEqualTo("transfer-1");
            assertThat(call.getReason()).isEqualTo("FAILED_PRECONDITION: full");
        });
    }

    @Test
    void aRefusedCallOffIsNotTriedAgain() {
        controlPlane.refuse = true;
        new GrpcEntryCallOffs(channel).calledOff("main", 3, "m2", "transfer-2", "aborted");

        await().atMost(Duration.ofSeconds(10)).until(() -> controlPlane.calls.size() == 1);
        // A second call-off, taken: the first was not tried again in between.
        controlPlane.refuse = false;
        new GrpcEntryCallOffs(channel).calledOff("main", 3, "m2", "transfer-3", "aborted");
        await().atMost(Duration.ofSeconds(10)).until(() -> controlPlane.calls.size() == 2);
        assertThat(controlPlane.calls)
                .extracting(CallOffEntryRequest::getTransferId)
                .containsExactly("transfer-2", "transfer-3");
    }
}
