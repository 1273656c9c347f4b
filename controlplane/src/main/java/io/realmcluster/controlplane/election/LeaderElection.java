package io.realmcluster.controlplane.election;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.realmcluster.common.concurrent.Threads;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.ControlPlaneReplica;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's presence and candidacy: it registers itself under a lease it keeps alive, and
 * campaigns with etcd's election API on that lease. When the lease cannot be renewed within its
 * TTL the replica considers itself deposed at once (its key may already be gone) and starts over
 * with a new lease.
 *
 * <p>All state belongs to the {@code leader-election} thread.
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
    private static final long RETRY_MS = 500;

    /** What the replica does when it wins or loses. Called on the election thread; must not block long. */
    public interface Listener {
        void elected(Leadership leadership);

        /** No longer the leader: {@code resigned} when this replica stepped down itself (it is shutting down), not deposed. */
        void deposed(String reason, boolean resigned);
    }

    private final EtcdStore store;
    private final Keys keys;
    private final ControlPlaneReplica self;
    private final Duration leaseTtl;
    private final Listener listener;
    private final ScheduledExecutorService thread;

    private long leaseId;
    private long lastRenewedNanos;
    private CompletableFuture<CampaignResponse> campaign;
    private Leadership leadership;
    private boolean closed;

    public LeaderElection(
            final EtcdStore store,
            final Keys keys,
            final ControlPlaneReplica self,
            final Duration leaseTtl,
            final Listener listener) {
        this.store = store;
        this.keys = keys;
        this.self = self;
        this.leaseTtl = leaseTtl;
        this.listener = listener;
        this.thread = Threads.singleThread("leader-election");
    }

    public void start() {
        thread.execute(this::join);
        final long renewMs = Math.max(100, leaseTtl.toMillis() / 3);
        thread.scheduleWithFixedDelay(this::renew, renewMs, renewMs, TimeUnit.MILLISECONDS);
    }

    /** Grant a lease, announce this replica, and campaign. */
    private void join() {
        if (closed || leaseId != 0) {
            return;
        }
        try {
            leaseId = store.grantLease(leaseTtl);
            lastRenewedNanos = System.nanoTime();
            store.put(keys.controlPlane(self.getId()), ByteSequence.from(self.toByteArray()), leaseId);
        } catch (final EtcdUnavailableException e) {
            LOG.warn("cannot join the control plane in etcd ({}); retrying", e.getMessage());
            leaseId = 0;
            thread.schedule(this::join, RETRY_MS, TimeUnit.MILLISECONDS);
            return;
        }
        final long campaignLease = leaseId;
        campaign = store.client()
                .getElectionClient()
                .campaign(keys.election(), campaignLease, ByteSequence.from(self.getId(), StandardCharsets.UTF_8));
        campaign.whenComplete((response, error) -> {
            Threads.executeUnlessClosed(thread, () -> campaignEnded(campaignLease, response, error));
        });
    }

    private void campaignEnded(final long campaignLease, final CampaignResponse response, final Throwable error) {
        if (closed || campaignLease != leaseId) {
            return;
        }
        if (error != null) {
            LOG.warn("campaign for leadership failed ({}); starting over", error.getMessage());
            restart();
            return;
        }
        final LeaderKey key = response.getLeader();
        leadership = new Leadership(key.getKey(), key.getRevision(), campaignLease);
        LOG.info("control plane {} is the leader (election revision {})", self.getId(), key.getRevision());
        listener.elected(leadership);
    }

    private void renew() {
        if (closed || leaseId == 0) {
            return;
        }
        try {
            if (store.keepAliveOnce(leaseId) > 0) {
                lastRenewedNanos = System.nanoTime();
                return;
            }
            LOG.warn("lease of control plane {} expired", self.getId());
            restart();
        } catch (final EtcdUnavailableException e) {
            if (System.nanoTime() - lastRenewedNanos > leaseTtl.toNanos()) {
                LOG.warn(
                        "lease of control plane {} not renewed within its TTL ({}); assuming it expired",
                        self.getId(),
                        e.getMessage());
                restart();
            }
        }
    }

    /** Drop the old lease (and leadership with it), then join again. */
    private void restart() {
        final boolean wasLeader = leadership != null;
        leadership = null;
        if (campaign != null) {
            campaign.cancel(true);
            campaign = null;
        }
        final long old = leaseId;
        leaseId = 0;
        if (wasLeader) {
            listener.deposed("lease lost", false);
        }
        try {
            if (old != 0) {
                store.revokeLease(old);
            }
        } catch (final EtcdUnavailableException ignored) {
            // It expires on its own.
        }
        thread.schedule(this::join, RETRY_MS, TimeUnit.MILLISECONDS);
    }

    /** Resign (another replica takes over at once) and stop. */
    @Override
    public void close() {
        try {
            thread.submit(() -> {
                        closed = true;
                        if (leadership != null) {
                            listener.deposed("shutting down", true);
                            leadership = null;
                        }
                        if (campaign != null) {
                            campaign.cancel(true);
                        }
                        if (leaseId != 0) {
                            try {
                                store.revokeLease(leaseId);
                            } catch (final EtcdUnavailableException e) {
                                LOG.debug("lease not revoked on close: {}", e.getMessage());
                            }
                        }
                    })
                    .get(store.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (final Exception e) {
            LOG.debug("election close: {}", e.toString());
        }
        thread.shutdownNow();
    }
}
