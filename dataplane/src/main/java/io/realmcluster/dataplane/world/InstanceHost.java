package io.realmcluster.dataplane.world;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.LoadReport;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapLoad;

/**
 * The map instances this node runs, kept equal to the control plane's latest assignment set:
 * new ones are loaded, closing ones unloaded, and any instance missing from the set (moved to
 * another node while this one was cut off, at an epoch this node never saw) is dropped.
 *
 * <p>Assignments are applied by the session thread only; the map is concurrent because load
 * reports read it from elsewhere.
 */
public final class InstanceHost {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceHost.class);

    private final Map<String, MapInstance> running = new ConcurrentHashMap<>();

    /** Apply a full assignment set; returns what to confirm to the control plane. */
    public List<AssignmentAck> apply(final AssignmentSet assignments) {
        final List<AssignmentAck> acks = new ArrayList<>();
        final Set<String> assigned = new HashSet<>();
        for (final MapInstance instance : assignments.getInstancesList()) {
            assigned.add(instance.getInstanceId());
            if (instance.getState() == InstanceState.INSTANCE_STATE_CLOSING) {
                if (running.remove(instance.getInstanceId()) != null) {
                    LOG.info("closed {} (map {}) at epoch {}", instance.getInstanceId(), instance.getMapId(), instance.getEpoch());
                }
                acks.add(ack(instance, InstanceState.INSTANCE_STATE_CLOSED));
                continue;
            }
            final MapInstance previous = running.put(instance.getInstanceId(), instance);
            if (previous == null) {
                LOG.info("loaded {} (map {}, realm {}) at epoch {}", instance.getInstanceId(), instance.getMapId(),
                    instance.getRealm(), instance.getEpoch());
            }
            acks.add(ack(instance, InstanceState.INSTANCE_STATE_ACTIVE));
        }
        for (final String id : List.copyOf(running.keySet())) {
            if (!assigned.contains(id)) {
                final MapInstance stale = running.remove(id);
                LOG.warn("dropped {} (epoch {}): no longer assigned to this node", id, stale.getEpoch());
            }
        }
        return acks;
    }

    /** The instance with its epoch, or null when this node does not run it. */
    public MapInstance instance(final String instanceId) {
        return running.get(instanceId);
    }

    public List<MapInstance> instances() {
        return List.copyOf(running.values());
    }

    /** What the node reports with its heartbeats. */
    public LoadReport load() {
        final LoadReport.Builder report = LoadReport.newBuilder().setMapInstances(running.size());
        for (final MapInstance instance : running.values()) {
            report.addMaps(MapLoad.newBuilder().setInstanceId(instance.getInstanceId()));
        }
        return report.build();
    }

    private static AssignmentAck ack(final MapInstance instance, final InstanceState state) {
        return AssignmentAck.newBuilder()
            .setInstanceId(instance.getInstanceId())
            .setEpoch(instance.getEpoch())
            .setState(state)
            .build();
    }
}
