package io.realmcluster.controlplane.placement;

import com.google.protobuf.InvalidProtocolBufferException;
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
import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.MapInstance;
import java.util.List;

/**
 * Records what a node confirmed about an instance. Any replica may write it, without leadership:
 * the write only lands while the instance is still assigned to that node at that epoch. The
 * record lives on the lease of the node's session, so it goes with that session: a node that
 * restarts under the same id shows its instances pending until the new process confirms them, and a
 * node that registers again (its lease lapsed, or it moved to another replica) has what its Hello
 * reports running recorded again under its new lease.
 * The target of a move confirms its copy the same way, against the move's record.
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
        final boolean aboutMove = ack.getMoveEpoch() != 0;
        final ByteSequence key = aboutMove ? keys.move(ack.getInstanceId()) : keys.instance(ack.getInstanceId());
        final long epoch = aboutMove ? ack.getMoveEpoch() : ack.getEpoch();
        final KeyValue current = store.get(key);
        if (current == null || current.getModRevision() != epoch) {
            return false;
        }
        try {
            final String assignedTo = aboutMove
                    ? InstanceMove.parseFrom(current.getValue().getBytes()).getToNodeId()
                    : MapInstance.parseFrom(current.getValue().getBytes()).getNodeId();
            if (!assignedTo.equals(nodeId)) {
                return false;
            }
        } catch (final InvalidProtocolBufferException e) {
            return false;
        }
        try {
            final ByteSequence status =
                    aboutMove ? keys.moveStatus(ack.getInstanceId()) : keys.instanceStatus(ack.getInstanceId());
            return store.txn(
                            List.of(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(epoch))),
                            List.of(Op.put(
                                    status,
                                    ByteSequence.from(ack.toByteArray()),
                                    PutOption.builder().withLeaseId(leaseId).build())))
                    != null;
        } catch (final EtcdUnavailableException e) {
            if (EtcdStore.isLeaseNotFound(e)) {
                return false;
            }
            throw e;
        }
    }
}
