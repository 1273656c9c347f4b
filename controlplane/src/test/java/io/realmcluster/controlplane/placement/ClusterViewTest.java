package io.realmcluster.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.testkit.EtcdExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The watched view of the cluster against a real etcd: this replica's writes at once, others' soon. */
class ClusterViewTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Keys keys = new Keys("/view-" + UUID.randomUUID());
    private final EtcdStore replica = connect();
    private final EtcdStore otherReplica = connect();
    private final AtomicInteger changes = new AtomicInteger();
    private final ClusterView view = new ClusterView(replica, keys, changes::incrementAndGet);

    @AfterEach
    void close() {
        view.close();
        replica.close();
        otherReplica.close();
    }

    @Test
    void everyWriteOfThisReplicaShowsInItsVeryNextRead() {
        view.start();
        for (int i = 0; i < 20; i++) {
            replica.put(keys.node("n" + i), node("n" + i), 0);
            assertThat(view.current().nodes()).containsKey("n" + i);
            replica.put(keys.cordon("n" + i), Keys.bytes("cordoned"), 0);
            assertThat(view.current().isCordoned("n" + i)).isTrue();
            replica.delete(keys.cordon("n" + i));
            assertThat(view.current().isCordoned("n" + i)).isFalse();
        }
    }

    @Test
    void anotherReplicasWriteShowsOnceTheWatchBringsItAndWakesTheListener() {
        view.start();
        await().atMost(TIMEOUT).until(() -> changes.get() > 0);
        final int before = changes.get();
        final long revision = otherReplica.put(keys.node("elsewhere"), node("elsewhere"), 0);
        assertThat(view.atLeast(revision).nodes()).containsKey("elsewhere");
        // The listener runs on the watch's thread just after the view publishes the revision.
        await().atMost(TIMEOUT).until(() -> changes.get() > before);

        otherReplica.delete(keys.node("elsewhere"));
        await().atMost(TIMEOUT).until(() -> view.current().nodes().isEmpty());
    }

    @Test
    void aPrefixListsAsEtcdWouldWithModRevisionsAndThisReplicasOwnWritesAtOnce() {
        view.start();
        replica.put(keys.queueTicket("b"), Keys.bytes("2"), 0);
        replica.put(keys.queueTicket("a"), Keys.bytes("1"), 0);
        replica.put(keys.match("m"), Keys.bytes("match"), 0);
        assertThat(view.list(keys.queueTickets()).stream().map(ClusterViewTest::text))
                .as("the view's list is etcd's: same keys, order, values and revisions")
                .containsExactlyElementsOf(replica.list(keys.queueTickets()).stream()
                        .map(ClusterViewTest::text)
                        .toList())
                .hasSize(2)
                .first()
                .asString()
                .contains("=1@");
        replica.delete(keys.queueTicket("a"));
        assertThat(view.list(keys.queueTickets()))
                .extracting(kv -> kv.getValue().toString())
                .containsExactly("2");
        assertThat(view.list(keys.matches())).hasSize(1);
    }

    @Test
    void theQueuesChurnWakesTheBattlegroundListenerAloneAndANodesChangeThePlacementOne() {
        final AtomicInteger placement = new AtomicInteger();
        final AtomicInteger battlegrounds = new AtomicInteger();
        try (ClusterView split =
                new ClusterView(replica, keys, placement::incrementAndGet, battlegrounds::incrementAndGet)) {
            split.start();
            await().atMost(TIMEOUT).until(() -> placement.get() > 0 && battlegrounds.get() > 0);
            final int placementBefore = placement.get();
            final int battlegroundsBefore = battlegrounds.get();
            for (int i = 0; i < 5; i++) {
                replica.put(keys.queueTicket("t" + i), Keys.bytes("ticket"), 0);
                replica.put(keys.match("m" + i), Keys.bytes("match"), 0);
            }
            assertThat(split.list(keys.matches())).hasSize(5);
            await().atMost(TIMEOUT).until(() -> battlegrounds.get() > battlegroundsBefore);
            assertThat(placement.get()).as("no placement wake for the queue").isEqualTo(placementBefore);

            replica.put(keys.node("n"), node("n"), 0);
            assertThat(split.current().nodes()).containsKey("n");
            await().atMost(TIMEOUT).until(() -> placement.get() > placementBefore);
        }
    }

    private static String text(final io.etcd.jetcd.KeyValue kv) {
        return kv.getKey() + "=" + kv.getValue() + "@" + kv.getModRevision();
    }

    @Test
    void whatWasThereBeforeTheViewStartedIsInIt() {
        otherReplica.put(keys.node("early"), node("early"), 0);
        view.start();
        assertThat(view.atLeast(0).nodes()).containsOnlyKeys("early");
    }

    @Test
    void withEtcdDownTheViewAsLastSeenIsStillThereForReadsThatMayBeStale() {
        assertThat(view.lastKnown()).as("nothing seen yet").isNull();
        replica.put(keys.node("seen"), node("seen"), 0);
        view.start();
        assertThat(view.current().nodes()).containsOnlyKeys("seen");
        ETCD.process().kill();
        try {
            assertThat(view.lastKnown().nodes())
                    .as("as it was before etcd went")
                    .containsOnlyKeys("seen");
            assertThatThrownBy(() -> replica.put(keys.node("unseen"), node("unseen"), 0))
                    .isInstanceOf(EtcdUnavailableException.class);
            assertThat(view.lastKnown().nodes()).containsOnlyKeys("seen");
        } finally {
            ETCD.process().restart();
        }
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> view.current().nodes().containsKey("seen"));
    }

    @Test
    void aViewThatHasNotListedYetAnswersUnavailableNotAnEmptyCluster() {
        assertThatThrownBy(view::current)
                .isInstanceOf(EtcdUnavailableException.class)
                .hasMessageContaining("has not listed its keys");
    }

    private static ByteSequence node(final String id) {
        return ByteSequence.from(NodeStatus.newBuilder()
                .setNode(NodeDescriptor.newBuilder().setNodeId(id))
                .build()
                .toByteArray());
    }

    private static EtcdStore connect() {
        return EtcdStore.connect(List.of(URI.create(ETCD.endpoint())), TIMEOUT, new PrometheusRegistry());
    }
}
