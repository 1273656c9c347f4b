package io.realmcluster.controlplane.nodelink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.controlplane.ControlPlane;
import io.realmcluster.controlplane.ControlPlaneConfig;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.AdminGrpc;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.ControlMessage;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.Goodbye;
import io.realmcluster.proto.v1.Heartbeat;
import io.realmcluster.proto.v1.Hello;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.ListNodesRequest;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.NodeLinkGrpc;
import io.realmcluster.proto.v1.NodeMessage;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.testkit.EtcdExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Node links against a real etcd: registration, its end in every way a link can end, and fencing. */
class NodeLinkTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration LEASE_TTL = Duration.ofSeconds(2);

    private ControlPlane controlPlane;
    private ManagedChannel channel;
    private final String prefix = "/test-" + UUID.randomUUID();

    @BeforeEach
    void startControlPlane() {
        controlPlane = new ControlPlane(new ControlPlaneConfig(
                        "cp-test",
                        List.of(URI.create(ETCD.endpoint())),
                        prefix,
                        Duration.ofSeconds(10),
                        HostPort.parse("127.0.0.1:0"),
                        HostPort.parse("127.0.0.1:0"),
                        LEASE_TTL,
                        Duration.ofMillis(200),
                        ControlPlaneConfig.Placement.defaults(),
                        ControlPlaneConfig.Login.disabled()))
                .start();
        channel = NettyChannelBuilder.forAddress(controlPlane.grpcAddress().toSocketAddress())
                .usePlaintext()
                .build();
    }

    @AfterEach
    void stopControlPlane() {
        channel.shutdownNow();
        controlPlane.close();
    }

    @Test
    void helloRegistersTheNodeAndListsIt() throws Exception {
        final FakeNode node = new FakeNode("node-a");
        node.hello();
        assertThat(node.next().getWelcome().getLeaseTtlMs()).isEqualTo(LEASE_TTL.toMillis());
        final List<NodeStatus> nodes = listNodes();
        assertThat(nodes).singleElement().satisfies(n -> {
            assertThat(n.getNode().getNodeId()).isEqualTo("node-a");
            assertThat(n.getControlplaneId()).isEqualTo("cp-test");
            assertThat(n.getLeaseId()).isNotZero();
        });
        node.heartbeat(1);
        assertThat(node.next().getHeartbeatAck().getSequence()).isEqualTo(1);
    }

    @Test
    void theFirstAckAndEveryAckAfterAChangeNameTheNextLinkedNodesToAskAboutTheControlPlane() throws Exception {
        final FakeNode a = new FakeNode("peer-a");
        a.hello();
        a.next();
        a.heartbeat(1);
        assertThat(peers(a.next())).as("alone: told so").isEmpty();
        final FakeNode b = new FakeNode("peer-b");
        b.hello();
        b.next();
        b.heartbeat(1);
        assertThat(peers(b.next())).containsExactly(grpc("peer-a"));
        a.heartbeat(2);
        assertThat(peers(a.next())).containsExactly(grpc("peer-b"));
        a.heartbeat(3);
        assertThat(a.next().getHeartbeatAck().hasPeers())
                .as("unchanged: not told again")
                .isFalse();
        final FakeNode c = new FakeNode("peer-c");
        c.hello();
        c.next();
        c.heartbeat(1);
        assertThat(peers(c.next()))
                .as("the next ones in id order, wrapping")
                .containsExactly(grpc("peer-a"), grpc("peer-b"));
        b.heartbeat(2);
        assertThat(peers(b.next())).containsExactly(grpc("peer-c"), grpc("peer-a"));

        b.stream.cancel("process gone", null);
        final AtomicLong sequence = new AtomicLong(3);
        final AtomicReference<ControlMessage> told = new AtomicReference<>();
        await("the node gone is told")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    a.heartbeat(sequence.incrementAndGet());
                    final ControlMessage ack = a.next();
                    told.set(ack);
                    return ack.getHeartbeatAck().hasPeers();
                });
        assertThat(peers(told.get())).containsExactly(grpc("peer-c"));
    }

    private static List<Endpoint> peers(final ControlMessage ack) {
        assertThat(ack.getHeartbeatAck().hasPeers()).as("peers told in %s", ack).isTrue();
        return ack.getHeartbeatAck().getPeers().getNodesList();
    }

    /** Where a fake node says it serves its peers: a port of its own. */
    private static Endpoint grpc(final String nodeId) {
        return Endpoint.newBuilder()
                .setHost("127.0.0.1")
                .setPort(1 + Math.floorMod(nodeId.hashCode(), 60_000))
                .build();
    }

    @Test
    void brokenStreamRemovesTheNodeAtOnce() throws Exception {
        final FakeNode node = new FakeNode("node-b");
        node.hello();
        node.next();
        node.heartbeat(1);
        assertThat(node.next().getHeartbeatAck().getSequence()).isEqualTo(1);
        node.stream.cancel("process gone", null);
        // Far below the lease TTL: the broken stream is the evidence, not the lease.
        await().atMost(Duration.ofMillis(LEASE_TTL.toMillis() / 2))
                .until(() -> listNodes().isEmpty());
    }

    @Test
    void aLinkBrokenBeforeItsFirstHeartbeatLeavesTheEntryToTheNodesNextLink() throws Exception {
        // The node gave up waiting for this link's Welcome (the replica answered its Hello late) and registers again.
        final FakeNode abandoned = new FakeNode("node-b2");
        abandoned.hello();
        final long firstLease = abandoned.next().getWelcome().getLeaseId();
        abandoned.stream.cancel("no Welcome in time", null);
        final FakeNode again = new FakeNode("node-b2", abandoned.incarnation);
        again.hello();
        final long secondLease = again.next().getWelcome().getLeaseId();
        assertThat(secondLease).isNotEqualTo(firstLease);
        again.heartbeat(1);
        assertThat(again.next().getHeartbeatAck().getSequence()).isEqualTo(1);
        assertThat(listNodes())
                .singleElement()
                .satisfies(n -> assertThat(n.getLeaseId()).isEqualTo(secondLease));

        // A node that dies before its first heartbeat is taken for dead when its lease lapses.
        final FakeNode dies = new FakeNode("node-b3");
        dies.hello();
        dies.next();
        dies.stream.cancel("process gone before its first heartbeat", null);
        await().atMost(LEASE_TTL.multipliedBy(3))
                .until(() -> listNodes().stream()
                        .noneMatch(n -> n.getNode().getNodeId().equals("node-b3")));
    }

    @Test
    void goodbyeRemovesTheNode() throws Exception {
        final FakeNode node = new FakeNode("node-c");
        node.hello();
        node.next();
        node.stream.onNext(NodeMessage.newBuilder()
                .setGoodbye(Goodbye.newBuilder().setReason("test"))
                .build());
        await().atMost(Duration.ofSeconds(1)).until(() -> listNodes().isEmpty());
        assertThat(node.awaitEnd()).isEqualTo(Status.Code.OK);
    }

    @Test
    void silentNodeExpiresWithItsLeaseAndItsNextHeartbeatIsRefused() throws Exception {
        final FakeNode node = new FakeNode("node-d");
        node.hello();
        node.next();
        await().atMost(LEASE_TTL.multipliedBy(3)).until(() -> listNodes().isEmpty());
        node.heartbeat(1);
        assertThat(node.awaitEnd()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void secondProcessWithTheSameNodeIdIsRefused() throws Exception {
        final FakeNode first = new FakeNode("node-e");
        first.hello();
        first.next();
        final FakeNode impostor = new FakeNode("node-e");
        impostor.hello();
        assertThat(impostor.awaitEnd()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(listNodes())
                .singleElement()
                .satisfies(n -> assertThat(n.getNode().getIncarnation()).isEqualTo(first.incarnation));
    }

    @Test
    void whatAHelloReportsRunningIsConfirmedAgainWhenEtcdStillAssignsItToTheNodeAtThatEpoch() throws Exception {
        final Keys keys = new Keys(prefix);
        try (EtcdStore etcd = EtcdStore.connect(
                List.of(URI.create(ETCD.endpoint())), Duration.ofSeconds(10), new PrometheusRegistry())) {
            final MapInstance kept = MapInstance.newBuilder()
                    .setInstanceId("main.36.kept")
                    .setMapId(36)
                    .setRealm("main")
                    .setNodeId("node-h")
                    .setState(InstanceState.INSTANCE_STATE_PENDING)
                    .build();
            final MapInstance movedAway = kept.toBuilder()
                    .setInstanceId("main.36.moved")
                    .setNodeId("node-other")
                    .build();
            final long keptEpoch = etcd.put(keys.instance("main.36.kept"), ByteSequence.from(kept.toByteArray()), 0);
            final long movedEpoch =
                    etcd.put(keys.instance("main.36.moved"), ByteSequence.from(movedAway.toByteArray()), 0);
            final FakeNode node = new FakeNode("node-h");

            node.hello(
                    1,
                    List.of(
                            kept.toBuilder().setEpoch(keptEpoch).build(),
                            movedAway.toBuilder()
                                    .setNodeId("node-h")
                                    .setEpoch(movedEpoch)
                                    .build()));

            final long lease = node.next().getWelcome().getLeaseId();
            final KeyValue confirmed = await().atMost(Duration.ofSeconds(5))
                    .until(() -> etcd.get(keys.instanceStatus("main.36.kept")), java.util.Objects::nonNull);
            assertThat(AssignmentAck.parseFrom(confirmed.getValue().getBytes()))
                    .satisfies(ack -> assertThat(ack.getEpoch()).isEqualTo(keptEpoch))
                    .satisfies(ack -> assertThat(ack.getState()).isEqualTo(InstanceState.INSTANCE_STATE_ACTIVE));
            assertThat(confirmed.getLease())
                    .as("it lives on the new session's lease")
                    .isEqualTo(lease);
            assertThat(etcd.get(keys.instanceStatus("main.36.moved")))
                    .as("assigned to another node now: not adopted")
                    .isNull();
        }
    }

    @Test
    void anOldHelloReadLateByAReplicaThatStoodStillCannotTakeTheEntryBack() throws Exception {
        final FakeNode newer = new FakeNode("node-g");
        newer.hello(5);
        final long newerLease = newer.next().getWelcome().getLeaseId();
        final FakeNode stale = new FakeNode("node-g", newer.incarnation);

        stale.hello(4);

        assertThat(stale.awaitEnd()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(stale.endDescription).contains("older than the registered attempt 5");
        newer.heartbeat(1);
        assertThat(newer.next().getHeartbeatAck().getSequence()).isEqualTo(1);
        assertThat(listNodes())
                .singleElement()
                .satisfies(n -> assertThat(n.getLeaseId()).isEqualTo(newerLease));
    }

    @Test
    void sameIncarnationTakesItsEntryOverAndTheOldStreamCannotRemoveIt() throws Exception {
        final FakeNode node = new FakeNode("node-f");
        node.hello();
        final long firstLease = node.next().getWelcome().getLeaseId();
        final FakeNode again = new FakeNode("node-f", node.incarnation);
        again.hello();
        final long secondLease = again.next().getWelcome().getLeaseId();
        assertThat(secondLease).isNotEqualTo(firstLease);
        assertThat(node.awaitEnd()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        node.stream.cancel("old connection finally breaks", null);
        again.heartbeat(1);
        assertThat(again.next().getHeartbeatAck().getSequence()).isEqualTo(1);
        assertThat(listNodes())
                .singleElement()
                .satisfies(n -> assertThat(n.getLeaseId()).isEqualTo(secondLease));
    }

    @Test
    void malformedLinksAreRefusedWithAReason() throws Exception {
        final FakeNode noHello = new FakeNode("node-g");
        noHello.heartbeat(1);
        assertThat(noHello.awaitEnd()).isEqualTo(Status.Code.FAILED_PRECONDITION);

        final FakeNode badId = new FakeNode("bad id/with slash");
        badId.hello();
        assertThat(badId.awaitEnd()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(badId.endDescription).contains("node id");
        assertThat(listNodes()).isEmpty();
    }

    private List<NodeStatus> listNodes() {
        return AdminGrpc.newBlockingStub(channel)
                .withDeadlineAfter(3, TimeUnit.SECONDS)
                .listNodes(ListNodesRequest.getDefaultInstance())
                .getNodesList();
    }

    /** A node's side of the link stream, driven by hand. */
    private final class FakeNode implements ClientResponseObserver<NodeMessage, ControlMessage> {
        final String nodeId;
        final String incarnation;
        final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        ClientCallStreamObserver<NodeMessage> stream;
        volatile String endDescription;

        FakeNode(final String nodeId) {
            this(nodeId, UUID.randomUUID().toString());
        }

        FakeNode(final String nodeId, final String incarnation) {
            this.nodeId = nodeId;
            this.incarnation = incarnation;
            NodeLinkGrpc.newStub(channel).open(this);
        }

        void hello() {
            hello(0);
        }

        /** Hello as this incarnation's {@code attempt}-th link. */
        void hello(final long attempt) {
            hello(attempt, List.of());
        }

        /** Hello, saying it runs {@code running}. */
        void hello(final long attempt, final List<MapInstance> running) {
            stream.onNext(NodeMessage.newBuilder()
                    .setHello(Hello.newBuilder()
                            .setAttempt(attempt)
                            .addAllRunning(running)
                            .setNode(NodeDescriptor.newBuilder()
                                    .setNodeId(nodeId)
                                    .setIncarnation(incarnation)
                                    .setGrpc(grpc(nodeId))
                                    .addPools("dungeon")
                                    .setCapacityPlayers(100)))
                    .build());
        }

        void heartbeat(final long sequence) {
            stream.onNext(NodeMessage.newBuilder()
                    .setHeartbeat(Heartbeat.newBuilder().setSequence(sequence))
                    .build());
        }

        ControlMessage next() throws InterruptedException {
            final Object item = received.poll(5, TimeUnit.SECONDS);
            assertThat(item).as("next control message of %s", nodeId).isInstanceOf(ControlMessage.class);
            return (ControlMessage) item;
        }

        Status.Code awaitEnd() throws InterruptedException {
            while (true) {
                final Object item = received.poll(10, TimeUnit.SECONDS);
                assertThat(item).as("end of the link of %s", nodeId).isNotNull();
                if (item instanceof Status status) {
                    endDescription = status.getDescription();
                    return status.getCode();
                }
            }
        }

        @Override
        public void beforeStart(final ClientCallStreamObserver<NodeMessage> requestStream) {
            this.stream = requestStream;
        }

        @Override
        public void onNext(final ControlMessage value) {
            // Assignment pushes come when the publisher runs; these tests are about the link itself.
            if (!value.hasAssignments()) {
                received.add(value);
            }
        }

        @Override
        public void onError(final Throwable t) {
            received.add(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            received.add(Status.OK);
        }
    }
}
