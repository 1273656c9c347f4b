package io.realmcluster.controlplane.placement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.google.protobuf.InvalidProtocolBufferException;

import io.etcd.jetcd.KeyValue;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeStatus;

/**
 * One consistent read of the cluster (a single range over the cluster's prefix): nodes, cordons,
 * instances with their epochs (the revision of their assignment) and what nodes confirmed.
 */
public final class ClusterState {
    private final Map<String, NodeStatus> nodes = new TreeMap<>();
    private final Set<String> cordoned = new HashSet<>();
    private final Map<String, MapInstance> instances = new TreeMap<>();
    private final Map<String, AssignmentAck> statuses = new HashMap<>();
    private final Map<String, String> bindings = new HashMap<>();
    private long revision;

    /** Read everything under the cluster's prefix at one revision. */
    public static ClusterState read(final EtcdStore store, final Keys keys) {
        final ClusterState state = new ClusterState();
        final EtcdStore.Listing listing = store.listAtRevision(Keys.bytes(keys.root()));
        state.revision = listing.revision();
        final int rootLength = keys.root().length();
        for (final KeyValue kv : listing.kvs()) {
            final String path = kv.getKey().toString().substring(rootLength);
            final String id = path.substring(path.indexOf('/') + 1);
            try {
                if (path.startsWith("nodes/")) {
                    state.nodes.put(id, NodeStatus.parseFrom(kv.getValue().getBytes()));
                } else if (path.startsWith("cordons/")) {
                    state.cordoned.add(id);
                } else if (path.startsWith("instances/")) {
                    state.instances.put(id, MapInstance.parseFrom(kv.getValue().getBytes()).toBuilder()
                        .setEpoch(kv.getModRevision()).build());
                } else if (path.startsWith("instance-status/")) {
                    state.statuses.put(id, AssignmentAck.parseFrom(kv.getValue().getBytes()));
                } else if (path.startsWith("bindings/")) {
                    state.bindings.put(id, kv.getValue().toString());
                }
            } catch (final InvalidProtocolBufferException e) {
                throw new IllegalStateException("corrupt entry at " + kv.getKey(), e);
            }
        }
        return state;
    }

    public long revision() {
        return revision;
    }

    public Map<String, NodeStatus> nodes() {
        return nodes;
    }

    public boolean isCordoned(final String nodeId) {
        return cordoned.contains(nodeId);
    }

    public Set<String> cordoned() {
        return cordoned;
    }

    /** Instances as stored: state PENDING or CLOSING, epoch filled in from the key's revision. */
    public Map<String, MapInstance> instances() {
        return instances;
    }

    /** The instance bound to {@code realm/mapId/owner}, or null. */
    public String binding(final String realm, final int mapId, final String owner) {
        return bindings.get(realm + "/" + mapId + "/" + owner);
    }

    /** What the node confirmed about {@code instance} at its current epoch, or null. */
    public AssignmentAck confirmed(final MapInstance instance) {
        final AssignmentAck ack = statuses.get(instance.getInstanceId());
        return ack != null && ack.getEpoch() == instance.getEpoch() ? ack : null;
    }

    /** The instance as operators see it: ACTIVE once its node confirmed the current epoch. */
    public MapInstance observed(final MapInstance instance) {
        final AssignmentAck ack = confirmed(instance);
        if (instance.getState() == InstanceState.INSTANCE_STATE_PENDING && ack != null
            && ack.getState() == InstanceState.INSTANCE_STATE_ACTIVE) {
            return instance.toBuilder().setState(InstanceState.INSTANCE_STATE_ACTIVE).build();
        }
        return instance;
    }

    public List<MapInstance> observedInstances() {
        final List<MapInstance> result = new ArrayList<>(instances.size());
        for (final MapInstance instance : instances.values()) {
            result.add(observed(instance));
        }
        return result;
    }

    /** Instances assigned to {@code nodeId}, as it should run them. */
    public List<MapInstance> assignedTo(final String nodeId) {
        final List<MapInstance> result = new ArrayList<>();
        for (final MapInstance instance : instances.values()) {
            if (instance.getNodeId().equals(nodeId)) {
                result.add(instance);
            }
        }
        return result;
    }

    /** Players the node reports in one instance, 0 when it reports none. */
    public int reportedPlayers(final MapInstance instance) {
        final NodeStatus node = nodes.get(instance.getNodeId());
        if (node == null) {
            return 0;
        }
        for (final var load : node.getLoad().getMapsList()) {
            if (load.getInstanceId().equals(instance.getInstanceId())) {
                return load.getPlayers();
            }
        }
        return 0;
    }
}
