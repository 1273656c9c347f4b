package io.realmcluster.controlplane.placement;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the leader gives absent nodes a grace to register again before it moves what they ran: when this replica
 * gains leadership, when a pass begins much later than scheduled (this process was paused or starved, so node
 * leases may have lapsed for want of this replica's own renewals), and when etcd answers again after a stretch of
 * failed passes. Owned by the placement controller's thread.
 */
final class AdoptionGrace {
    private static final Logger LOG = LoggerFactory.getLogger(AdoptionGrace.class);
    /** A pass this much later than the previous one began means the process was not running meanwhile. */
    private static final Duration MIN_LATE = Duration.ofSeconds(3);
    /** Passes in a row that could not reach etcd before its return starts a grace. */
    static final int ETCD_FAILED_PASSES = 1;

    private final Duration grace;
    private final long lateMillis;
    /** Written by the controller's thread only; volatile for {@link #holdsBack}. */
    private volatile long lastPassMillis = -1;

    private volatile long untilMillis;
    private int etcdFailedPasses;

    /** @param grace about one node lease TTL plus a heartbeat interval: long enough for a live node to re-register */
    AdoptionGrace(final Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("adoption grace must not be negative, got " + grace);
        }
        this.grace = grace;
        this.lateMillis = Math.max(MIN_LATE.toMillis(), grace.toMillis() / 2);
    }

    /** This replica has just become the leader. */
    void elected(final long nowMillis) {
        start(nowMillis, "this replica became the leader");
    }

    /** A pass begins (leading or not): one much later than the previous means this process stood still. */
    void passBegins(final long nowMillis) {
        final long since = lastPassMillis < 0 ? 0 : nowMillis - lastPassMillis;
        lastPassMillis = nowMillis;
        if (since > lateMillis) {
            start(nowMillis, "this replica's previous pass began " + since + " ms ago: it was paused or starved");
        }
    }

    /** A pass could not read or write etcd. */
    void etcdFailed() {
        etcdFailedPasses++;
    }

    /** A pass read the cluster from etcd. */
    void etcdAnswered(final long nowMillis) {
        if (etcdFailedPasses >= ETCD_FAILED_PASSES) {
            start(nowMillis, "etcd answers again after " + etcdFailedPasses + " passes without it");
        }
        etcdFailedPasses = 0;
    }

    /** This replica no longer leads: a grace it ran ends with it, and the next election starts another. */
    void deposed() {
        untilMillis = 0;
    }

    /**
     * Whether, at {@code nowMillis}, whatever acts because a node is absent (the character sweeper too) should hold
     * back: during a grace, and when the controller's passes stand still (this process was just paused, and its
     * late pass that starts the grace may not have run yet). Any thread.
     */
    boolean holdsBack(final long nowMillis) {
        final long last = lastPassMillis;
        return nowMillis < untilMillis || (last >= 0 && nowMillis - last > lateMillis);
    }

    /** The grace as of {@code nowMillis}, for {@link PlacementDecisions}; says once when it ends. */
    Adoption adoption(final long nowMillis) {
        if (untilMillis == 0) {
            return Adoption.NONE;
        }
        if (nowMillis >= untilMillis) {
            untilMillis = 0;
            LOG.info("adoption grace over: nodes still absent are taken for dead");
            return Adoption.NONE;
        }
        return new Adoption(untilMillis);
    }

    private void start(final long nowMillis, final String why) {
        if (grace.isZero()) {
            return;
        }
        final long until = nowMillis + grace.toMillis();
        if (until > untilMillis) {
            if (untilMillis == 0) {
                LOG.info(
                        "adopting: giving nodes {} s to re-register before moving what absent nodes ran ({})",
                        String.format("%.1f", grace.toMillis() / 1000.0),
                        why);
            }
            untilMillis = until;
        }
    }
}
