package io.realmcluster.controlplane.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.controlplane.etcd.NotLeaderException;
import io.realmcluster.proto.v1.ControlPlaneReplica;
import io.realmcluster.testkit.EtcdExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A leader whose lease is gone (as after a long pause) can no longer write; its successor can. */
class FencingTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @Test
    void aDeposedLeadersFencedWriteFailsAndTheNewLeadersSucceeds() throws Exception {
        try (EtcdStore store = EtcdStore.connect(
                List.of(URI.create(ETCD.endpoint())), Duration.ofSeconds(10), new PrometheusRegistry())) {
            final Keys keys = new Keys("/fencing-" + UUID.randomUUID());
            final CompletableFuture<Leadership> first = new CompletableFuture<>();
            final CompletableFuture<Leadership> second = new CompletableFuture<>();
            try (LeaderElection a = election(store, keys, "cp-a", first);
                    LeaderElection b = election(store, keys, "cp-b", second)) {
                a.start();
                final Leadership old = first.get(10, TimeUnit.SECONDS);
                b.start();
                final Op write = Op.put(Keys.bytes(keys.root() + "probe"), Keys.bytes("x"), PutOption.DEFAULT);
                assertThat(store.fencedTxn(old.fence(), List.of(), List.of(write)))
                        .isNotNull();

                // What a paused leader finds when it wakes: its lease expired and its key went with it.
                store.revokeLease(old.leaseId());
                final Leadership successor = second.get(10, TimeUnit.SECONDS);
                assertThatThrownBy(() -> store.fencedTxn(old.fence(), List.of(), List.of(write)))
                        .isInstanceOf(NotLeaderException.class);
                assertThat(store.fencedTxn(successor.fence(), List.of(), List.of(write)))
                        .isNotNull();
                assertThat(new ControlPlanes(store, keys).leaderId()).isEqualTo("cp-b");
            }
        }
    }

    private static LeaderElection election(
            final EtcdStore store, final Keys keys, final String id, final CompletableFuture<Leadership> won) {
        return new LeaderElection(
                store,
                keys,
                ControlPlaneReplica.newBuilder().setId(id).build(),
                Duration.ofSeconds(2),
                new LeaderElection.Listener() {
                    @Override
                    public void elected(final Leadership leadership) {
                        won.complete(leadership);
                    }

                    @Override
                    public void deposed(final String reason, final boolean resigned) {
                        // Not under test here.
                    }
                });
    }
}
