package io.realmcluster.controlplane.placement;

import io.realmcluster.common.concurrent.Threads;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.nodelink.NodeLinkService;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.MapInstance;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes to each node whose link this replica holds the full set of instances etcd assigns
 * to it, whenever that set changes (every replica runs one; the leader need not hold the link).
 */
public final class AssignmentPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentPublisher.class);
    private static final long RESYNC_MS = 1_000;

    private final Supplier<ClusterState> states;
    private final NodeLinkService links;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    /** Thread-owned: the set last pushed to each link, by identity of the link. */
    private final Map<Object, AssignmentSet> lastPushed = new HashMap<>();

    /** {@code states}: the cluster as this replica's watch has it ({@link ClusterView#current}). */
    public AssignmentPublisher(final Supplier<ClusterState> states, final NodeLinkService links) {
        this.states = states;
        this.links = links;
        this.thread = Threads.singleThread("assignment-publisher");
    }

    public void start() {
        thread.scheduleWithFixedDelay(this::publish, RESYNC_MS, RESYNC_MS, TimeUnit.MILLISECONDS);
    }

    /** Assignments or links changed: publish soon (coalesced). */
    public void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            Threads.executeUnlessClosed(thread, () -> {
                wakeQueued.set(false);
                publish();
            });
        }
    }

    private void publish() {
        final List<NodeLinkService.Link> open = links.openLinks();
        lastPushed
                .keySet()
                .retainAll(open.stream().map(NodeLinkService.Link::identity).toList());
        if (open.isEmpty()) {
            return;
        }
        final ClusterState state;
        try {
            state = states.get();
        } catch (final EtcdUnavailableException e) {
            LOG.debug("assignments not published: {}", e.getMessage());
            return;
        }
        for (final NodeLinkService.Link link : open) {
            final List<MapInstance> assigned = state.assignedTo(link.nodeId());
            final AssignmentSet.Builder set = AssignmentSet.newBuilder().addAllInstances(assigned);
            for (final MapInstance instance : assigned) {
                if ((instance.hasCell() || instance.getMove().getToCells())
                        && instance.getNodeId().equals(link.nodeId())) {
                    set.addAllCellPeers(state.cellPeers(instance));
                }
            }
            final AssignmentSet built = set.build();
            if (!built.equals(lastPushed.get(link.identity())) && link.push(built)) {
                lastPushed.put(link.identity(), built);
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
