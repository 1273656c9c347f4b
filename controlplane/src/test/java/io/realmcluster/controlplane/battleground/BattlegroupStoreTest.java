package io.realmcluster.controlplane.battleground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.Battlegroup;
import io.realmcluster.testkit.EtcdExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Battlegroups in a real etcd: a realm in at most one, even when operators write at once. */
class BattlegroupStoreTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private final Keys keys = new Keys("/battlegroups-" + UUID.randomUUID());
    private final EtcdStore etcd =
            EtcdStore.connect(List.of(URI.create(ETCD.endpoint())), Duration.ofSeconds(5), new PrometheusRegistry());
    private final BattlegroupStore store = new BattlegroupStore(etcd, keys);

    @AfterEach
    void close() {
        etcd.close();
    }

    private static Battlegroup group(final String name, final String... realms) {
        return Battlegroup.newBuilder()
                .setName(name)
                .addAllRealms(List.of(realms))
                .build();
    }

    @Test
    void aBattlegroupIsStoredListedReplacedAndDeleted() {
        store.put(group("ruin", "main", "second"));
        store.put(group("alpha", "third"));
        assertThat(store.list()).containsExactly(group("alpha", "third"), group("ruin", "main", "second"));

        // Replaced: "second" leaves ruin and is free for another battlegroup.
        store.put(group("ruin", "main", "main"));
        assertThat(store.get("ruin")).contains(group("ruin", "main"));
        store.put(group("alpha", "third", "second"));
        assertThat(store.get("alpha")).contains(group("alpha", "third", "second"));

        assertThat(store.delete("ruin")).contains(group("ruin", "main"));
        assertThat(store.delete("ruin")).isEmpty();
        // Its realm is free again.
        store.put(group("beta", "main"));
        assertThat(store.list()).extracting(Battlegroup::getName).containsExactly("alpha", "beta");
    }

    @Test
    void aRealmInAnotherBattlegroupIsRefusedAndNothingChanges() {
        store.put(group("ruin", "main", "second"));
        assertThatThrownBy(() -> store.put(group("other", "third", "second")))
                .isInstanceOf(BattlegroupStore.Refused.class)
                .hasMessageContaining("realm second is in battlegroup ruin")
                .matches(e -> ((BattlegroupStore.Refused) e).conflict());
        assertThat(store.get("other")).isEmpty();
        assertThat(store.list()).containsExactly(group("ruin", "main", "second"));
        // "third" was not taken by the refused write.
        store.put(group("another", "third"));
    }

    @Test
    void malformedNamesAndEmptyRealmListsAreRefused() {
        for (final Battlegroup bad : List.of(
                group("Ruin", "main"), group("", "main"), group("a/b", "main"), group("ruin"), group("ruin", ""))) {
            assertThatThrownBy(() -> store.put(bad))
                    .isInstanceOf(BattlegroupStore.Refused.class)
                    .matches(e -> !((BattlegroupStore.Refused) e).conflict());
        }
        assertThat(store.list()).isEmpty();
    }

    @Test
    void twoOperatorsClaimingOneRealmAtOnceLeaveItInExactlyOneBattlegroup() throws Exception {
        final ExecutorService operators = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                final String realm = "contested" + round;
                final CountDownLatch go = new CountDownLatch(1);
                final List<Future<Boolean>> tries = new ArrayList<>();
                for (int op = 0; op < 8; op++) {
                    final String name = "group-" + round + "-" + op;
                    tries.add(operators.submit(() -> {
                        go.await();
                        try {
                            store.put(group(name, realm));
                            return true;
                        } catch (final BattlegroupStore.Refused e) {
                            return false;
                        }
                    }));
                }
                go.countDown();
                int won = 0;
                for (final Future<Boolean> each : tries) {
                    won += each.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                final int round0 = round;
                assertThat(won).as("round %d", round0).isEqualTo(1);
                assertThat(store.list().stream().filter(g -> g.getRealmsList().contains(realm)))
                        .hasSize(1);
            }
        } finally {
            operators.shutdownNow();
        }
    }
}
