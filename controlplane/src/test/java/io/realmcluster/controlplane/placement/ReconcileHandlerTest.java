package io.realmcluster.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.realmcluster.controlplane.etcd.NotLeaderException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One instance's failures stay its own: the clock is the test's, so backoff takes no real time. */
class ReconcileHandlerTest {
    private static final Duration RESYNC = Duration.ofSeconds(10);
    private static final Duration BASE = Duration.ofMillis(500);
    private static final Duration CAP = Duration.ofSeconds(4);

    private final long[] now = {0};
    private final InstantSource clock = () -> Instant.ofEpochMilli(now[0]);
    private final ReconcileHandler handler = new ReconcileHandler(clock, BASE, CAP);
    private final Set<String> failing = new HashSet<>();
    private final List<String> taken = new ArrayList<>();
    private final Function<PlacementAction, Reconciled> take = action -> {
        taken.add(action.key());
        if (failing.contains(action.key())) {
            throw new IllegalStateException("cannot reconcile " + action.key());
        }
        return Reconciled.wrote();
    };
    private final Logger log = (Logger) LoggerFactory.getLogger(ReconcileHandler.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        logged.start();
        log.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        log.detachAppender(logged);
    }

    @Test
    void aFailingInstanceBacksOffAloneWhileTheOthersGoOn() {
        failing.add("b");
        assertThat(pass("a", "b", "c")).as("next pass when b's backoff ends").isEqualTo(BASE);
        assertThat(taken).containsExactly("a", "b", "c");

        taken.clear();
        now[0] += 499;
        pass("a", "b", "c");
        assertThat(taken).as("b waits out its backoff").containsExactly("a", "c");

        taken.clear();
        now[0] += 1;
        pass("a", "b", "c");
        assertThat(taken).containsExactly("a", "b", "c");
    }

    @Test
    void theWaitDoublesAtEachFailureUpToTheCapAndASuccessEndsTheStreak() {
        failing.add("b");
        final List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            final Duration wait = pass("b");
            waits.add(wait);
            now[0] += wait.toMillis();
        }
        assertThat(waits)
                .containsExactly(
                        Duration.ofMillis(500), Duration.ofMillis(1000), Duration.ofMillis(2000), CAP, CAP, CAP);

        failing.clear();
        assertThat(pass("b")).isEqualTo(RESYNC);
        failing.add("b");
        assertThat(pass("b")).as("a new streak starts from the base").isEqualTo(BASE);
    }

    @Test
    void aFailureIsLoggedOncePerStreak() {
        failing.add("b");
        for (int i = 0; i < 5; i++) {
            pass("a", "b");
            now[0] += CAP.toMillis();
        }
        assertThat(errors()).singleElement().satisfies(e -> assertThat(e).contains("reconciling b failed"));

        failing.clear();
        pass("a", "b");
        assertThat(logged.list)
                .filteredOn(e -> e.getLevel() == Level.INFO)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("reconciled b after 5 failures in a row");

        failing.add("b");
        pass("a", "b");
        assertThat(errors()).as("a new streak is logged again").hasSize(2);
    }

    @Test
    void anInstanceAskingForALaterLookSetsTheNextPass() {
        final Function<PlacementAction, Reconciled> waiting = action ->
                action.key().equals("idle") ? Reconciled.retryAfter(Duration.ofMillis(300)) : Reconciled.done();
        assertThat(handler.run(() -> actions("a", "idle"), waiting, RESYNC)).isEqualTo(Duration.ofMillis(300));
        assertThat(handler.run(() -> actions("a"), waiting, RESYNC)).isEqualTo(RESYNC);
    }

    @Test
    void lostLeadershipEndsThePass() {
        final Function<PlacementAction, Reconciled> deposed = action -> {
            taken.add(action.key());
            throw new NotLeaderException();
        };
        assertThatThrownBy(() -> handler.run(() -> actions("a", "b"), deposed, RESYNC))
                .isInstanceOf(NotLeaderException.class);
        assertThat(taken).containsExactly("a");
        assertThat(errors()).isEmpty();
    }

    @Test
    void anInstanceWithNothingLeftToDoForgetsItsFailures() {
        failing.add("b");
        pass("a", "b");
        pass("a");
        failing.clear();
        taken.clear();
        pass("a", "b");
        assertThat(taken).as("b is not held back by a streak it left").containsExactly("a", "b");
    }

    @Test
    void onePassTakesEveryActionOfOneDecisionEachKeyOnce() {
        final List<List<PlacementAction>> decisions =
                new ArrayList<>(List.of(actions("a", "b", "a", "c"), actions("a", "c", "d")));
        handler.run(() -> decisions.remove(0), take, RESYNC);
        assertThat(taken)
                .as("every key of the decision once, though each was written")
                .containsExactly("a", "b", "c");
        assertThat(decisions)
                .as("decided once: the writes' watch events wake the next pass")
                .hasSize(1);
    }

    private Duration pass(final String... keys) {
        return handler.run(() -> actions(keys), take, RESYNC);
    }

    private static List<PlacementAction> actions(final String... keys) {
        final List<PlacementAction> actions = new ArrayList<>();
        for (final String key : keys) {
            actions.add(new PlacementAction.EndOrphanMove(key));
        }
        return actions;
    }

    private List<String> errors() {
        return logged.list.stream()
                .filter(e -> e.getLevel() == Level.ERROR)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
