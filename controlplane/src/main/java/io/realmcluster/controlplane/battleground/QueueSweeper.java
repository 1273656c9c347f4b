package io.realmcluster.controlplane.battleground;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.NotLeaderException;
import io.realmcluster.proto.v1.QueueTicket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader, every few seconds: drops the tickets of players who logged out while queued and
 * did not come back within the grace (vanilla kept a place for a minute). A replica that does not
 * lead does nothing; a failed pass is retried at the next.
 */
public final class QueueSweeper implements AutoCloseable {
    /** How long a player who logged out keeps its place. */
    public static final Duration AWAY_GRACE = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(QueueSweeper.class);
    private static final Duration EVERY = Duration.ofSeconds(5);

    private final QueueStore queue;
    private final Supplier<Leadership> leadership;
    private final Duration grace;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("queue-sweeper", true));

    /** {@code leadership}: this replica's, null while it does not lead. */
    public QueueSweeper(final QueueStore queue, final Supplier<Leadership> leadership, final Duration grace) {
        this.queue = queue;
        this.leadership = leadership;
        this.grace = grace;
    }

    public QueueSweeper start() {
        thread.scheduleWithFixedDelay(this::sweep, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One pass (tests call it directly). */
    void sweep() {
        final Leadership leader = leadership.get();
        if (leader == null) {
            return;
        }
        try {
            for (final QueueTicket gone : queue.expireAway(leader, grace.toMillis())) {
                LOG.info(
                        "dropped ticket {} for {} (away longer than {} s)",
                        gone.getTicketId(),
                        gone.getBattleground(),
                        grace.toSeconds());
            }
        } catch (final NotLeaderException | EtcdUnavailableException e) {
            LOG.debug("queue sweep skipped: {}", e.getMessage());
        } catch (final RuntimeException e) {
            LOG.warn("queue sweep failed; next in {} s", EVERY.toSeconds(), e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
