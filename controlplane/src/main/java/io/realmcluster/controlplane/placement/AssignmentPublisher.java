package io.realmcluster.controlplane.placement;

import io.realmcluster.common.concurrent.Threads;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.controlplane.session.NodeSessionService;
import io.realmcluster.proto.v1.AssignmentSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes to each node whose session this replica holds the full set of instances etcd assigns
 * to it, whenever that set changes (every replica runs one; the leader need not hold the session).
 */
public final class AssignmentPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentPublisher.class);
    private static final long RESYNC_MS = 1_000;

    private final EtcdStore store;
    private final Keys keys;
    private final NodeSessionService sessions;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    /** Thread-owned: the set last pushed to each session, by identity of the session. */
    private final Map<Object, AssignmentSet> lastPushed = new HashMap<>();

    public AssignmentPublisher(final EtcdStore store, final Keys keys, final NodeSessionService sessions) {
        this.store = store;
        this.keys = keys;
        this.sessions = sessions;
        this.thread = Threads.singleThread("assignment-publisher");
    }

    public void start() {
        thread.scheduleWithFixedDelay(this::publish, RESYNC_MS, RESYNC_MS, TimeUnit.MILLISECONDS);
    }

    /** Assignments or sessions changed: publish soon (coalesced). */
    public void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            Threads.executeUnlessClosed(thread, () -> {
                wakeQueued.set(false);
                publish();
            });
        }
    }

    private void publish() {
        final List<NodeSessionService.Session> open = sessions.openSessions();
        lastPushed
                .keySet()
                .retainAll(
                        open.stream().map(NodeSessionService.Session::identity).toList());
        if (open.isEmpty()) {
            return;
        }
        final ClusterState state;
        try {
            state = ClusterState.read(store, keys);
        } catch (final EtcdUnavailableException e) {
            LOG.debug("assignments not published: {}", e.getMessage());
            return;
        }
        for (final NodeSessionService.Session session : open) {
            final AssignmentSet set = AssignmentSet.newBuilder()
                    .addAllInstances(state.assignedTo(session.nodeId()))
                    .build();
            if (!set.equals(lastPushed.get(session.identity())) && session.push(set)) {
                lastPushed.put(session.identity(), set);
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
