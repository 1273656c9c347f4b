package io.realmcluster.controlplane.placement;

import java.util.List;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.MapInstance;

/**
 * Records what a node confirmed about an instance. Any replica may write it, without leadership:
 * the write only lands while the instance is still assigned to that node at that epoch. The
 * record lives on the lease of the node's session, so it goes with that session: a node that
 * restarts under the same id shows its instances pending until the new process confirms them.
 */
public final class AckRecorder {
    private final EtcdStore store;
    private final Keys keys;

    public AckRecorder(final EtcdStore store, final Keys keys) {
        this.store = store;
        this.keys = keys;
    }

    /**
     * Record {@code ack} from {@code nodeId}'s session under {@code leaseId}; false when it is stale
     * (another epoch, another node, gone, or the session's lease ended).
     */
    public boolean record(final String nodeId, final long leaseId, final AssignmentAck ack) {
        final ByteSequence key = keys.instance(ack.getInstanceId());
        final KeyValue current = store.get(key);
        if (current == null || current.getModRevision() != ack.getEpoch()) {
            return false;
        }
        try {
            if (!MapInstance.parseFrom(current.getValue().getBytes()).getNodeId().equals(nodeId)) {
                return false;
            }
        } catch (final com.google.protobuf.InvalidProtocolBufferException e) {
            return false;
        }
        try {
            return store.txn(List.of(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(ack.getEpoch()))),
                List.of(Op.put(keys.instanceStatus(ack.getInstanceId()), ByteSequence.from(ack.toByteArray()),
                    PutOption.builder().withLeaseId(leaseId).build()))) != null;
        } catch (final EtcdUnavailableException e) {
            if (EtcdStore.isLeaseNotFound(e)) {
                return false;
            }
            throw e;
        }
    }
}
