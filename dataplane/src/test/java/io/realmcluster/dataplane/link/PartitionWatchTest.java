package io.realmcluster.dataplane.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.proto.v1.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A node cut off alone closes its maps; a control plane away for everyone, or peers that do not answer, do not. */
class PartitionWatchTest {
    private static final long TTL_MS = 6_000;
    private static final Endpoint PEER_A =
            Endpoint.newBuilder().setHost("10.0.0.2").setPort(7411).build();
    private static final Endpoint PEER_B =
            Endpoint.newBuilder().setHost("10.0.0.3").setPort(7411).build();

    private long now = TimeUnit.SECONDS.toNanos(1_000);
    private long heard = now;
    private List<Endpoint> peers = List.of(PEER_A, PEER_B);
    /** What each peer answers; absent: it does not answer. */
    private final Map<Endpoint, Long> answers = new HashMap<>();

    private final List<Endpoint> asked = new ArrayList<>();
    private final AtomicInteger closes = new AtomicInteger();
    private final PartitionWatch watch = new PartitionWatch(
            "node-1",
            new PartitionWatch.Link() {
                @Override
                public long heardNanos() {
                    return heard;
                }

                @Override
                public long leaseTtlMillis() {
                    return TTL_MS;
                }

                @Override
                public List<Endpoint> peers() {
                    return peers;
                }
            },
            this::answer,
            closes::incrementAndGet,
            () -> now);

    private OptionalLong answer(final Endpoint peer, final Duration deadline) {
        asked.add(peer);
        final Long heardAgo = answers.get(peer);
        return heardAgo == null ? OptionalLong.empty() : OptionalLong.of(heardAgo);
    }

    private boolean checkAfter(final long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
        return watch.check();
    }

    @Test
    void aNodeThatHearsTheControlPlaneAsksNobody() {
        for (int i = 0; i < 10; i++) {
            heard = now;
            assertThat(checkAfter(1_000)).isFalse();
        }
        assertThat(asked).isEmpty();
        assertThat(closes).hasValue(0);
    }

    @Test
    void cutOffAloneWhileAPeerHearsTheControlPlaneItClosesItsMapsOnceAfterThreeAnswersInARow() {
        answers.put(PEER_B, 300L);
        assertThat(checkAfter(TTL_MS)).as("within the lease and its margin").isFalse();
        assertThat(asked).isEmpty();
        assertThat(checkAfter(PartitionWatch.PAST_LEASE_MS + 1)).isFalse();
        assertThat(asked).as("the first peer does not answer, the next does").containsExactly(PEER_A, PEER_B);
        assertThat(checkAfter(1_000)).isFalse();
        assertThat(checkAfter(1_000)).isTrue();
        assertThat(closes).hasValue(1);
        assertThat(watch.closedCount()).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            assertThat(checkAfter(1_000)).as("once per silence").isFalse();
        }
        assertThat(closes).hasValue(1);

        // Heard again (registered anew), then cut off again: closes again.
        heard = now;
        assertThat(checkAfter(TTL_MS + PartitionWatch.PAST_LEASE_MS + 1)).isFalse();
        assertThat(checkAfter(1_000)).isFalse();
        assertThat(checkAfter(1_000)).isTrue();
        assertThat(closes).hasValue(2);
    }

    @Test
    void aControlPlaneAwayForEveryoneClosesNothing() {
        // Peers answer, but they have not heard it for as long: it is paused, or etcd is away.
        answers.put(PEER_A, TTL_MS + 2_000);
        answers.put(PEER_B, TTL_MS + 2_000);
        now += TimeUnit.MILLISECONDS.toNanos(TTL_MS + PartitionWatch.PAST_LEASE_MS);
        for (int i = 0; i < 30; i++) {
            answers.replaceAll((peer, ago) -> ago + 1_000);
            assertThat(checkAfter(1_000)).isFalse();
        }
        assertThat(closes).hasValue(0);
    }

    @Test
    void peersThatDoNotAnswerOrNoPeersAtAllCloseNothing() {
        now += TimeUnit.MILLISECONDS.toNanos(TTL_MS + PartitionWatch.PAST_LEASE_MS);
        for (int i = 0; i < 10; i++) {
            assertThat(checkAfter(1_000)).isFalse();
        }
        peers = List.of();
        for (int i = 0; i < 10; i++) {
            assertThat(checkAfter(1_000)).isFalse();
        }
        assertThat(closes).hasValue(0);
    }

    @Test
    void aPeerThatNeverRegisteredIsNoWitness() {
        answers.put(PEER_A, -1L);
        now += TimeUnit.MILLISECONDS.toNanos(TTL_MS + PartitionWatch.PAST_LEASE_MS);
        for (int i = 0; i < 10; i++) {
            assertThat(checkAfter(1_000)).isFalse();
        }
        assertThat(closes).hasValue(0);
    }

    @Test
    void hearingTheControlPlaneAgainBeforeTheThirdAnswerKeepsTheMaps() {
        answers.put(PEER_A, 100L);
        assertThat(checkAfter(TTL_MS + PartitionWatch.PAST_LEASE_MS + 1)).isFalse();
        assertThat(checkAfter(1_000)).isFalse();
        // A node that ran again after a pause registers before the third answer.
        heard = now;
        assertThat(checkAfter(1_000)).isFalse();
        assertThat(checkAfter(TTL_MS)).isFalse();
        assertThat(closes).hasValue(0);
    }

    @Test
    void aNodeThatNeverRegisteredWatchesNothing() {
        heard = 0;
        answers.put(PEER_A, 100L);
        for (int i = 0; i < 20; i++) {
            assertThat(checkAfter(1_000)).isFalse();
        }
        assertThat(asked).isEmpty();
    }
}
