package io.realmcluster.controlplane.registry;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.NodeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Registered nodes in etcd: one key per node, attached to a lease of the node's current link,
 * so the entry disappears when the link's lease is revoked or expires. Writes are fenced on
 * the key's mod revision, so a superseded link can never overwrite a newer one.
 */
public final class NodeRegistry {
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final EtcdStore store;
    private final Keys keys;
    private final Duration leaseTtl;

    public NodeRegistry(final EtcdStore store, final Keys keys, final Duration leaseTtl) {
        this.store = store;
        this.keys = keys;
        this.leaseTtl = leaseTtl;
    }

    /** Why a node id is unacceptable, or null when it is fine. */
    public static String invalidNodeId(final String nodeId) {
        if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
            return "node id must be 1 to 64 characters of letters, digits, '.', '_' or '-' starting "
                    + "with a letter or digit, got '" + nodeId + "'";
        }
        return null;
    }

    /**
     * Register a node under a fresh lease. The same process (same incarnation) re-registering after
     * a control-plane failover takes its entry over; another process with the same id is refused.
     *
     * @throws NodeIdTakenException when a live entry of another incarnation holds the id.
     */
    public Registration register(final NodeStatus status) {
        final String nodeId = status.getNode().getNodeId();
        final long leaseId = store.grantLease(leaseTtl);
        try {
            final NodeStatus leased = status.toBuilder().setLeaseId(leaseId).build();
            final ByteSequence key = keys.node(nodeId);
            final ByteSequence value = ByteSequence.from(leased.toByteArray());
            Long revision = store.putIfAbsent(key, value, leaseId);
            if (revision == null) {
                final KeyValue existing = store.get(key);
                if (existing == null) {
                    revision = store.putIfAbsent(key, value, leaseId);
                } else {
                    final NodeStatus current = parse(existing);
                    if (!current.getNode()
                            .getIncarnation()
                            .equals(status.getNode().getIncarnation())) {
                        throw new NodeIdTakenException(nodeId, current);
                    }
                    if (current.getLinkAttempt() > status.getLinkAttempt()) {
                        // Read late by a replica that stood still: the node has moved on to a newer link.
                        throw new LinkLostException("Hello attempt " + status.getLinkAttempt() + " of node " + nodeId
                                + " is older than the registered attempt " + current.getLinkAttempt());
                    }
                    revision = store.putIfModRevision(key, value, leaseId, existing.getModRevision());
                }
            }
            if (revision == null) {
                throw new NodeIdTakenException(nodeId, null);
            }
            return new Registration(nodeId, leaseId, revision);
        } catch (final RuntimeException e) {
            revokeQuietly(leaseId);
            throw e;
        }
    }

    /**
     * Keep a registration alive; with {@code status} non-null also rewrite the entry.
     *
     * @return the registration with its new revision.
     * @throws LinkLostException when the lease expired or another link took the entry.
     */
    public Registration renew(final Registration registration, final NodeStatus status) {
        if (store.keepAliveOnce(registration.leaseId()) <= 0) {
            throw new LinkLostException("lease " + Long.toHexString(registration.leaseId()) + " of node "
                    + registration.nodeId() + " expired");
        }
        if (status == null) {
            return registration;
        }
        final NodeStatus leased =
                status.toBuilder().setLeaseId(registration.leaseId()).build();
        final Long revision = store.putIfModRevision(
                keys.node(registration.nodeId()),
                ByteSequence.from(leased.toByteArray()),
                registration.leaseId(),
                registration.modRevision());
        if (revision == null) {
            throw new LinkLostException(
                    "the entry of node " + registration.nodeId() + " was replaced or removed by another link");
        }
        return new Registration(registration.nodeId(), registration.leaseId(), revision);
    }

    /** End a registration now: its entry goes unless another link took it over. */
    public void release(final Registration registration) {
        store.revokeLease(registration.leaseId());
    }

    public List<NodeStatus> list() {
        final List<NodeStatus> result = new ArrayList<>();
        for (final KeyValue kv : store.list(keys.nodes())) {
            result.add(parse(kv));
        }
        return result;
    }

    public Optional<NodeStatus> get(final String nodeId) {
        final KeyValue kv = store.get(keys.node(nodeId));
        return kv == null ? Optional.empty() : Optional.of(parse(kv));
    }

    private void revokeQuietly(final long leaseId) {
        try {
            store.revokeLease(leaseId);
        } catch (final EtcdUnavailableException ignored) {
            // The lease expires on its own.
        }
    }

    private static NodeStatus parse(final KeyValue kv) {
        try {
            return NodeStatus.parseFrom(kv.getValue().getBytes());
        } catch (final InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt node entry at " + kv.getKey(), e);
        }
    }
}
