package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.realmctl.AdminClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Control plane and nodes as separate processes against a real etcd: registration, crash, restarts, failover. */
class NodeRegistrationIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    /** The replicas run with --node-lease-ttl 2. */
    private static final Duration LEASE_TTL = Duration.ofSeconds(2);

    private Binaries binaries;

    @BeforeEach
    void setUp() {
        binaries = new Binaries(ETCD.endpoint(), "/it-" + UUID.randomUUID());
    }

    @AfterEach
    void tearDown() {
        binaries.close();
    }

    @Test
    void registeredNodeIsListedAndVanishesWithinTheLeaseTtlAfterSigkill() {
        final HostPort cp = Binaries.freeAddress();
        binaries.controlPlane("cp-1", cp.port());
        final JavaProcess node = binaries.node("node-1", List.of(cp));
        binaries.node("node-2", List.of(cp));
        await().atMost(Binaries.START_DEADLINE).until(() -> nodeIds(cp).equals(List.of("node-1", "node-2")));

        node.kill();
        await().atMost(LEASE_TTL).until(() -> nodeIds(cp).equals(List.of("node-2")));
    }

    @Test
    void nodeReRegistersOnItsOwnAfterTheControlPlaneRestarts() {
        final HostPort cp = Binaries.freeAddress();
        final JavaProcess controlPlane = binaries.controlPlane("cp-1", cp.port());
        final JavaProcess node = binaries.node("node-1", List.of(cp));
        await().atMost(Binaries.START_DEADLINE).until(() -> nodeIds(cp).equals(List.of("node-1")));
        // The entry is in etcd before the Welcome reaches the node: a kill in between is a failed registration.
        node.awaitOutput("registered with control plane", Binaries.START_DEADLINE);

        controlPlane.kill();
        node.awaitOutput("link with the control plane ended", Binaries.START_DEADLINE);
        binaries.controlPlane("cp-1b", cp.port());

        await().atMost(Binaries.START_DEADLINE)
                .ignoreExceptions()
                .until(() -> controlPlaneOf(cp, "node-1").equals("cp-1b"));
        assertThat(node.isAlive()).isTrue();
    }

    @Test
    void nodeFailsOverToTheNextReplicaAndKeepsItsEntry() {
        final HostPort first = Binaries.freeAddress();
        final HostPort second = Binaries.freeAddress();
        final JavaProcess cp1 = binaries.controlPlane("cp-1", first.port());
        binaries.controlPlane("cp-2", second.port());
        binaries.node("node-1", List.of(first, second));
        await().atMost(Binaries.START_DEADLINE)
                .until(() -> controlPlaneOf(second, "node-1").equals("cp-1"));

        cp1.kill();
        // The old session's lease is not revoked by anyone; the node's entry must never disappear meanwhile.
        await().atMost(Binaries.START_DEADLINE)
                .failFast(
                        "node-1 vanished from the registry during failover",
                        () -> !nodeIds(second).contains("node-1"))
                .until(() -> controlPlaneOf(second, "node-1").equals("cp-2"));
        await().during(LEASE_TTL.plusMillis(500))
                .atMost(LEASE_TTL.multipliedBy(3))
                .until(() -> nodeIds(second).contains("node-1"));
    }

    private List<String> nodeIds(final HostPort cp) {
        try (AdminClient admin = binaries.admin(List.of(cp), 2_000)) {
            return admin.listNodes().getNodesList().stream()
                    .map(n -> n.getNode().getNodeId())
                    .toList();
        }
    }

    private String controlPlaneOf(final HostPort cp, final String nodeId) {
        try (AdminClient admin = binaries.admin(List.of(cp), 2_000)) {
            return admin.listNodes().getNodesList().stream()
                    .filter(n -> n.getNode().getNodeId().equals(nodeId))
                    .map(NodeStatus::getControlplaneId)
                    .findFirst()
                    .orElse("");
        }
    }
}
