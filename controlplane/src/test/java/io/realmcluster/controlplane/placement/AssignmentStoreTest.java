package io.realmcluster.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.testkit.EtcdExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Assignments in a real etcd: a new instance is written only where no instance is. */
class AssignmentStoreTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @Test
    void aNewInstanceNeverOverwritesOneWithTheSameId() throws Exception {
        try (EtcdStore store = EtcdStore.connect(
                List.of(URI.create(ETCD.endpoint())), Duration.ofSeconds(5), new PrometheusRegistry())) {
            final Keys keys = new Keys("/assignments-" + UUID.randomUUID());
            final ByteSequence leaderKey = ByteSequence.from(keys.root() + "/leader-test", StandardCharsets.UTF_8);
            final long revision = store.put(leaderKey, ByteSequence.from("me", StandardCharsets.UTF_8), 0);
            final Leadership leader = new Leadership(leaderKey, revision, 0);
            final AssignmentStore assignments = new AssignmentStore(store, keys);

            assertThat(assignments.place(leader, dungeon("main.36.0000abcd", "group-1", "node-1"), null))
                    .isNotNull();
            // The same id for another group (a collision of random ids): refused, the first one stays.
            assertThat(assignments.place(leader, dungeon("main.36.0000abcd", "group-2", "node-2"), null))
                    .isNull();
            final MapInstance stored = MapInstance.parseFrom(
                    store.get(keys.instance("main.36.0000abcd")).getValue().getBytes());
            assertThat(stored.getOwner()).isEqualTo("group-1");
            assertThat(stored.getNodeId()).isEqualTo("node-1");
        }
    }

    private static MapInstance dungeon(final String id, final String owner, final String node) {
        return MapInstance.newBuilder()
                .setInstanceId(id)
                .setMapId(36)
                .setKind(MapKind.MAP_KIND_DUNGEON)
                .setRealm("main")
                .setNodeId(node)
                .setOwner(owner)
                .setState(InstanceState.INSTANCE_STATE_PENDING)
                .build();
    }
}
