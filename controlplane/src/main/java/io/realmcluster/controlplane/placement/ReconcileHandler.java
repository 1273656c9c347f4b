package io.realmcluster.controlplane.placement;

import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.NotLeaderException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a pass's actions key by key, as controller-runtime's reconcileHandler: a key whose action
 * throws backs off alone (exponentially, capped, until it succeeds), logged once per streak of
 * failures, and the other keys go on. Lost leadership and an unreachable etcd are no key's fault:
 * they end the pass. Runs on the controller's thread only.
 */
final class ReconcileHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileHandler.class);

    private final FailureBackoff backoff;
    private final Duration cap;

    ReconcileHandler(final InstantSource clock, final Duration base, final Duration cap) {
        this.backoff = new FailureBackoff(clock, base, cap);
        this.cap = cap;
    }

    /**
     * Take the actions {@code decide} returns, each key at most once, skipping keys that back off. One
     * decision serves the whole pass: each action is decided as if those before it were done, and each
     * write is conditioned on what it was decided from, so a write that finds something changed does
     * nothing and the next pass (which the write's own watch event wakes) decides again from the new
     * state. A dead node's hundred instances are a hundred writes after one decision, not a hundred
     * decisions over the whole cluster. Returns when the next pass is due: after {@code resync}, or
     * sooner when an action asks to be retried or a backoff ends.
     *
     * @throws NotLeaderException when a fenced write found the leadership gone.
     * @throws EtcdUnavailableException when etcd did not answer.
     */
    Duration run(
            final Supplier<List<PlacementAction>> decide,
            final Function<PlacementAction, Reconciled> take,
            final Duration resync) {
        final List<PlacementAction> actions = decide.get();
        // A key with no action left has nothing to retry.
        backoff.retainOnly(actions.stream().map(PlacementAction::key).toList());
        final Set<String> taken = new HashSet<>();
        Duration next = resync;
        int written = 0;
        for (final PlacementAction action : actions) {
            final String key = action.key();
            if (backoff.backingOff(key) || !taken.add(key)) {
                continue;
            }
            final Reconciled result;
            try {
                result = take.apply(action);
            } catch (final NotLeaderException | EtcdUnavailableException e) {
                throw e;
            } catch (final RuntimeException e) {
                failed(key, e);
                continue;
            }
            final int failures = backoff.succeeded(key);
            if (failures > 0) {
                LOG.info("reconciled {} after {} failures in a row", key, failures);
            }
            next = earlier(next, result.retryAfter());
            if (result.written()) {
                written++;
            }
        }
        LOG.debug("{} keys taken, {} written", taken.size(), written);
        return earlier(next, backoff.nextRetry());
    }

    /** Forget every streak: leadership ended, and the next leader starts afresh. */
    void clear() {
        backoff.clear();
    }

    private void failed(final String key, final RuntimeException e) {
        final int failures = backoff.failed(key);
        if (failures == 1) {
            LOG.error(
                    "reconciling {} failed; retrying it after {} ms, doubling up to {} s, while the others go on"
                            + " (logged again once it succeeds)",
                    key,
                    backoff.delay(1).toMillis(),
                    cap.toSeconds(),
                    e);
        } else {
            LOG.debug("reconciling {} failed again ({} in a row): {}", key, failures, e.toString());
        }
    }

    private static Duration earlier(final Duration a, final Duration b) {
        return b != null && b.compareTo(a) < 0 ? b : a;
    }
}
