package io.realmcluster.dataplane.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.InsecureChannelCredentials;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.grpc.GrpcServers;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.v1.ControlMessage;
import io.realmcluster.proto.v1.HeartbeatAck;
import io.realmcluster.proto.v1.Hello;
import io.realmcluster.proto.v1.LoadReport;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.NodeLinkGrpc;
import io.realmcluster.proto.v1.NodeMessage;
import io.realmcluster.proto.v1.Welcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's link against two real gRPC servers standing in for control-plane replicas, one of which accepts
 * streams but stops answering (a paused replica whose port still accepts): the link must be registered with the
 * other within 3 s.
 */
class ControlPlaneLinkTest {
    private static final Duration PAUSE_TO_REGISTERED = Duration.ofSeconds(3);
    private static final long HEARTBEAT_MS = 1_000;

    /** A replica: welcomes each Hello and acks each heartbeat, unless paused (then it reads and says nothing). */
    private static final class Replica extends NodeLinkGrpc.NodeLinkImplBase {
        final String id;
        final List<Hello> hellos = new CopyOnWriteArrayList<>();
        final AtomicInteger streams = new AtomicInteger();
        volatile boolean paused;

        Replica(final String id, final boolean paused) {
            this.id = id;
            this.paused = paused;
        }

        @Override
        public StreamObserver<NodeMessage> open(final StreamObserver<ControlMessage> responses) {
            streams.incrementAndGet();
            return new StreamObserver<>() {
                @Override
                public void onNext(final NodeMessage message) {
                    if (paused) {
                        return;
                    }
                    if (message.hasHello()) {
                        hellos.add(message.getHello());
                        responses.onNext(ControlMessage.newBuilder()
                                .setWelcome(Welcome.newBuilder()
                                        .setLeaseId(1)
                                        .setLeaseTtlMs(6_000)
                                        .setHeartbeatIntervalMs(HEARTBEAT_MS)
                                        .setControlplaneId(id))
                                .build());
                    } else if (message.hasHeartbeat()) {
                        responses.onNext(ControlMessage.newBuilder()
                                .setHeartbeatAck(HeartbeatAck.newBuilder()
                                        .setSequence(message.getHeartbeat().getSequence()))
                                .build());
                    }
                }

                @Override
                public void onError(final Throwable t) {}

                @Override
                public void onCompleted() {
                    responses.onCompleted();
                }
            };
        }
    }

    private final List<Server> servers = new ArrayList<>();
    private ControlPlaneLink link;

    @AfterEach
    void stop() {
        if (link != null) {
            link.close();
        }
        servers.forEach(server -> GrpcServers.shutdown(server, 500));
    }

    @Test
    void aReplicaThatAcceptsButNeverWelcomesIsLeftForTheNextOne() {
        final Replica silent = new Replica("cp-1", true);
        final Replica answering = new Replica("cp-2", false);
        link = link(List.of(serve(silent), serve(answering)));
        final long start = System.nanoTime();

        link.start();

        await().atMost(PAUSE_TO_REGISTERED).until(() -> link.controlPlaneId().equals("cp-2"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PAUSE_TO_REGISTERED);
        assertThat(answering.hellos.get(0).getRunningList())
                .as("the Hello tells what the node runs")
                .extracting(MapInstance::getInstanceId, MapInstance::getEpoch)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("main.1", 42L));
    }

    @Test
    void aReplicaThatStopsAnsweringHeartbeatsIsLeftWithinThreeSeconds() {
        final Map<String, Replica> replicas =
                Map.of("cp-1", new Replica("cp-1", false), "cp-2", new Replica("cp-2", false));
        link = link(List.of(serve(replicas.get("cp-1")), serve(replicas.get("cp-2"))));
        link.start();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !link.controlPlaneId().isEmpty());
        final String first = link.controlPlaneId();
        final Replica other = replicas.get(first.equals("cp-1") ? "cp-2" : "cp-1");
        final int hellosBefore = other.hellos.size();

        replicas.get(first).paused = true;
        final long paused = System.nanoTime();

        await().atMost(PAUSE_TO_REGISTERED).until(() -> link.controlPlaneId().equals(other.id));
        assertThat(Duration.ofNanos(System.nanoTime() - paused)).isLessThan(PAUSE_TO_REGISTERED);
        assertThat(other.hellos).hasSize(hellosBefore + 1);
    }

    @Test
    void aLoneReplicaThatIgnoredTheHelloIsAskedAgainAndRegistersTheNode() {
        final Replica only = new Replica("cp-1", true);
        link = link(List.of(serve(only)));
        link.start();
        await().atMost(Duration.ofSeconds(3)).until(() -> only.streams.get() == 1);
        // Its Hello went unanswered: only a new stream after the Welcome deadline can be welcomed now.
        only.paused = false;

        await().atMost(Duration.ofSeconds(5)).until(() -> link.controlPlaneId().equals("cp-1"));
        assertThat(only.streams.get()).isGreaterThan(1);
    }

    private HostPort serve(final Replica replica) {
        final HostPort listen = HostPort.parse("127.0.0.1:0");
        final Server server = GrpcServers.start("gRPC", listen, new HealthStatusManager(), List.of(replica));
        servers.add(server);
        return GrpcServers.boundAddress(server, listen);
    }

    private static ControlPlaneLink link(final List<HostPort> replicas) {
        return new ControlPlaneLink(
                NodeDescriptor.newBuilder()
                        .setNodeId("node-1")
                        .setIncarnation("i-1")
                        .build(),
                replicas,
                LoadReport::getDefaultInstance,
                set -> List.of(),
                () -> List.of(MapInstance.newBuilder()
                        .setInstanceId("main.1")
                        .setEpoch(42)
                        .build()),
                InsecureChannelCredentials.create());
    }
}
