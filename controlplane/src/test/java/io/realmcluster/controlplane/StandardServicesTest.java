package io.realmcluster.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.testkit.EtcdExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What grpc_health_probe and grpcurl rely on: the standard health service and server reflection. */
class StandardServicesTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @Test
    void servesHealthAndReflectionOfItsOwnServices() throws Exception {
        try (ControlPlane controlPlane = new ControlPlane(new ControlPlaneConfig(
                        "cp-std",
                        List.of(URI.create(ETCD.endpoint())),
                        "/std",
                        Duration.ofSeconds(10),
                        HostPort.parse("127.0.0.1:0"),
                        HostPort.parse("127.0.0.1:0"),
                        Duration.ofSeconds(2),
                        Duration.ofMillis(200),
                        ControlPlaneConfig.Placement.defaults(),
                        ControlPlaneConfig.Login.disabled()))
                .start()) {
            final ManagedChannel channel = NettyChannelBuilder.forAddress(
                            controlPlane.grpcAddress().toSocketAddress())
                    .usePlaintext()
                    .build();
            try {
                assertThat(HealthGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(10, TimeUnit.SECONDS)
                                .check(HealthCheckRequest.getDefaultInstance())
                                .getStatus())
                        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
                assertThat(listServices(channel))
                        .contains("realmcluster.v1.Admin", "realmcluster.v1.NodeLink", "grpc.health.v1.Health");
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void exposesPrometheusMetricsOfLeadershipPlacementAndEtcd() throws Exception {
        try (ControlPlane controlPlane = new ControlPlane(new ControlPlaneConfig(
                        "cp-metrics",
                        List.of(URI.create(ETCD.endpoint())),
                        "/metrics-test",
                        Duration.ofSeconds(10),
                        HostPort.parse("127.0.0.1:0"),
                        HostPort.parse("127.0.0.1:0"),
                        Duration.ofSeconds(2),
                        Duration.ofMillis(200),
                        ControlPlaneConfig.Placement.defaults(),
                        ControlPlaneConfig.Login.disabled()))
                .start()) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(controlPlane::isLeader);
            final HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://" + controlPlane.metricsAddress() + "/metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body())
                    .contains(
                            "realm_controlplane_leader 1",
                            "realm_controlplane_etcd_request_seconds",
                            "realm_controlplane_node_links",
                            "realm_controlplane_placements_total",
                            "realm_controlplane_reassignments_total",
                            "jvm_memory_used_bytes");
        }
    }

    private static List<String> listServices(final ManagedChannel channel) throws Exception {
        final CompletableFuture<List<String>> services = new CompletableFuture<>();
        final StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(final ServerReflectionResponse response) {
                        final List<String> names = new ArrayList<>();
                        response.getListServicesResponse().getServiceList().forEach(s -> names.add(s.getName()));
                        services.complete(names);
                    }

                    @Override
                    public void onError(final Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        services.complete(List.of());
                    }
                });
        requests.onNext(
                ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();
        return services.get(5, TimeUnit.SECONDS);
    }
}
