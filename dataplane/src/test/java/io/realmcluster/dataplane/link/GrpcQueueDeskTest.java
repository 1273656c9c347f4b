package io.realmcluster.dataplane.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcServers;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.v1.AdmitEntryRequest;
import io.realmcluster.proto.v1.AdmitEntryResponse;
import io.realmcluster.proto.v1.BattlegroundsGrpc;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.ReportDisconnectedRequest;
import io.realmcluster.proto.v1.ReportDisconnectedResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node's disconnect reports and rejoins over a real gRPC server standing in for the control plane:
 * a report is tried again while the control plane is unavailable and given up on a refusal; a rejoin
 * answers the side of the entered seat.
 */
class GrpcQueueDeskTest {
    /** Unavailable for the first {@code unavailable} reports, then taken; or refused when {@code refuse}. */
    private static final class ControlPlane extends BattlegroundsGrpc.BattlegroundsImplBase {
        final List<ReportDisconnectedRequest> reports = new CopyOnWriteArrayList<>();
        final AtomicInteger unavailable = new AtomicInteger();
        volatile boolean refuse;

        @Override
        public void reportDisconnected(
                final ReportDisconnectedRequest request, final StreamObserver<ReportDisconnectedResponse> response) {
            reports.add(request);
            if (refuse) {
                response.onError(Status.FAILED_PRECONDITION
                        .withDescription("its seat is SEAT_STATE_LEFT")
                        .asRuntimeException());
            } else if (unavailable.getAndDecrement() > 0) {
                response.onError(Status.UNAVAILABLE.withDescription("no leader").asRuntimeException());
            } else {
                response.onNext(ReportDisconnectedResponse.getDefaultInstance());
                response.onCompleted();
            }
        }

        @Override
        public void admitEntry(final AdmitEntryRequest request, final StreamObserver<AdmitEntryResponse> response) {
            if (!request.getMatchId().equals("m1")) {
                response.onError(Status.FAILED_PRECONDITION
                        .withDescription("not invited to this match")
                        .asRuntimeException());
                return;
            }
            response.onNext(AdmitEntryResponse.newBuilder()
                    .setTeam(Faction.FACTION_HORDE)
                    .build());
            response.onCompleted();
        }
    }

    private final ControlPlane controlPlane = new ControlPlane();
    private Server server;
    private ManagedChannel channel;
    private GrpcQueueDesk desk;

    @BeforeEach
    void start() {
        final HostPort listen = HostPort.parse("127.0.0.1:0");
        server = GrpcServers.start("gRPC", listen, new HealthStatusManager(), List.of(controlPlane));
        channel = Channels.forTargets(List.of(GrpcServers.boundAddress(server, listen)), 5);
        desk = new GrpcQueueDesk(channel, "bg-node");
    }

    @AfterEach
    void stop() {
        Channels.close(channel);
        GrpcServers.shutdown(server, 1_000);
    }

    @Test
    void aDisconnectReportIsTriedAgainWhileTheControlPlaneIsUnavailable() throws Exception {
        controlPlane.unavailable.set(2);
        desk.disconnected("second", 7, "m1", true, 1_800_000_000_000L).get(10, TimeUnit.SECONDS);
        assertThat(controlPlane.reports).hasSize(3).allSatisfy(r -> {
            assertThat(r.getRealm()).isEqualTo("second");
            assertThat(r.getCharacterId()).isEqualTo(7);
            assertThat(r.getMatchId()).isEqualTo("m1");
            assertThat(r.getAway()).isTrue();
            assertThat(r.getDisconnectedAtUnixMs()).isEqualTo(1_800_000_000_000L);
        });

        // Back in the match: the time it came back, which orders it against a late disconnect report.
        desk.disconnected("second", 7, "m1", false, 5).get(10, TimeUnit.SECONDS);
        assertThat(controlPlane.reports.get(3).getAway()).isFalse();
        assertThat(controlPlane.reports.get(3).getDisconnectedAtUnixMs()).isZero();
        assertThat(controlPlane.reports.get(3).getBackAtUnixMs()).isEqualTo(5);
    }

    @Test
    void aRefusedReportIsNotTriedAgain() {
        controlPlane.refuse = true;
        assertThatThrownBy(() -> desk.disconnected("main", 3, "m1", true, 1).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        assertThat(controlPlane.reports).hasSize(1);
    }

    @Test
    void aRejoinAnswersTheSideOfTheEnteredSeatOrTheRefusal() throws Exception {
        assertThat(desk.rejoin("main", 3, "m1", "main.489.m1").get(10, TimeUnit.SECONDS))
                .isEqualTo(Faction.FACTION_HORDE_VALUE);
        assertThatThrownBy(() -> desk.rejoin("main", 3, "m2", "main.489.m2").get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getDescription()).isEqualTo("not invited to this match"));
    }
}
