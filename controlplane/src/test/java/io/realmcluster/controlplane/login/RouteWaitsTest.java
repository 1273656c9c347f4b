package io.realmcluster.controlplane.login;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.proto.v1.Endpoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RouteWaitsTest {
    private static final RouteWaits.Key MAIN_0 = new RouteWaits.Key("main", 0);
    private static final RouteWaits.Key MAIN_1 = new RouteWaits.Key("main", 1);

    private final Set<RouteWaits.Key> running = new HashSet<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(1_000);
    private final List<String> ended = new ArrayList<>();
    private final RouteWaits waits = new RouteWaits(
            (realm, mapId, owner) -> {
                lookups.incrementAndGet();
                if (!running.contains(new RouteWaits.Key(realm, mapId))) {
                    throw new RouteNotReady(realm, mapId, "not yet");
                }
                return new CharacterRouter.Route("node-2", Endpoint.getDefaultInstance(), realm + "." + mapId);
            },
            3,
            now::get,
            null,
            new PrometheusRegistry());

    @Test
    void eachWaitGoesOnOnceItsMapRunsOrEndsAtItsDeadlineAndEachMapIsLookedUpOncePerCheck() {
        assertThat(waits.await(MAIN_0, 2_000, routed("a"), expired("a"))).isTrue();
        assertThat(waits.await(MAIN_0, 2_000, routed("b"), expired("b"))).isTrue();
        assertThat(waits.await(MAIN_1, 1_500, routed("c"), expired("c"))).isTrue();

        waits.check();
        assertThat(ended).isEmpty();
        assertThat(lookups).as("one look per map").hasValue(2);

        running.add(MAIN_0);
        now.set(1_600);
        waits.check();
        assertThat(ended).containsExactly("a routed", "b routed", "c expired");
        assertThat(waits.waiting()).isZero();
    }

    @Test
    void aWaitWhoseResumeFindsNoRoomStaysForTheNextCheck() {
        final AtomicBoolean room = new AtomicBoolean(false);
        waits.await(
                MAIN_0,
                2_000,
                () -> {
                    if (room.get()) {
                        ended.add("a routed");
                    }
                    return room.get();
                },
                expired("a"));
        running.add(MAIN_0);
        waits.check();
        assertThat(ended).isEmpty();
        assertThat(waits.waiting()).isEqualTo(1);

        room.set(true);
        waits.check();
        assertThat(ended).containsExactly("a routed");
    }

    @Test
    void pastItsCapacityAWaitIsRefusedAndClosingEndsEveryWait() {
        for (int i = 0; i < 3; i++) {
            assertThat(waits.await(MAIN_0, 2_000, routed("w" + i), expired("w" + i)))
                    .isTrue();
        }
        assertThat(waits.await(MAIN_0, 2_000, routed("x"), expired("x"))).isFalse();
        assertThat(waits.waiting()).isEqualTo(3);

        waits.close();
        assertThat(ended).containsExactly("w0 expired", "w1 expired", "w2 expired");
        assertThat(waits.waiting()).isZero();
    }

    private java.util.function.BooleanSupplier routed(final String name) {
        return () -> ended.add(name + " routed");
    }

    private Runnable expired(final String name) {
        return () -> ended.add(name + " expired");
    }
}
