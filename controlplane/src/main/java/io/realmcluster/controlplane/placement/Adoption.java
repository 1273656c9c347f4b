package io.realmcluster.controlplane.placement;

import java.time.Duration;

/**
 * A grace during which the leader leaves alone what absent nodes ran, so that nodes whose leases lapsed while the
 * leader itself was not serving (paused, starved, newly elected, cut off from etcd) can register again and keep
 * their maps. A node that really died during the grace waits for its end too: the grace cannot tell the two apart.
 */
public record Adoption(long untilMillis) {
    /** No grace: absent nodes' maps are moved or closed at once. */
    public static final Adoption NONE = new Adoption(0);

    /** Whether an action about an absent node waits at {@code nowMillis}. */
    public boolean running(final long nowMillis) {
        return nowMillis < untilMillis;
    }

    /** The wait of {@code key} until the grace ends. */
    PlacementAction.Wait waitFor(final String key, final long nowMillis) {
        return new PlacementAction.Wait(key, Duration.ofMillis(Math.max(1, untilMillis - nowMillis)));
    }
}
